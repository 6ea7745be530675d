package org.octopipes.itests.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.octopipes.client.OctopipesClient;
import org.octopipes.testsupport.TestProcess;

/**
 * The launcher as its own process in a private run folder (mode 0700): its CAP there, its clients
 * folder wherever the test wants it, and a configuration of {@code org.octopipes.server} properties.
 */
final class LauncherServer implements AutoCloseable {

    static final Path LAUNCHER = Path.of(System.getProperty("octopipes.launcher.jar"));
    /** Generous: a reply nobody collects holds the CAP for up to 5 s, and clients queue behind it. */
    static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(20);

    final String label;
    final Path run;
    final Path cap;
    final Path clients;
    final TestProcess process;

    private LauncherServer(String label, Path run, Path clients, TestProcess process) {
        this.label = label;
        this.run = run;
        this.cap = run.resolve("cap.fifo");
        this.clients = clients;
        this.process = process;
    }

    /** A new run folder for {@link #start}. */
    static Path runFolder(String prefix) throws IOException {
        return Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Starts the launcher and waits until it serves; {@code properties} is the content of its --config file. */
    static LauncherServer start(String label, Path run, Path clients, String properties) throws IOException, InterruptedException {
        return start(label, run, clients, properties, List.of());
    }

    /** As {@link #start(String, Path, Path, String)}, with options for the server's JVM, e.g. -Xmx. */
    static LauncherServer start(String label, Path run, Path clients, String properties, List<String> jvmOptions) throws IOException, InterruptedException {
        return start(label, run, clients, properties, jvmOptions, List.of());
    }

    /** As {@link #start(String, Path, Path, String, List)}, with more launcher options, e.g. --http. */
    static LauncherServer start(String label, Path run, Path clients, String properties, List<String> jvmOptions, List<String> launcherOptions)
            throws IOException, InterruptedException {
        Path cap = run.resolve("cap.fifo");
        Path configuration = Files.writeString(run.resolve("server.properties"), properties);
        List<String> command = new ArrayList<>(TestProcess.java(LAUNCHER, "--no-console", "--cap", cap.toString(),
                "--clients", clients.toString(), "--deploy", run.resolve("deploy").toString(), "--config", configuration.toString()));
        command.addAll(launcherOptions);
        command.addAll(1, jvmOptions);
        TestProcess process = TestProcess.start(label, command);
        LauncherServer server = new LauncherServer(label, run, clients, process);
        try {
            process.awaitStdout(line -> line.endsWith("fifo transport at " + cap), "that it is ready");
        } catch (RuntimeException | Error | InterruptedException e) {
            process.close();
            throw e;
        }
        return server;
    }

    OctopipesClient connect(String name, String... groups) throws IOException {
        return OctopipesClient.builder(cap).name(name).groups(groups).subscribeTimeout(SUBSCRIBE_TIMEOUT).connect();
    }

    void awaitLog(String text) throws InterruptedException {
        process.awaitStderr(line -> line.contains(text), "\"" + text + "\"");
    }

    /** Stops the server with SIGTERM, keeps its log as target/LABEL-server.log, and returns its exit status. */
    int stop() throws InterruptedException, IOException {
        int status = process.terminate();
        Files.write(Path.of("target", label + "-server.log"), process.stderr());
        return status;
    }

    /** Kills the server if it still runs, and keeps what it logged, e.g. when a test failed. */
    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.close();
            Files.write(Path.of("target", label + "-server.log"), process.stderr());
        }
    }
}
