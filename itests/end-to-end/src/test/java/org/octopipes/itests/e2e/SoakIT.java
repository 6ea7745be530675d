package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Packet;
import org.octopipes.testsupport.TestProcess;

/**
 * A bounded soak on real FIFOs, the launcher in its own process. For {@code soak.seconds}
 * (default 40; the long run is {@code -Dsoak.seconds=600}):
 * <ul>
 * <li>{@code soak.workers} processes (default 2) of {@code soak.pairs} pairs of Java clients each
 * (default 3, see {@link SoakWorker}): windows of packets with RCK, every one checked on arrival
 * and ACKed, and every five windows both unsubscribe and subscribe again under the same names;</li>
 * <li>a victim process of one such pair, killed with SIGKILL every 12 s and started again under the
 * same names, which it gets back once the server sees that nobody holds the old FIFOs;</li>
 * <li>reference-style Python clients, one after another, each subscribing, sending 3 packets with
 * RCK to a Java sink and waiting for the ACKs, every other one with the C client's NUL in its origin.</li>
 * </ul>
 * The server's resident memory is sampled every second from /proc/PID/status. Everything is written
 * to target/soak-report.json. Asserted: nothing lost or unacknowledged between live clients, the
 * victim subscribed again after a kill, and the server's RSS in the last third of the run not above
 * its most in the first third by more than 64 MiB (the server runs with a fixed heap, touched at start).
 */
class SoakIT {

    private static final long SECONDS = Long.getLong("soak.seconds", 40);
    private static final int WORKERS = Integer.getInteger("soak.workers", 2);
    private static final int PAIRS = Integer.getInteger("soak.pairs", 3);
    private static final long KILL_EVERY_SECONDS = 12;
    /**
     * A fixed heap, touched at start: the RSS then does not grow with the heap as the JVM sizes it
     * (by default up to a quarter of the machine's memory), so growth means memory held elsewhere.
     */
    private static final List<String> SERVER_JVM = List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch");
    private static final long RSS_MARGIN_KB = 64 * 1024;
    private static final Path REFERENCE_CLIENT = Path.of(System.getProperty("octopipes.reference.client"));
    private static final String SINK = "soak-sink";

    private final long start = System.nanoTime();
    private final List<long[]> rss = Collections.synchronizedList(new ArrayList<>());
    private final List<TestProcess> victims = Collections.synchronizedList(new ArrayList<>());
    private final List<TestProcess> pythons = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> atSink = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Throwable> backgroundFailure = new AtomicReference<>();

    @Test
    void manyClientsSubscribeSendAckLeaveAndCrashForASetTimeAndNothingIsLost() throws Exception {
        Path run = LauncherServer.runFolder("octopipes-soak-");
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);
        AtomicBoolean stopping = new AtomicBoolean();
        List<TestProcess> workers = new ArrayList<>();
        try (LauncherServer server = LauncherServer.start("SoakIT", run, run.resolve("clients"), "", SERVER_JVM);
                OctopipesClient sink = server.connect(SINK)) {
            long pid = server.process.pid();
            scheduler.scheduleAtFixedRate(() -> rss.add(new long[] {elapsedMillis(), residentKb(pid)}), 0, 1, TimeUnit.SECONDS);
            Thread sinkReader = background("sink", () -> {
                while (!stopping.get()) {
                    Packet packet = sink.receive(Duration.ofSeconds(1));
                    if (packet != null) {
                        atSink.add(new String(packet.payloadBytes(), StandardCharsets.UTF_8));
                    }
                }
            });

            for (int i = 0; i < WORKERS; i++) {
                workers.add(worker("worker-" + i, server.cap, "w" + i, PAIRS, SECONDS));
            }
            victims.add(worker("victim", server.cap, "victim", 1, SECONDS * 10));
            scheduler.scheduleAtFixedRate(() -> guarded(() -> killAndRestartVictim(server.cap)), KILL_EVERY_SECONDS, KILL_EVERY_SECONDS, TimeUnit.SECONDS);
            // One reference-style client at a time, a new one 2 s after the last ended: each reads the
            // CAP like the C client, so it can take a reply meant for another, and more would crowd out the rest.
            scheduler.scheduleWithFixedDelay(() -> guarded(() -> {
                if (elapsedMillis() < SECONDS * 1000) {
                    runPython(server.cap, pythons.size());
                }
            }), 1, 2, TimeUnit.SECONDS);

            for (TestProcess worker : workers) {
                // Its stderr only: its stdout has a line per window.
                assertThat(worker.awaitExit(Duration.ofSeconds(SECONDS + 300))).as("a worker's exit status; stderr " + worker.stderr()).isZero();
            }
            scheduler.shutdown();
            assertThat(scheduler.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            victims.get(victims.size() - 1).close();
            Set<String> pythonSent = pythonSent();
            await("every packet a reference-style client sent reached the sink").atMost(TestProcess.PATIENCE)
                    .until(() -> atSink.containsAll(pythonSent));
            stopping.set(true);
            sinkReader.join(TimeUnit.SECONDS.toMillis(10));

            assertThat(backgroundFailure.get()).as("a failure in the soak's own threads").isNull();
            assertThat(server.process.isAlive()).as("the server survived").isTrue();
            String report = report(workers, pythonSent);
            Files.writeString(Path.of("target", "soak-report.json"), report);
            System.out.println(report);
            assertFigures(workers, pythonSent);
            sink.close();
            assertThat(server.stop()).as("exit status after SIGTERM").isZero();
        } finally {
            scheduler.shutdownNow();
            workers.forEach(TestProcess::close);
            victims.forEach(TestProcess::close);
            pythons.forEach(TestProcess::close);
        }
    }

    private void assertFigures(List<TestProcess> workers, Set<String> pythonSent) {
        Map<String, Long> java = summaries(workers);
        assertThat(java.get("sent")).as("packets the Java clients sent").isPositive();
        assertThat(java.get("lost")).as("packets lost between live Java clients").isZero();
        assertThat(java.get("unacked")).as("packets delivered but not ACKed").isZero();
        assertThat(java.get("acked")).isEqualTo(java.get("sent"));
        Map<String, Long> victim = victimProgress();
        assertThat(victim.get("lost")).as("packets the victim lost while it lived").isZero();
        assertThat(victim.get("unacked")).isZero();
        assertThat(victimsSubscribedAfterAKill()).as("victims that got their names back after a SIGKILL").isPositive();
        assertThat(pythonSent).as("packets the reference-style clients sent").isNotEmpty();
        assertThat(pythons.stream().filter(p -> p.stdout().contains("UNSUBSCRIBED")).filter(p -> exitStatus(p) != 0).map(TestProcess::toString))
                .as("reference-style clients that subscribed but did not get all their ACKs").isEmpty();
        List<long[]> samples = List.copyOf(rss);
        int third = samples.size() / 3;
        assertThat(third).as("RSS samples in a third of the run").isPositive();
        long firstMax = maxKb(samples.subList(0, third));
        long lastMax = maxKb(samples.subList(samples.size() - third, samples.size()));
        assertThat(lastMax).as("the server's RSS in the last third of the run, in kB").isLessThanOrEqualTo(firstMax + RSS_MARGIN_KB);
    }

    // ---- The clients

    private static TestProcess worker(String label, Path cap, String prefix, int pairs, long seconds) throws IOException {
        return TestProcess.start(label, List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx64m",
                // The client jar copied for this build first: the one in the local repository may be
                // replaced by another build while the soak runs.
                "-cp", System.getProperty("octopipes.client.jar") + File.pathSeparator + System.getProperty("java.class.path"),
                SoakWorker.class.getName(),
                cap.toString(), prefix, String.valueOf(pairs), String.valueOf(seconds)));
    }

    private void killAndRestartVictim(Path cap) throws Exception {
        if (elapsedMillis() > (SECONDS - 5) * 1000) {
            return;
        }
        TestProcess victim = victims.get(victims.size() - 1);
        victim.close(); // SIGKILL
        victim.awaitExit();
        victims.add(worker("victim", cap, "victim", 1, SECONDS * 10));
    }

    private void runPython(Path cap, int run) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", REFERENCE_CLIENT.toString(), "--cap", cap.toString(),
                "--name", "python-soak-" + run % 3, "--timeout", "15"));
        // The C client's NUL lands in 'python-soak-N' at index 9, the length of the sink's name; an
        // ACK goes back to that origin, which nobody holds, so only the others ask for ACKs.
        command.add(run % 2 == 1 ? "--origin-nul-bug" : "--rck");
        for (int j = 0; j < 3; j++) {
            command.addAll(List.of("--send", SINK, "py " + run + " " + j));
        }
        TestProcess python = TestProcess.start("python " + run, command);
        pythons.add(python);
        python.awaitExit();
    }

    /** The payloads the reference-style clients wrote: they send in order and say SENT after each. */
    private Set<String> pythonSent() {
        Set<String> sent = new java.util.HashSet<>();
        for (int run = 0; run < pythons.size(); run++) {
            long count = pythons.get(run).stdout().stream().filter(line -> line.startsWith("SENT ")).count();
            for (int j = 0; j < count; j++) {
                sent.add("py " + run + " " + j);
            }
        }
        return sent;
    }

    // ---- Figures

    private static Map<String, Long> summaries(List<TestProcess> workers) {
        Map<String, Long> totals = new HashMap<>();
        for (TestProcess worker : workers) {
            String summary = worker.stdout().stream().filter(line -> line.startsWith("SUMMARY ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no SUMMARY from " + worker));
            for (String field : summary.substring("SUMMARY ".length()).split(" ")) {
                String[] pair = field.split("=");
                totals.merge(pair[0], Long.parseLong(pair[1]), Long::sum);
            }
        }
        return totals;
    }

    /** The victims' figures from the last PROGRESS line of each: a window finished before the kill. */
    private Map<String, Long> victimProgress() {
        String[] names = {"sent", "delivered", "acked", "lost", "unacked"};
        Map<String, Long> totals = new HashMap<>();
        for (String name : names) {
            totals.put(name, 0L);
        }
        for (TestProcess victim : List.copyOf(victims)) {
            victim.stdout().stream().filter(line -> line.startsWith("PROGRESS ")).reduce((first, second) -> second).ifPresent(line -> {
                String[] values = line.substring("PROGRESS ".length()).split(" ");
                for (int i = 0; i < names.length; i++) {
                    totals.merge(names[i], Long.parseLong(values[i]), Long::sum);
                }
            });
        }
        return totals;
    }

    private long victimsSubscribedAfterAKill() {
        return victims.stream().skip(1).filter(victim -> victim.stdout().containsAll(List.of("SUBSCRIBED victim-0-a", "SUBSCRIBED victim-0-b"))).count();
    }

    private String report(List<TestProcess> workers, Set<String> pythonSent) {
        Map<String, Long> java = summaries(workers);
        Map<String, Long> victim = victimProgress();
        long pythonAcked = pythons.stream().mapToLong(p -> p.stdout().stream().filter(line -> line.startsWith("ACKED ")).count()).sum();
        long pythonRefused = pythons.stream().filter(p -> p.stdout().stream().anyMatch(line -> line.startsWith("REFUSED"))).count();
        long pythonDelivered = pythonSent.stream().filter(atSink::contains).count();
        List<long[]> samples = List.copyOf(rss);
        int third = Math.max(1, samples.size() / 3);
        return "{\n"
                + "  \"seconds\": " + SECONDS + ",\n"
                + "  \"serverJvm\": \"" + String.join(" ", SERVER_JVM) + "\",\n"
                + "  \"java\": {\"processes\": " + WORKERS + ", \"clients\": " + WORKERS * PAIRS * 2 + ", " + fields(java) + "},\n"
                + "  \"victim\": {\"incarnations\": " + victims.size() + ", \"resubscribedAfterSigkill\": " + victimsSubscribedAfterAKill()
                + ", \"subscribeRetries\": " + victims.stream().mapToLong(v -> v.stdout().stream().filter(line -> line.startsWith("RETRY ")).count()).sum()
                + ", " + fields(victim) + "},\n"
                + "  \"python\": {\"runs\": " + pythons.size() + ", \"refusedAtSubscription\": " + pythonRefused + ", \"sent\": " + pythonSent.size()
                + ", \"withNulInOrigin\": " + pythons.size() / 2
                + ", \"delivered\": " + pythonDelivered + ", \"acked\": " + pythonAcked + ", \"lost\": " + (pythonSent.size() - pythonDelivered) + "},\n"
                + "  \"rssKb\": {\"firstThirdMax\": " + maxKb(samples.subList(0, Math.min(third, samples.size())))
                + ", \"lastThirdMax\": " + maxKb(samples.subList(Math.max(0, samples.size() - third), samples.size()))
                + ", \"samples\": [" + samples.stream().map(s -> "[" + s[0] + ", " + s[1] + "]").collect(Collectors.joining(", ")) + "]}\n"
                + "}\n";
    }

    private static String fields(Map<String, Long> figures) {
        return figures.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(entry -> "\"" + entry.getKey() + "\": " + entry.getValue()).collect(Collectors.joining(", "));
    }

    private static long maxKb(List<long[]> samples) {
        return samples.stream().mapToLong(sample -> sample[1]).max().orElse(0);
    }

    /** VmRSS of a process in kB, from /proc/PID/status; -1 once it is gone. */
    private static long residentKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException gone) {
            // The process ended.
        }
        return -1;
    }

    private static int exitStatus(TestProcess process) {
        try {
            return process.awaitExit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private interface Work {
        void run() throws Exception;
    }

    private void guarded(Work work) {
        try {
            work.run();
        } catch (Throwable e) {
            backgroundFailure.compareAndSet(null, e);
        }
    }

    private Thread background(String name, Work work) {
        Thread thread = new Thread(() -> guarded(work), "soak-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
