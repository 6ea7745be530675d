package org.octopipes.itests.e2e;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A program of ours started as its own OS process, with its output collected line by line. */
final class RunningProcess implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String label;
    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread[] readers;

    private RunningProcess(String label, Process process) {
        this.label = label;
        this.process = process;
        this.readers = new Thread[] {collect(process.getInputStream(), stdout), collect(process.getErrorStream(), stderr)};
    }

    static RunningProcess start(String label, List<String> command) throws IOException {
        return start(label, command, java.util.Map.of());
    }

    /** As {@link #start(String, List)}, with {@code environment} added to this JVM's (a null value removes a variable). */
    static RunningProcess start(String label, List<String> command, java.util.Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return new RunningProcess(label, builder.start());
    }

    /** The command that runs a jar with the JVM running these tests. */
    static List<String> java(Path jar, String... arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(arguments));
        return command;
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

    List<String> stderr() {
        return List.copyOf(stderr);
    }

    /** Waits for a line on standard output that matches, and returns it. */
    String awaitStdout(Predicate<String> match, String what) {
        return await(label + " prints " + what + "; stdout " + stdout + ", stderr " + stderr).atMost(PATIENCE)
                .until(() -> stdout.stream().filter(match).findFirst().orElse(null), line -> line != null);
    }

    /** Waits for the process to end by itself and returns its exit status, with its output read. */
    int awaitExit() throws InterruptedException {
        return awaitExit(PATIENCE);
    }

    /** Waits up to {@code patience} for the process to end by itself and returns its exit status, with its output read. */
    int awaitExit(Duration patience) throws InterruptedException {
        if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(label + " did not end within " + patience + "; stdout " + stdout + ", stderr " + stderr);
        }
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, as systemd or kill would, and returns the exit status. */
    int terminate() throws InterruptedException {
        process.toHandle().destroy();
        return awaitExit();
    }

    long pid() {
        return process.pid();
    }

    /** Whether the process has {@code file} open now, by the links in /proc/PID/fd. */
    boolean holdsOpen(Path file) {
        try (java.util.stream.Stream<Path> descriptors = java.nio.file.Files.list(Path.of("/proc", String.valueOf(pid()), "fd"))) {
            return descriptors.anyMatch(descriptor -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(descriptor).equals(file);
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            });
        } catch (IOException gone) {
            return false;
        }
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
