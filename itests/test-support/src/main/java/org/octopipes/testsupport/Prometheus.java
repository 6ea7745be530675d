package org.octopipes.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A real Prometheus (Debian's package) on a free loopback port, scraping one target every second,
 * its data in a folder of the test's; and {@code promtool}, which comes with it.
 */
public final class Prometheus implements AutoCloseable {

    /** Why a test that needs Prometheus cannot run. */
    public static final String MISSING = "prometheus and promtool are not installed; the test needs the real ones:"
            + " apt-get install prometheus (.ci/run does)";

    private final int port;
    private final TestProcess process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Prometheus(int port, TestProcess process) {
        this.port = port;
        this.process = process;
    }

    public static Optional<Path> executable() {
        return TestProcess.executable("prometheus");
    }

    public static Optional<Path> promtool() {
        return TestProcess.executable("promtool");
    }

    /**
     * Starts Prometheus in {@code folder}, scraping {@code http://TARGET/METRICSPATH} every second, and returns once it
     * serves its API.
     *
     * @param target host:port of what it scrapes
     */
    public static Prometheus start(Path folder, String target, String metricsPath) throws IOException, InterruptedException {
        Path executable = executable().orElseThrow(() -> new IllegalStateException(MISSING));
        int port = LocalPorts.freeLoopbackPort();
        Path configuration = Files.writeString(folder.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: octopipes",
                "    metrics_path: " + metricsPath,
                "    static_configs:",
                "      - targets: ['" + target + "']",
                ""));
        TestProcess process = TestProcess.start("prometheus", List.of(executable.toString(),
                "--config.file=" + configuration, "--storage.tsdb.path=" + folder.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port));
        Prometheus prometheus = new Prometheus(port, process);
        try {
            process.awaitStderr(line -> line.contains("Server is ready to receive web requests"), "that it is ready");
        } catch (RuntimeException | Error | InterruptedException e) {
            process.close();
            throw e;
        }
        return prometheus;
    }

    /**
     * The value of an instant query that yields one sample (e.g. a metric name), empty while it yields none.
     *
     * @throws AssertionError if the query fails or yields more than one sample
     */
    public OptionalDouble query(String promql) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        Object answer = Json.parse(response.body());
        if (response.statusCode() != 200 || !"success".equals(Json.at(answer, "status"))) {
            throw new AssertionError("Prometheus query " + promql + " failed: " + response.statusCode() + " " + response.body());
        }
        List<?> result = (List<?>) Json.at(answer, "data", "result");
        if (result.size() > 1) {
            throw new AssertionError("Prometheus query " + promql + " yields " + result.size() + " samples: " + response.body());
        }
        return result.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble((String) Json.at(result, 0, "value", 1)));
    }

    /** Prometheus's view of its one target: {@code up}, {@code down} or {@code unknown}, and the last scrape's error. */
    public String targetHealth() throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/targets");
        String body = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        Object target = Json.at(Json.parse(body), "data", "activeTargets", 0);
        return Json.at(target, "health") + " " + Json.at(target, "lastError");
    }

    /**
     * Runs {@code promtool check metrics} on an exposition, as a scrape would read it, and returns
     * what it says: nothing when the text is valid and follows the naming conventions.
     */
    public static CheckResult checkMetrics(String exposition, Path folder) throws IOException, InterruptedException {
        Path promtool = promtool().orElseThrow(() -> new IllegalStateException(MISSING));
        Path input = Files.writeString(folder.resolve("metrics.txt"), exposition);
        TestProcess check = TestProcess.start("promtool", List.of("/bin/sh", "-c", "exec \"$0\" check metrics < \"$1\"",
                promtool.toString(), input.toString()));
        int status = check.awaitExit();
        return new CheckResult(status, String.join("\n", check.stdout()) + String.join("\n", check.stderr()));
    }

    /** What {@code promtool check metrics} said: its exit status and its output. */
    public record CheckResult(int status, String output) {
    }

    public TestProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "Prometheus at 127.0.0.1:" + port + ", " + process;
    }
}
