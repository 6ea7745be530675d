package org.octopipes.itests.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.client.OctopipesClient;
import org.octopipes.testsupport.HeadlessChromium;
import org.octopipes.testsupport.Prometheus;
import org.octopipes.testsupport.TestProcess;

/**
 * {@code --http} as an operator uses it: a real Prometheus scrapes the launcher's {@code /metrics}
 * while clients talk, and a real headless Chromium opens the Web Console's Octopipes page, finds
 * the clients and the chart, subscribes one to a group and kicks another with the page's own buttons. The same action without
 * the console's login, or without the page's token, changes nothing.
 */
class MonitoringIT {

    private static final Pattern HTTP_READY = Pattern.compile("ready: Web Console at (http://[^/]+)/system/console/octopipes, metrics at ");
    private static final int PACKETS = 25;
    /** The Felix Web Console's own default login, until an operator configures another. */
    private static final String USER = "admin";
    private static final String PASSWORD = "admin";

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path folder;

    @Test
    void prometheusCountsTheDeliveriesAndThePageShowsTheClientsDrawsTheChartAndKicks() throws Exception {
        assertThat(Prometheus.executable()).as(Prometheus.MISSING).isPresent();
        assertThat(HeadlessChromium.executable()).as(HeadlessChromium.MISSING).isPresent();
        Path run = LauncherServer.runFolder("octopipes-monitoring-");
        try (LauncherServer server = LauncherServer.start("monitoring", run, run.resolve("clients"), "", List.of(), List.of("--http", "0"));
                OctopipesClient alice = server.connect("alice", "sensors");
                OctopipesClient bob = server.connect("bob", "sensors");
                OctopipesClient carol = server.connect("carol")) {
            String base = httpBase(server.process);

            for (int i = 0; i < PACKETS; i++) {
                carol.send("sensors", ("reading " + i).getBytes(UTF_8));
            }
            int delivered = 0;
            for (OctopipesClient member : List.of(alice, bob)) {
                for (int i = 0; i < PACKETS; i++) {
                    assertThat(member.receive(TestProcess.PATIENCE)).as(member + " gets packet " + i).isNotNull();
                    delivered++;
                }
            }

            try (Prometheus prometheus = Prometheus.start(Files.createDirectories(folder.resolve("prometheus")),
                    URI.create(base).getAuthority(), "/metrics")) {
                int expected = delivered;
                await("Prometheus has scraped octopipes_delivered_total = " + expected).atMost(TestProcess.PATIENCE)
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> prometheus.query("octopipes_delivered_total"), value -> value.equals(OptionalDouble.of(expected)));
                assertThat(prometheus.query("octopipes_clients")).hasValue(3);
                assertThat(prometheus.query("octopipes_client_received_total{client=\"carol\"}")).hasValue(PACKETS);
                assertThat(prometheus.query("octopipes_dropped_total{reason=\"queue_full\"}")).hasValue(0);
                assertThat(prometheus.query("octopipes_routing_policy_active == 1")).isPresent();
            }

            try (HeadlessChromium chromium = HeadlessChromium.start(folder); HeadlessChromium.Page page = chromium.newPage()) {
                page.authenticate(USER, PASSWORD);
                page.open(base + "/system/console/octopipes");

                await("the page lists the three clients").atMost(TestProcess.PATIENCE)
                        .until(() -> page.evaluate(CLIENT_ROWS), rows -> rows.equals(List.of("alice", "bob", "carol")));
                assertThat(page.evaluate("document.querySelector('#octopipes-groups tbody').textContent")).asString()
                        .contains("sensors", "alice, bob");
                await("the chart draws a delivery rate above zero").atMost(TestProcess.PATIENCE)
                        .until(() -> page.evaluate(CHART_DRAWN), Boolean.TRUE::equals);
                page.screenshot(Path.of("target", "monitoring-launcher-webconsole.png"));

                String token = (String) page.evaluate("document.getElementById('octopipes').dataset.token");
                assertThat(post(base, "bob", token, false).statusCode()).as("a kick without the console's login").isEqualTo(401);
                assertThat(post(base, "bob", null, true).statusCode()).as("a kick without the page's token").isEqualTo(403);

                page.evaluate("""
                        (() => {
                          const row = document.querySelector('#octopipes-clients tr[data-client="bob"]');
                          row.querySelector('input').value = 'alarms';
                          row.querySelector('button[data-action="subscribe"]').click();
                          return true;
                        })()""");
                await("the page shows bob in alarms").atMost(TestProcess.PATIENCE).until(() -> page.evaluate(
                        "document.querySelector('#octopipes-clients tr[data-client=\"bob\"]').cells[1].textContent"), "alarms, sensors"::equals);
                assertThat(page.evaluate("document.getElementById('octopipes-message').textContent")).isEqualTo("subscribed 'bob' to alarms");
                carol.send("alarms", "fire".getBytes(UTF_8));
                assertThat(bob.receive(TestProcess.PATIENCE)).as("bob gets what is sent to the group the page added").isNotNull();

                page.evaluate("document.querySelector('#octopipes-clients tr[data-client=\"carol\"] button[data-action=\"kick\"]').click(), true");

                await("carol's FIFOs deleted").atMost(TestProcess.PATIENCE)
                        .until(() -> !Files.exists(server.clients.resolve("carol_rx.fifo")) && !Files.exists(server.clients.resolve("carol_tx.fifo")));
                await("the page lists alice and bob").atMost(TestProcess.PATIENCE)
                        .until(() -> page.evaluate(CLIENT_ROWS), rows -> rows.equals(List.of("alice", "bob")));
                assertThat(page.evaluate("document.getElementById('octopipes-message').textContent")).isEqualTo("kicked 'carol'");
                assertThat(Files.exists(server.clients.resolve("bob_rx.fifo"))).as("bob, whom the refused requests named, is still there").isTrue();
                server.awaitLog("kicked 'carol' from the Web Console");
            }
        }
    }

    /** The names in the clients table, top to bottom. */
    private static final String CLIENT_ROWS = "Array.from(document.querySelectorAll('#octopipes-clients tbody tr[data-client]'))"
            + ".map(row => row.dataset.client)";

    /**
     * Chart.js has data with a delivery rate above zero, and the canvas has pixels of the delivery
     * line's colour (#1565c0) beyond the legend's box: the line is drawn, not only the axes.
     */
    private static final String CHART_DRAWN = """
            (() => {
              const canvas = document.getElementById('octopipes-chart');
              const chart = Chart.getChart(canvas);
              if (!chart || !chart.data.datasets[0].data.some(rate => rate > 0)) return false;
              const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              let line = 0;
              for (let i = 0; i < pixels.length; i += 4) {
                if (Math.abs(pixels[i] - 21) < 12 && Math.abs(pixels[i + 1] - 101) < 12 && Math.abs(pixels[i + 2] - 192) < 12 && pixels[i + 3] > 200) line++;
              }
              return line > 200;
            })()""";

    /** The kick action as a script elsewhere would post it: with or without the login, with or without the token. */
    private HttpResponse<String> post(String base, String client, String token, boolean withLogin) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/system/console/octopipes/kick"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("client=" + client));
        if (token != null) {
            request.header("X-Octopipes-Token", token);
        }
        if (withLogin) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String httpBase(TestProcess server) throws InterruptedException {
        Matcher ready = HTTP_READY.matcher(server.awaitStdout(line -> HTTP_READY.matcher(line).find(), "the Web Console's URL"));
        assertThat(ready.find()).isTrue();
        return ready.group(1);
    }
}
