package org.octopipes.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A program started as its own OS process, standard input at end of file (as under systemd), its
 * standard output and error collected line by line. The one process runner of the tests: the
 * server's launcher, the client's command line, Mosquitto.
 */
public final class TestProcess implements AutoCloseable {

    /** Generous: CI has two cores, and a JVM plus a framework start is not instant there. */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String label;
    private final Process process;
    private final Lines stdout = new Lines();
    private final Lines stderr = new Lines();
    private final Thread[] readers;

    private TestProcess(String label, Process process) {
        this.label = label;
        this.process = process;
        this.readers = new Thread[] {collect(process.getInputStream(), stdout, "stdout"), collect(process.getErrorStream(), stderr, "stderr")};
    }

    public static TestProcess start(String label, List<String> command) throws IOException {
        return start(label, command, Map.of(), null);
    }

    /** As {@link #start(String, List)}, with {@code environment} added to this JVM's (a null value removes a variable). */
    public static TestProcess start(String label, List<String> command, Map<String, String> environment) throws IOException {
        return start(label, command, environment, null);
    }

    /** As {@link #start(String, List, Map)}, in {@code workingDirectory} unless null. */
    public static TestProcess start(String label, List<String> command, Map<String, String> environment, Path workingDirectory)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return new TestProcess(label, builder.start());
    }

    /** The first executable {@code name} on the PATH, else in one of {@code alsoIn} (e.g. /usr/sbin, not on every user's PATH). */
    public static Optional<Path> executable(String name, String... alsoIn) {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name));
        return Stream.concat(onPath, Stream.of(alsoIn).map(dir -> Path.of(dir, name))).filter(Files::isExecutable).findFirst();
    }

    /** The command that runs {@code jar} with the JVM running these tests. */
    public static List<String> java(Path jar, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(arguments));
        return command;
    }

    private Thread collect(InputStream stream, Lines lines, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process ended; what was read is kept.
            } finally {
                lines.end();
            }
        }, label + "-" + name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /** What the process printed on standard output so far. */
    public List<String> stdout() {
        return stdout.snapshot();
    }

    /** What the process printed on standard error so far. */
    public List<String> stderr() {
        return stderr.snapshot();
    }

    /** Waits for a line on standard output that matches, and returns it. */
    public String awaitStdout(Predicate<String> match, String what) throws InterruptedException {
        return awaitLine(stdout, match, "prints " + what);
    }

    /** Waits for a line on standard error that matches, and returns it. */
    public String awaitStderr(Predicate<String> match, String what) throws InterruptedException {
        return awaitLine(stderr, match, "prints on standard error " + what);
    }

    private String awaitLine(Lines lines, Predicate<String> match, String what) throws InterruptedException {
        String line = lines.await(match, PATIENCE);
        if (line == null) {
            throw new AssertionError(label + " " + what + " within " + PATIENCE.toSeconds() + " s (" + (process.isAlive() ? "running" : "ended")
                    + "); " + this);
        }
        return line;
    }

    /** Waits for the process to end by itself and returns its exit status, with its output read. */
    public int awaitExit() throws InterruptedException {
        return awaitExit(PATIENCE);
    }

    /** Waits up to {@code patience} for the process to end and returns its exit status, with its output read. */
    public int awaitExit(Duration patience) throws InterruptedException {
        if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(label + " did not end within " + patience.toSeconds() + " s; " + this);
        }
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }
        return process.exitValue();
    }

    /**
     * Sends SIGTERM, as systemd or {@code kill} would, without waiting. Through the handle:
     * {@link Process#destroy()} sends the same signal but also closes our end of the pipes, and
     * what the process prints while it stops would be lost.
     */
    public void signalTerminate() {
        process.toHandle().destroy();
    }

    /** Sends SIGTERM and returns the exit status. */
    public int terminate() throws InterruptedException {
        signalTerminate();
        return awaitExit();
    }

    public long pid() {
        return process.pid();
    }

    /** Whether the process has {@code file} open now, by the links in /proc/PID/fd. */
    public boolean holdsOpen(Path file) {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", String.valueOf(pid()), "fd"))) {
            return descriptors.anyMatch(descriptor -> {
                try {
                    return Files.readSymbolicLink(descriptor).equals(file);
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            });
        } catch (IOException gone) {
            return false;
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process if it still runs, and waits for it to go. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
            try {
                process.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return label + " (stdout " + stdout + ", stderr " + stderr + ")";
    }
}
