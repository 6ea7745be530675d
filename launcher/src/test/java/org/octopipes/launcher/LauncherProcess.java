package org.octopipes.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The launcher jar running as a separate process, the way an operator starts it, with its standard
 * output and error collected line by line so that tests can wait for what it prints.
 */
final class LauncherProcess implements AutoCloseable {

    /** Generous: CI has two cores, and a JVM plus a framework start is not instant there. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    static final Path JAR = Path.of(System.getProperty("octopipes.launcher.jar", "target/octopipes-launcher.jar"));

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private LauncherProcess(Process process) {
        this.process = process;
        this.stdoutReader = collect(process.getInputStream(), stdout, "launcher stdout");
        this.stderrReader = collect(process.getErrorStream(), stderr, "launcher stderr");
    }

    /** Starts {@code java -jar octopipes-launcher.jar args} with standard input at EOF, as under systemd. */
    static LauncherProcess start(Path workingDir, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new LauncherProcess(process);
    }

    List<String> stdout() {
        return stdout;
    }

    List<String> stderr() {
        return stderr;
    }

    /** Waits until standard error has a log line from the launcher whose message is {@code message}. */
    void awaitLauncherLog(String level, String message) {
        awaitStderr(line -> line.endsWith(" " + level + " octopipes-launcher: " + message),
                level + " octopipes-launcher: " + message);
    }

    void awaitStderr(Predicate<String> wanted, String description) {
        await(description).atMost(TIMEOUT).untilAsserted(
                () -> assertThat(stderr).as("standard error").anyMatch(wanted));
    }

    void awaitStdout(Predicate<String> wanted, String description) {
        await(description).atMost(TIMEOUT).untilAsserted(
                () -> assertThat(stdout).as("standard output").anyMatch(wanted));
    }

    /** Sends SIGTERM, as systemd or {@code kill} does. */
    void terminate() {
        // Through the handle: Process.destroy() sends the same signal but also closes our end of
        // the pipes, and what the launcher logs while it stops would be lost.
        process.toHandle().destroy();
    }

    /** Waits for the process to end and for the rest of its output; its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                .as("the launcher exited within %s s", timeout.toSeconds()).isTrue();
        stdoutReader.join(TIMEOUT.toMillis());
        stderrReader.join(TIMEOUT.toMillis());
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static Thread collect(InputStream stream, List<String> lines, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
