package org.octopipes.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real Mosquitto on a free loopback port, its configuration and its data in a folder of the
 * test's, its log on standard error (collected by its {@link TestProcess}).
 */
public final class Mosquitto implements AutoCloseable {

    /** Why a test that needs Mosquitto cannot run, for its assumption. */
    public static final String MISSING = "mosquitto is not installed (neither on PATH nor /usr/sbin/mosquitto); "
            + "the test needs a real broker: apt-get install mosquitto (.ci/run does)";

    private final Path executable;
    private final Path configuration;
    private final int port;
    private TestProcess process;

    private Mosquitto(Path executable, Path configuration, int port) {
        this.executable = executable;
        this.configuration = configuration;
        this.port = port;
    }

    /** Mosquitto on the PATH or where Debian puts it. */
    public static Optional<Path> executable() {
        return TestProcess.executable("mosquitto", "/usr/sbin");
    }

    /**
     * Starts a broker that listens on a free loopback port and allows anonymous clients, with
     * {@code configuration} lines added to its {@code mosquitto.conf} in {@code folder}; returns
     * once it runs.
     *
     * @throws IllegalStateException if Mosquitto is not installed: check {@link #executable()} first
     */
    public static Mosquitto start(Path folder, String... configuration) throws IOException, InterruptedException {
        Path executable = executable().orElseThrow(() -> new IllegalStateException(MISSING));
        int port = LocalPorts.freeLoopbackPort();
        List<String> lines = new ArrayList<>(List.of(
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                // Run as root (in CI), Mosquitto would otherwise switch to its own user, which cannot write here.
                "user " + System.getProperty("user.name"),
                "log_dest stderr"));
        lines.addAll(List.of(configuration));
        lines.add("");
        Mosquitto broker = new Mosquitto(executable, Files.writeString(folder.resolve("mosquitto.conf"), String.join("\n", lines)), port);
        broker.restart();
        return broker;
    }

    /** Starts the broker again, after {@link #terminate()}, on the same port and with the same configuration (and data). */
    public void restart() throws IOException, InterruptedException {
        process = TestProcess.start("mosquitto", List.of(executable.toString(), "-c", configuration.toString()));
        // Mosquitto says it runs once its listeners are open.
        process.awaitStderr(line -> line.contains("mosquitto version") && line.endsWith(" running"), "that it runs");
    }

    public int port() {
        return port;
    }

    /** The URI a client connects to, {@code tcp://127.0.0.1:PORT}. */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Stops the broker with SIGTERM, as an operator would, and returns its exit status. */
    public int terminate() throws InterruptedException {
        return process.terminate();
    }

    /** Its process: its log, its exit. */
    public TestProcess process() {
        return process;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return "Mosquitto at " + uri() + ", " + process;
    }
}
