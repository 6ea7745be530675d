package org.octopipes.testsupport;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;

/**
 * The Web Console's Octopipes page in a real browser, read and used as a person would: the rows of
 * the clients table, the chart, the buttons. One place for what the launcher's and Karaf's tests
 * both check.
 */
public final class OctopipesConsolePage {

    /** The page under the HTTP service's root, in the launcher and in Karaf alike. */
    public static final String PATH = "/system/console/octopipes";

    /**
     * Chart.js has data with a delivery rate above zero, and inside the plot area (not counting
     * the legend, whose box has the same colour) the canvas has pixels of the delivery line's
     * colour, #1565c0: the line is drawn, not only the axes.
     */
    private static final String CHART_DRAWN = """
            (() => {
              const canvas = document.getElementById('octopipes-chart');
              const chart = Chart.getChart(canvas);
              if (!chart || !chart.data.datasets[0].data.some(rate => rate > 0)) return false;
              const ratio = chart.currentDevicePixelRatio, area = chart.chartArea;
              const x = Math.ceil(area.left * ratio) + 2, y = Math.ceil(area.top * ratio);
              const width = Math.floor((area.right - area.left) * ratio) - 4, height = Math.floor((area.bottom - area.top) * ratio) - 2;
              const pixels = canvas.getContext('2d').getImageData(x, y, width, height).data;
              let line = 0;
              for (let i = 0; i < pixels.length; i += 4) {
                if (Math.abs(pixels[i] - 21) < 16 && Math.abs(pixels[i + 1] - 101) < 16 && Math.abs(pixels[i + 2] - 192) < 16
                    && pixels[i + 3] > 200) line++;
              }
              return line > 50;
            })()""";

    private final HeadlessChromium.Page page;

    private OctopipesConsolePage(HeadlessChromium.Page page) {
        this.page = page;
    }

    /** Logs in to the console with {@code user} and {@code password} and opens the page at {@code base} (http://host:port). */
    public static OctopipesConsolePage open(HeadlessChromium.Page page, String base, String user, String password) throws InterruptedException {
        page.authenticate(user, password);
        page.open(base + PATH);
        return new OctopipesConsolePage(page);
    }

    /** The names in the clients table, top to bottom. */
    public Object clients() throws InterruptedException {
        return page.evaluate("Array.from(document.querySelectorAll('#octopipes-clients tbody tr[data-client]')).map(row => row.dataset.client)");
    }

    /** The groups column of a client's row. */
    public Object groupsOf(String client) throws InterruptedException {
        return page.evaluate("document.querySelector('#octopipes-clients tr[data-client=" + Json.quote(client) + "]').cells[1].textContent");
    }

    /** The text of the groups table. */
    public Object groupsTable() throws InterruptedException {
        return page.evaluate("document.querySelector('#octopipes-groups tbody').textContent");
    }

    /** Whether the chart shows deliveries: see {@link #CHART_DRAWN}. */
    public boolean chartDrawn() throws InterruptedException {
        return Boolean.TRUE.equals(page.evaluate(CHART_DRAWN));
    }

    /** Types {@code groups} into the client's row and presses its Subscribe button. */
    public void subscribe(String client, String groups) throws InterruptedException {
        page.evaluate("(() => { const row = document.querySelector('#octopipes-clients tr[data-client=" + Json.quote(client) + "]');"
                + " row.querySelector('input').value = " + Json.quote(groups) + ";"
                + " row.querySelector('button[data-action=\"subscribe\"]').click(); return true; })()");
    }

    /** Presses the Kick button of the client's row. */
    public void kick(String client) throws InterruptedException {
        page.evaluate("document.querySelector('#octopipes-clients tr[data-client=" + Json.quote(client) + "] button[data-action=\"kick\"]')"
                + ".click(), true");
    }

    /** What the page says about the last action. */
    public Object message() throws InterruptedException {
        return page.evaluate("document.getElementById('octopipes-message').textContent");
    }

    /** The page's token, which its actions carry. */
    public String token() throws InterruptedException {
        return (String) page.evaluate("document.getElementById('octopipes').dataset.token");
    }

    /**
     * The kick action as a script elsewhere would post it, with the console's login unless
     * {@code user} is null and with the token unless it is null; returns the HTTP status.
     */
    public static int postKick(String base, String client, String token, String user, String password) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + PATH + "/kick"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("client=" + client));
        if (token != null) {
            request.header("X-Octopipes-Token", token);
        }
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8)));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** GET of a path under {@code base}, without login: e.g. /metrics. */
    public static HttpResponse<String> get(String base, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
