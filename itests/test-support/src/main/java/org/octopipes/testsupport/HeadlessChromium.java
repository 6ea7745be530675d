package org.octopipes.testsupport;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium (Debian's package), driven over the Chrome DevTools protocol as a
 * person's browser would be used: open a page, read its DOM, click, take a screenshot. Its profile
 * lives in a folder of the test's; one browser per test class is plenty.
 */
public final class HeadlessChromium implements AutoCloseable {

    /** Why a test that needs Chromium cannot run. */
    public static final String MISSING = "chromium is not installed; the test needs a real browser: apt-get install chromium (.ci/run does)";

    private static final Duration PATIENCE = TestProcess.PATIENCE;

    private final TestProcess process;
    private final URI devtools;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HeadlessChromium(TestProcess process, URI devtools) {
        this.process = process;
        this.devtools = devtools;
    }

    public static Optional<Path> executable() {
        return TestProcess.executable("chromium").or(() -> TestProcess.executable("chromium-browser"));
    }

    /** Starts the browser with its profile in {@code folder}; returns once its DevTools endpoint is open. */
    public static HeadlessChromium start(Path folder) throws IOException, InterruptedException {
        Path executable = executable().orElseThrow(() -> new IllegalStateException(MISSING));
        TestProcess process = TestProcess.start("chromium", List.of(executable.toString(), "--headless=new",
                // The sandbox needs user namespaces or root's setuid helper, which containers and CI lack; the
                // browser only ever opens our own pages on the loopback.
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--user-data-dir=" + folder.resolve("chromium-profile"), "--window-size=1280,1024",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"));
        try {
            String line = process.awaitStderr(text -> text.startsWith("DevTools listening on ws://"), "its DevTools address");
            URI browser = URI.create(line.substring("DevTools listening on ".length()).trim());
            return new HeadlessChromium(process, URI.create("http://" + browser.getHost() + ":" + browser.getPort()));
        } catch (RuntimeException | Error | InterruptedException e) {
            process.close();
            throw e;
        }
    }

    /** A new tab, blank until {@link Page#open}. */
    public Page newPage() throws IOException, InterruptedException {
        // PUT: newer Chromiums refuse GET here, so that no web page can open tabs through it.
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(devtools.resolve("/json/new?about:blank"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Chromium did not open a tab: " + response.statusCode() + " " + response.body());
        }
        URI socket = URI.create((String) Json.at(Json.parse(response.body()), "webSocketDebuggerUrl"));
        Page page = new Page();
        try {
            page.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(socket, page).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot reach the tab's DevTools socket " + socket, e);
        }
        return page;
    }

    /** Its process: its log, its exit. */
    public TestProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }

    /** One tab: each method sends one DevTools command and waits for its answer. */
    public static final class Page implements WebSocket.Listener, AutoCloseable {

        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
        private final StringBuilder message = new StringBuilder();
        private WebSocket socket;

        private Page() {
        }

        /** Sends every request of this tab with HTTP basic authentication, as a browser does once the user has logged in. */
        public void authenticate(String user, String password) throws InterruptedException {
            String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
            call("Network.enable", "{}");
            call("Network.setExtraHTTPHeaders", "{\"headers\":{\"Authorization\":" + Json.quote("Basic " + credentials) + "}}");
        }

        /** Opens {@code url} and waits until the document and what it loads are in. */
        public void open(String url) throws InterruptedException {
            Map<String, Object> navigated = call("Page.navigate", "{\"url\":" + Json.quote(url) + "}");
            if (navigated.get("errorText") != null) {
                throw new AssertionError("Chromium could not open " + url + ": " + navigated.get("errorText"));
            }
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!"complete".equals(evaluate("document.readyState"))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(url + " did not finish loading within " + PATIENCE.toSeconds() + " s");
                }
                // The DevTools protocol can wait for us: a promise that settles on the next frame.
                evaluate("new Promise(resolve => requestAnimationFrame(() => resolve(true)))");
            }
        }

        /**
         * The value of a JavaScript expression in the page (a promise is awaited), as JSON would
         * carry it: a Map, List, String, Double, Boolean or null.
         *
         * @throws AssertionError if the expression throws
         */
        public Object evaluate(String expression) throws InterruptedException {
            Map<String, Object> result = call("Runtime.evaluate", "{\"expression\":" + Json.quote(expression)
                    + ",\"returnByValue\":true,\"awaitPromise\":true}");
            if (result.get("exceptionDetails") != null) {
                throw new AssertionError("the page threw on " + expression + ": " + result.get("exceptionDetails"));
            }
            return Json.at(result, "result", "value");
        }

        /** A screenshot of the whole page as a PNG file. */
        public void screenshot(Path png) throws InterruptedException, IOException {
            Map<String, Object> shot = call("Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":true}");
            Files.createDirectories(png.toAbsolutePath().getParent());
            Files.write(png, Base64.getDecoder().decode((String) shot.get("data")));
        }

        /** Sends one DevTools command and returns its result. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> call(String method, String params) throws InterruptedException {
            int id = ids.incrementAndGet();
            CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
            pending.put(id, answer);
            socket.sendText("{\"id\":" + id + ",\"method\":" + Json.quote(method) + ",\"params\":" + params + "}", true);
            Map<String, Object> response;
            try {
                response = answer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("Chromium did not answer " + method + " within " + PATIENCE.toSeconds() + " s", e);
            } finally {
                pending.remove(id);
            }
            if (response.get("error") != null) {
                throw new AssertionError("Chromium refused " + method + " " + params + ": " + response.get("error"));
            }
            return (Map<String, Object>) response.get("result");
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                Map<String, Object> received = (Map<String, Object>) Json.parse(message.toString());
                message.setLength(0);
                // Events have no id: this driver waits for answers only.
                if (received.get("id") instanceof Double id) {
                    CompletableFuture<Map<String, Object>> answer = pending.get(id.intValue());
                    if (answer != null) {
                        answer.complete(received);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
