package org.octopipes.itests.karaf;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The Java client's command line ({@code sub} or {@code send}) run as an OS process of its own,
 * started from inside Karaf, with its output collected line by line.
 */
final class ClientProcess implements AutoCloseable {

    private static final Path CLIENT_JAR = Path.of(System.getProperty("octopipes.client.jar"));

    private final String label;
    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread[] readers;

    private ClientProcess(String label, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-jar");
        command.add(CLIENT_JAR.toString());
        command.addAll(arguments);
        this.label = label;
        this.process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        this.readers = new Thread[] {collect(process.getInputStream(), stdout), collect(process.getErrorStream(), stderr)};
    }

    /** The client jar's command line with these arguments, e.g. {@code sub --socket PATH ...}. */
    static ClientProcess run(String label, String... arguments) throws IOException {
        return new ClientProcess(label, List.of(arguments));
    }

    /** {@code sub}: subscribes as {@code name} and prints the first {@code count} packets that arrive. */
    static ClientProcess sub(Path cap, String name, int count) throws IOException {
        return new ClientProcess("sub " + name, List.of("sub", "--cap", cap.toString(), "--name", name, "--count", String.valueOf(count)));
    }

    /** {@code send}: subscribes as {@code name}, sends one packet to {@code remote} and leaves. */
    static ClientProcess send(Path cap, String name, String remote, String payload) throws IOException {
        return new ClientProcess("send " + name, List.of("send", "--cap", cap.toString(), "--name", name, remote, payload));
    }

    private Thread collect(InputStream stream, List<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process ended; what was read is kept.
            }
        }, label + "-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    List<String> stdout() {
        return List.copyOf(stdout);
    }

    /** Waits for the process to end by itself and returns its exit status, with all its output read. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(KarafTestSupport.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError(this + " did not end within " + KarafTestSupport.PATIENCE);
        }
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return label + " (stdout " + stdout + ", stderr " + stderr + ")";
    }
}
