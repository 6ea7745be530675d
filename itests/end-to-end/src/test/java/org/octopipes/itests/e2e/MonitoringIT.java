package org.octopipes.itests.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.client.OctopipesClient;
import org.octopipes.testsupport.HeadlessChromium;
import org.octopipes.testsupport.OctopipesConsolePage;
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

            try (HeadlessChromium chromium = HeadlessChromium.start(folder); HeadlessChromium.Page browser = chromium.newPage()) {
                OctopipesConsolePage page = OctopipesConsolePage.open(browser, base, USER, PASSWORD);

                await("the page lists the three clients").atMost(TestProcess.PATIENCE)
                        .until(page::clients, rows -> rows.equals(List.of("alice", "bob", "carol")));
                assertThat(page.groupsTable()).asString().contains("sensors", "alice, bob");
                await("the chart draws a delivery rate above zero").atMost(TestProcess.PATIENCE).until(page::chartDrawn);
                browser.screenshot(Path.of("target", "monitoring-launcher-webconsole.png"));

                String token = page.token();
                assertThat(OctopipesConsolePage.postKick(base, "bob", token, null, null)).as("a kick without the console's login").isEqualTo(401);
                assertThat(OctopipesConsolePage.postKick(base, "bob", null, USER, PASSWORD)).as("a kick without the page's token").isEqualTo(403);

                page.subscribe("bob", "alarms");
                await("the page shows bob in alarms").atMost(TestProcess.PATIENCE).until(() -> page.groupsOf("bob"), "alarms, sensors"::equals);
                assertThat(page.message()).isEqualTo("subscribed 'bob' to alarms");
                carol.send("alarms", "fire".getBytes(UTF_8));
                assertThat(bob.receive(TestProcess.PATIENCE)).as("bob gets what is sent to the group the page added").isNotNull();

                page.kick("carol");

                await("carol's FIFOs deleted").atMost(TestProcess.PATIENCE)
                        .until(() -> !Files.exists(server.clients.resolve("carol_rx.fifo")) && !Files.exists(server.clients.resolve("carol_tx.fifo")));
                await("the page lists alice and bob").atMost(TestProcess.PATIENCE).until(page::clients, rows -> rows.equals(List.of("alice", "bob")));
                assertThat(page.message()).isEqualTo("kicked 'carol'");
                assertThat(Files.exists(server.clients.resolve("bob_rx.fifo"))).as("bob, whom the refused requests named, is still there").isTrue();
                server.awaitLog("kicked 'carol' from the Web Console");
            }
        }
    }

    private static String httpBase(TestProcess server) throws InterruptedException {
        Matcher ready = HTTP_READY.matcher(server.awaitStdout(line -> HTTP_READY.matcher(line).find(), "the Web Console's URL"));
        assertThat(ready.find()).isTrue();
        return ready.group(1);
    }
}
