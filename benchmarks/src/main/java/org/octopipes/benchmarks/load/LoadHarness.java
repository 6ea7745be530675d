package org.octopipes.benchmarks.load;

import com.google.gson.GsonBuilder;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.octopipes.benchmarks.pipes.JavaFifoRelay;

/**
 * Runs the real server (the launcher jar, its own process) under load from client processes,
 * alternating with baselines (a minimal C relay over FIFOs, and Mosquitto) in the same run, and
 * reports medians and ratios: figures that hold on a shared, noisy machine.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.octopipes.benchmarks.load.LoadHarness \
 *     [--scenario one-to-one|fan-out|round-trip|many-clients|sweep|socket-one-to-one|all] [--runs 5] [--plot FILE.png] ...
 * </pre>
 *
 * See benchmarks/README.md for every option. Each scenario writes
 * {@code benchmarks/target/load-<scenario>.json}; {@code --plot} draws the sweep and the round-trip
 * results found there (see {@link LoadPlot}).
 */
public final class LoadHarness {

    private static final Pattern RECEIVED = Pattern.compile("RECEIVED received=(\\d+) lost=(\\d+) reordered=(\\d+) seconds=([\\d.]+)"
            + " msgs_per_s=(\\d+) mb_per_s=([\\d.]+) p50_us=([\\d.]+) p99_us=([\\d.]+) p999_us=([\\d.]+)");
    private static final Pattern RTT = Pattern.compile("RTT count=(\\d+) missing=(\\d+) unexpected=(\\d+) p50_us=([\\d.]+)"
            + " p99_us=([\\d.]+) p999_us=([\\d.]+) max_us=([\\d.]+) hist=(\\S+)");
    private static final Pattern CPU_SECONDS = Pattern.compile("\\bcpu_s=([\\d.]+)");
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    /** What our server grows a busy client's FIFOs to (FifoSizes.TARGET_SIZE in the FIFO transport). */
    private static final int SERVER_GROWN_PIPE = 1024 * 1024;
    /** The name (truncated to 15 bytes by Linux) of the FIFO transport's I/O thread. */
    private static final String IO_THREAD = "octopipes-fifo-";
    /** The Unix socket transport's I/O thread ("octopipes-unix-io", truncated alike). */
    private static final String UNIX_IO_THREAD = "octopipes-unix-";
    /** Where the launcher's Unix socket transport listens: beside the CAP (docs/configuration.md). */
    private static final String SOCKET_FILE = "octopipes.sock";
    private static final String OURS = "octopipes";
    private static final String RELAY = "c-relay";
    private static final String JAVA_SPLICE = "java-splice";
    private static final String JAVA_COPY = "java-copy";
    private static final String MOSQUITTO = "mosquitto";
    /** The other build of ours that {@code --compare JAR} alternates with the first (one-to-one and fan-out). */
    private static final String OURS_B = "octopipes-b";
    /** Our server driven by the Java load clients and by the C ones: the java-clients scenario's systems. */
    private static final String JAVA_CLIENTS = "java-clients";
    private static final String C_CLIENTS = "c-clients";
    /** Our server driven by the C clients over its Unix socket transport and over its FIFOs: the socket-one-to-one scenario's systems. */
    private static final String SOCKET = "socket";
    private static final String FIFO = "fifo";
    /** Two of our servers bridged through Mosquitto, and Mosquitto's own clients at QoS 1: the bridge scenario's systems. */
    private static final String BRIDGED = "bridged";
    private static final String MOSQUITTO_QOS1 = "mqtt-qos1";
    /** The bridge scenario's halves: Paho publishing into server B's import, and server A's export to a Paho subscriber. */
    private static final String IMPORTED = "imported";
    private static final String EXPORTED = "exported";

    private final Map<String, String> options;
    private final boolean all;
    private final int runs;
    private final Path root;
    private final Path launcher;
    private final Path benchmarksJar;
    private final List<String> serverJvmOptions;
    /** {@code --pipe-size}: the size of every FIFO, ours (fifo.pipe.size) and the relay's alike; 0 for the kernel's. */
    private final int pipeSize;
    /**
     * The size of the relay's FIFOs: {@code --pipe-size} if given, else {@code --relay-pipe-size},
     * by default what our server grows a busy client's FIFOs to. With the kernel's 64 KiB the relay
     * and its clients wake each other every 64 KiB and the relay is no limit (RESULTS.md, issue 15).
     */
    private final int relayPipeSize;
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private Path relay;
    /** The C load clients, built at bench time like the relay. */
    private Path cClients;
    private Path mosquitto;

    private LoadHarness(Map<String, String> options) {
        this.options = options;
        this.all = options.getOrDefault("scenario", "one-to-one").equals("all");
        this.runs = Integer.parseInt(options.getOrDefault("runs", "5"));
        this.root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        this.launcher = root.resolve(options.getOrDefault("launcher", "launcher/target/octopipes-launcher.jar"));
        this.benchmarksJar = root.resolve("benchmarks/target/benchmarks.jar");
        this.pipeSize = Integer.parseInt(options.getOrDefault("pipe-size", "0"));
        this.relayPipeSize = pipeSize > 0 ? pipeSize : Integer.parseInt(options.getOrDefault("relay-pipe-size", String.valueOf(SERVER_GROWN_PIPE)));
        String jvm = options.getOrDefault("server-jvm", "").trim();
        this.serverJvmOptions = jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("options come as --name value pairs; not understood: " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        new LoadHarness(options).run();
    }

    private void run() throws Exception {
        String scenario = options.getOrDefault("scenario", "one-to-one");
        if (!Files.isRegularFile(launcher)) {
            throw new IOException("no launcher jar at " + launcher + ": build it (mvn -B -q install -pl launcher -DskipTests) or pass --launcher");
        }
        relay = compileC("fifo_relay");
        cClients = compileC("load_client");
        mosquitto = findMosquitto();
        if (mosquitto == null) {
            System.out.println("no mosquitto on this machine (apt-get install mosquitto): its baseline is left out");
        }
        List<String> scenarios = all ? List.of("one-to-one", "fan-out", "round-trip", "many-clients", "sweep", "java-clients",
                "socket-one-to-one", "bridge", "bridge-halves") : List.of(scenario);
        for (String each : scenarios) {
            switch (each) {
                case "one-to-one" -> throughputScenario("one-to-one", 1, count("count", 5_000_000), true);
                // Without Mosquitto: the fan-out target compares with the C relay only, and MQTT fan-out is slow to measure.
                case "fan-out" -> throughputScenario("fan-out", Integer.parseInt(options.getOrDefault("members", "10")),
                        count("fan-out-count", 500_000), false);
                case "round-trip" -> roundTripScenario();
                case "many-clients" -> manyClientsScenario();
                case "sweep" -> sweepScenario();
                case "java-clients" -> javaClientsScenario();
                case "socket-one-to-one" -> socketScenario();
                case "bridge" -> bridgeScenario();
                case "bridge-halves" -> bridgeHalvesScenario();
                case "pipe-paths" -> pipePathsScenario();
                default -> throw new IllegalArgumentException("unknown scenario " + each
                        + ": one-to-one, fan-out, round-trip, many-clients, sweep, java-clients, socket-one-to-one, bridge, bridge-halves, pipe-paths or all");
            }
        }
        if (options.containsKey("plot")) {
            Path png = root.resolve(options.get("plot"));
            LoadPlot.draw(jsonPath("sweep"), jsonPath("round-trip"), png);
            System.out.println("plot written to " + png);
        }
    }

    /** A scenario's count: its own option, else {@code --count} when only that scenario runs, else the default. */
    private long count(String key, long defaultValue) {
        if (options.containsKey(key)) {
            return Long.parseLong(options.get(key));
        }
        return !all && options.containsKey("count") ? Long.parseLong(options.get("count")) : defaultValue;
    }

    private Path jsonPath(String scenario) {
        return root.resolve("benchmarks/target/load-" + scenario + ".json");
    }

    // ---- Throughput: one-to-one and fan-out, and the payload sweep for the plot

    /** One run's throughput figures. */
    record Result(double deliveriesPerSecond, double megabytesPerSecond, long lost, long reordered, double p50Micros,
            double p99Micros, double p999Micros, double serverCpuSeconds, double serverUserSeconds, long serverPeakRssKb,
            long deliveries, double ioThreadSeconds, double clientCpuSeconds) {

        /**
         * CPU of our server's FIFO I/O thread alone per delivery, or NaN for a broker without one:
         * the process's figure also holds the JIT compiler, still busy after the warm-up (a fifth
         * of the process's CPU in a measured window of 5M packets), and the collector.
         */
        double ioThreadNanosPerDelivery() {
            return ioThreadSeconds < 0 ? Double.NaN : ioThreadSeconds * 1e9 / Math.max(1, deliveries);
        }

        double cpuNanosPerDelivery() {
            return serverCpuSeconds * 1e9 / Math.max(1, deliveries);
        }

        double userNanosPerDelivery() {
            return serverUserSeconds * 1e9 / Math.max(1, deliveries);
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("deliveries_per_s", Math.round(deliveriesPerSecond));
            json.put("mb_per_s", round(megabytesPerSecond, 2));
            json.put("lost", lost);
            json.put("reordered", reordered);
            json.put("p50_us", round(p50Micros, 1));
            json.put("p99_us", round(p99Micros, 1));
            json.put("p999_us", round(p999Micros, 1));
            json.put("server_cpu_s", round(serverCpuSeconds, 3));
            json.put("server_user_s", round(serverUserSeconds, 3));
            json.put("server_cpu_ns_per_delivery", Math.round(cpuNanosPerDelivery()));
            if (ioThreadSeconds >= 0) {
                json.put("io_thread_cpu_s", round(ioThreadSeconds, 3));
                json.put("io_thread_cpu_ns_per_delivery", Math.round(ioThreadNanosPerDelivery()));
            }
            json.put("server_peak_rss_kb", serverPeakRssKb);
            json.put("deliveries", deliveries);
            if (!Double.isNaN(clientCpuSeconds)) {
                json.put("clients_cpu_s", round(clientCpuSeconds, 3));
            }
            return json;
        }

        @Override
        public String toString() {
            String ioThread = ioThreadSeconds < 0 ? "" : String.format(Locale.ROOT, ", I/O thread %.0f", ioThreadNanosPerDelivery());
            String clients = Double.isNaN(clientCpuSeconds) ? "" : String.format(Locale.ROOT, ", clients' CPU %.2f s against the server's %.2f s",
                    clientCpuSeconds, serverCpuSeconds);
            return String.format(Locale.ROOT, "%,.0f deliveries/s, %.1f MB/s, lost %d, reordered %d, p50 %.0f us, p99 %.0f us,"
                    + " server CPU %.0f ns/delivery (user %.0f%s), peak RSS %,d kB%s", deliveriesPerSecond, megabytesPerSecond, lost,
                    reordered, p50Micros, p99Micros, cpuNanosPerDelivery(), userNanosPerDelivery(), ioThread, serverPeakRssKb, clients);
        }

        static Result median(List<Result> results) {
            return new Result(of(results, Result::deliveriesPerSecond), of(results, Result::megabytesPerSecond),
                    (long) of(results, r -> r.lost), (long) of(results, r -> r.reordered), of(results, Result::p50Micros),
                    of(results, Result::p99Micros), of(results, Result::p999Micros), of(results, Result::serverCpuSeconds),
                    of(results, Result::serverUserSeconds), (long) of(results, r -> r.serverPeakRssKb),
                    (long) of(results, r -> r.deliveries), of(results, Result::ioThreadSeconds), of(results, Result::clientCpuSeconds));
        }
    }

    private static <T> double of(List<T> results, ToDoubleFunction<T> figure) {
        return Stats.median(results.stream().mapToDouble(figure).toArray());
    }

    private void throughputScenario(String scenario, int members, long count, boolean withMosquitto) throws Exception {
        int payload = Integer.parseInt(options.getOrDefault("payload", "32"));
        long mqttCount = count("mqtt-count", 200_000);
        Map<String, Object> environment = environment();
        Map<String, List<Result>> results = new LinkedHashMap<>();
        results.put(OURS, new ArrayList<>());
        // --compare JAR, --compare-config "key=value;...": the second build, or the same with more configuration, or both.
        String compareConfig = options.getOrDefault("compare-config", "").replace(';', '\n');
        Path compare = options.containsKey("compare") ? root.resolve(options.get("compare")) : compareConfig.isEmpty() ? null : launcher;
        if (compare != null) {
            results.put(OURS_B, new ArrayList<>());
        }
        results.put(RELAY, new ArrayList<>());
        if (mosquitto != null && withMosquitto) {
            results.put(MOSQUITTO, new ArrayList<>());
        }
        for (int i = 1; i <= runs; i++) {
            // Alternated, so that the machine's mood changes every system alike.
            record(results, OURS, i, runOurs(launcher, members, payload, count, Clients.C));
            if (compare != null) {
                record(results, OURS_B, i, runOurs(compare, compareConfig, members, payload, count, Clients.C));
            }
            record(results, RELAY, i, runRelay(members, payload, count));
            if (results.containsKey(MOSQUITTO)) {
                record(results, MOSQUITTO, i, runMosquitto(members, payload, mqttCount));
            }
        }
        environment.put("loadavg_after", loadAverage());
        Map<String, Result> medians = new LinkedHashMap<>();
        results.forEach((system, list) -> medians.put(system, Result.median(list)));
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%nscenario %s, %d subscriber(s), payload %d B, %,d packets (Mosquitto %,d), medians of %d alternated runs%n",
                scenario, members, payload, count, mqttCount, runs));
        throughputTable(table, medians);
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("octopipes_over_c_relay", round(medians.get(OURS).deliveriesPerSecond() / medians.get(RELAY).deliveriesPerSecond(), 3));
        if (medians.containsKey(OURS_B)) {
            ratios.put("octopipes_b_over_c_relay", round(medians.get(OURS_B).deliveriesPerSecond() / medians.get(RELAY).deliveriesPerSecond(), 3));
            ratios.put("octopipes_b_over_octopipes_cpu_per_delivery", round(medians.get(OURS_B).cpuNanosPerDelivery()
                    / medians.get(OURS).cpuNanosPerDelivery(), 3));
        }
        if (medians.containsKey(MOSQUITTO)) {
            ratios.put("octopipes_over_mosquitto", round(medians.get(OURS).deliveriesPerSecond() / medians.get(MOSQUITTO).deliveriesPerSecond(), 1));
        }
        ratios.forEach((name, value) -> table.append(name).append(" throughput: ").append(value).append('\n'));
        System.out.print(table);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario);
        json.put("members", members);
        json.put("payload", payload);
        json.put("count", count);
        json.put("mosquitto_count", mqttCount);
        json.put("environment", environment);
        if (compare != null) {
            json.put("octopipes_b", compare.toString());
            json.put("octopipes_b_config", compareConfig);
        }
        json.put("runs", toJson(results));
        json.put("medians", toJson(medians));
        json.put("ratios", ratios);
        writeJson(scenario, json);
    }

    private static void throughputTable(StringBuilder table, Map<String, Result> medians) {
        table.append(String.format(Locale.ROOT, "%-10s %14s %9s %6s %9s %9s %14s %13s %13s %13s%n", "system", "deliveries/s", "MB/s", "lost",
                "p50 us", "p99 us", "CPU ns/deliv.", "user ns/del.", "I/O thr. ns", "peak RSS kB"));
        medians.forEach((system, r) -> table.append(String.format(Locale.ROOT, "%-10s %,14.0f %9.1f %6d %9.0f %9.0f %14.0f %13.0f %13s %,13d%n",
                system, r.deliveriesPerSecond(), r.megabytesPerSecond(), r.lost(), r.p50Micros(), r.p99Micros(), r.cpuNanosPerDelivery(),
                r.userNanosPerDelivery(), Double.isNaN(r.ioThreadNanosPerDelivery()) ? "-" : String.format(Locale.ROOT, "%.0f",
                        r.ioThreadNanosPerDelivery()), r.serverPeakRssKb())));
    }

    private static <T> void record(Map<String, List<T>> results, String system, int run, T result) {
        System.out.printf(Locale.ROOT, "run %d %-9s %s   [load %s]%n", run, system, result, loadAverage());
        results.get(system).add(result);
    }

    /**
     * Moving large payloads FIFO to FIFO from the JVM, in isolation from the server (issue 15, item
     * 4): {@link JavaFifoRelay} splicing payloads, the same relay copying them (read and write, as
     * our server does), and the C relay, alternated, one publisher to {@code --members} (1)
     * subscribers, at each of {@code --payloads} (4096,65536); {@code --pipe-bytes} (1 GiB) of
     * payload per run. Not in {@code all}: it measures a way to move bytes, not the server.
     */
    private void pipePathsScenario() throws Exception {
        int members = Integer.parseInt(options.getOrDefault("members", "1"));
        long bytes = Long.parseLong(options.getOrDefault("pipe-bytes", String.valueOf(1L << 30)));
        List<String> java = List.of(this.java, "-cp", benchmarksJar.toString(), JavaFifoRelay.class.getName(), "--mode");
        payloadScenario("pipe-paths", String.format(Locale.ROOT, "pipe paths, %d subscriber(s), %,d payload bytes a run", members, bytes),
                options.getOrDefault("payloads", "4096,65536"), runs, List.of(JAVA_SPLICE, JAVA_COPY, RELAY),
                Map.of("members", members, "pipe_bytes", bytes), (system, payload) -> {
                    long count = Math.max(1, bytes / payload);
                    return switch (system) {
                        case JAVA_SPLICE -> runRelay(concat(java, "splice"), members, payload, count);
                        case JAVA_COPY -> runRelay(concat(java, "copy"), members, payload, count);
                        default -> runRelay(members, payload, count);
                    };
                });
    }

    private static List<String> concat(List<String> list, String last) {
        List<String> all = new ArrayList<>(list);
        all.add(last);
        return all;
    }

    /** Throughput against payload size, ours and the C relay alternated: the data of the plot's first panel. */
    private void sweepScenario() throws Exception {
        long count = count("sweep-count", 1_000_000);
        int runs = Integer.parseInt(options.getOrDefault("sweep-runs", String.valueOf(this.runs)));
        payloadScenario("sweep", String.format(Locale.ROOT, "sweep, one-to-one, %,d packets", count), options.getOrDefault("payloads", "32,256,1024,4096"),
                runs, List.of(OURS, RELAY), Map.of("count", count), (system, payload) -> system.equals(OURS)
                        ? runOurs(launcher, 1, payload, count, Clients.C) : runRelay(1, payload, count));
    }

    /**
     * The Java load clients (LoadClient, on the codec library) against the C ones, both driving our
     * server one-to-one, alternated: the Java clients' speed. Below 1, the Java clients, not the
     * server, set the pace, and a ratio to the relay measured with them would measure them.
     */
    private void javaClientsScenario() throws Exception {
        long count = count("java-count", 2_000_000);
        payloadScenario("java-clients", String.format(Locale.ROOT, "Java clients over C clients, one-to-one through our server, %,d packets", count),
                options.getOrDefault("java-payloads", "32,4096"), runs, List.of(JAVA_CLIENTS, C_CLIENTS), Map.of("count", count),
                (system, payload) -> runOurs(launcher, 1, payload, count, system.equals(JAVA_CLIENTS) ? Clients.JAVA : Clients.C));
    }

    /**
     * Our server one-to-one, driven by the C clients over its Unix socket transport and over its
     * FIFOs, alternated, at each of {@code --socket-payloads}: each run a fresh launcher, warmed up
     * over the transport it measures. Socket over FIFO is issue 15's target for the socket
     * transport (at least 0.8).
     */
    private void socketScenario() throws Exception {
        String given = options.get("socket-count");
        String counts = given != null ? String.format(Locale.ROOT, "%,d packets", Long.parseLong(given))
                : "5,000,000 packets of 32 B, as many bytes at larger payloads, at least 1,000,000 packets";
        payloadScenario("socket-one-to-one", "Unix socket over FIFOs, one-to-one through our server, C clients, " + counts,
                options.getOrDefault("socket-payloads", "32,4096"), runs, List.of(SOCKET, FIFO), Map.of("count", counts),
                (system, payload) -> runOurs(launcher, 1, payload, given != null ? Long.parseLong(given) : socketCount(payload),
                        system.equals(SOCKET) ? Clients.C_SOCKET : Clients.C));
    }

    /**
     * The packets of a socket-one-to-one run by default: 5,000,000 at 32 B, as one-to-one sends, so
     * that a run lasts a few seconds rather than the fraction of one that the server's queues
     * absorb; as many bytes at larger payloads, but at least 1,000,000 packets (the 4 KiB
     * one-to-one figures' count).
     */
    static long socketCount(int payload) {
        return Math.max(1_000_000, 5_000_000L * 32 / Math.max(1, payload));
    }

    /**
     * Runs {@code systems} at each of {@code payloads} (comma-separated), {@code runs} times,
     * alternated, prints the table and writes the scenario's JSON: {@code settings}, the machine,
     * and a point per payload.
     */
    private void payloadScenario(String scenario, String title, String payloads, int runs, List<String> systems, Map<String, Object> settings,
            PayloadRun run) throws Exception {
        Map<String, Object> environment = environment();
        List<Map<String, Object>> points = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%s, medians of %d alternated runs%n", title, runs));
        for (String size : payloads.split(",")) {
            points.add(alternated(Integer.parseInt(size.trim()), runs, systems, table, run));
        }
        environment.put("loadavg_after", loadAverage());
        System.out.print(table);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario);
        json.putAll(settings);
        json.put("environment", environment);
        json.put("points", points);
        writeJson(scenario, json);
    }

    /** One run of one system at one payload size. */
    @FunctionalInterface
    private interface PayloadRun {
        Result run(String system, int payload) throws Exception;
    }

    /**
     * Runs {@code systems} {@code runs} times at {@code payload}, alternated, and returns the point
     * for the JSON: every run, the medians and the first system's ratio to the second's, also
     * appended to {@code table}.
     */
    private Map<String, Object> alternated(int payload, int runs, List<String> systems, StringBuilder table, PayloadRun run) throws Exception {
        Map<String, List<Result>> results = new LinkedHashMap<>();
        systems.forEach(system -> results.put(system, new ArrayList<>()));
        for (int i = 1; i <= runs; i++) {
            for (String system : systems) {
                record(results, system, i, run.run(system, payload));
            }
        }
        Map<String, Result> medians = new LinkedHashMap<>();
        results.forEach((system, list) -> medians.put(system, Result.median(list)));
        double ratio = medians.get(systems.get(0)).deliveriesPerSecond() / medians.get(systems.get(1)).deliveriesPerSecond();
        table.append(String.format(Locale.ROOT, "payload %d B: %s / %s %.2f%n", payload, systems.get(0), systems.get(1), ratio));
        throughputTable(table, medians);
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("payload", payload);
        point.put("runs", toJson(results));
        point.put("medians", toJson(medians));
        point.put("ratio", round(ratio, 3));
        return point;
    }

    // ---- Bridge: a group between two servers through a real Mosquitto

    /**
     * Two servers of ours, each with a bridge to one Mosquitto: a publisher on A sends to group
     * {@code load}, which A exports and B imports, and a subscriber on B counts what arrives
     * (sequence-checked). Alternated with Mosquitto's own client-to-client rate at QoS 1 on a
     * broker started the same way, Paho clients whose publisher keeps as many publications in
     * flight as the bridge's window: the broker's speed, which the bridge is measured against.
     */
    private void bridgeScenario() throws Exception {
        if (mosquitto == null) {
            System.out.println("the bridge scenario needs mosquitto (apt-get install mosquitto): left out");
            return;
        }
        long count = count("bridge-count", 100_000);
        int window = Integer.parseInt(options.getOrDefault("window", "256"));
        int runs = Integer.parseInt(options.getOrDefault("bridge-runs", String.valueOf(this.runs)));
        payloadScenario("bridge", String.format(Locale.ROOT, "bridge, server A -> Mosquitto -> server B, %,d packets, publish window %d, credit window %s,"
                + " Mosquitto %s", count, window, options.getOrDefault("credit-window", "the default"),
                Boolean.parseBoolean(options.getOrDefault("mosquitto-defaults", "false")) ? "with its default limits" : "without limits"),
                options.getOrDefault("bridge-payloads", "32,4096"), runs, List.of(BRIDGED, MOSQUITTO_QOS1), Map.of("count", count, "window", window),
                (system, payload) -> system.equals(BRIDGED) ? runBridged(payload, count, window) : runMosquittoQos1(payload, count, window));
    }

    /**
     * Each side of a bridge against the broker alone: a Paho publisher (QoS 1, the bridge's window)
     * sends Octopipes packets to group {@code load} on the topic another bridge would use, which
     * server B imports to a FIFO subscriber; and a FIFO publisher on server A sends to {@code load},
     * which A exports to a Paho subscriber. Both servers export and import the group, as in the
     * bridge scenario. The ratio is the import's rate over the export's: below 1, the importing
     * side is the slower one, and in a burst the broker queues the difference for it.
     */
    private void bridgeHalvesScenario() throws Exception {
        if (mosquitto == null) {
            System.out.println("the bridge-halves scenario needs mosquitto (apt-get install mosquitto): left out");
            return;
        }
        long count = count("bridge-count", 100_000);
        int window = Integer.parseInt(options.getOrDefault("window", "256"));
        int runs = Integer.parseInt(options.getOrDefault("bridge-runs", String.valueOf(this.runs)));
        payloadScenario("bridge-halves", String.format(Locale.ROOT,
                "bridge halves, Paho -> Mosquitto -> server B (imported) and server A -> Mosquitto -> Paho (exported), %,d packets, window %d",
                count, window), options.getOrDefault("bridge-payloads", "32,4096"), runs, List.of(IMPORTED, EXPORTED),
                Map.of("count", count, "window", window),
                (system, payload) -> system.equals(IMPORTED) ? runImported(payload, count, window) : runExported(payload, count, window));
    }

    /** Paho publishes into B's import; the CPU figures are server B's. */
    private Result runImported(int payload, long count, int window) throws Exception {
        try (Running broker = startMosquitto(); Running b = startBridgedServer(broker, "b", window)) {
            long warmup = Math.min(count, 20_000);
            Child warmSubscriber = startSubscribers(b, Clients.JAVA, "warm-sub", "warm", "warm", 1, warmup);
            mqttPacketPublisher(broker, "warm", warmup, payload, window).awaitExit(600);
            warmSubscriber.awaitMatch(RECEIVED, 600);
            warmSubscriber.awaitExit(60);
            Child subscriber = startSubscribers(b, Clients.JAVA, "sub", "sub", "load", 1, count);
            long[] cpuBefore = cpuTicks(b.pid());
            return collect(List.of(subscriber), mqttPacketPublisher(broker, "load", count, payload, window), b.pid(), cpuBefore);
        }
    }

    /** A Paho publisher of Octopipes packets to {@code group}, on the topic of a bridge with id {@code paho}. */
    private Child mqttPacketPublisher(Running broker, String group, long count, int payload, int window) throws IOException {
        return mqttClient(group + "-pub", "pub", "--port", broker.address(), "--name", group + "-pub", "--mqtt-topic",
                "octopipes/group/" + group + "/paho", "--packet", "remote-" + group + ">" + group, "--qos", "1", "--window",
                String.valueOf(window), "--count", String.valueOf(count), "--payload", String.valueOf(payload));
    }

    /** A's export to a Paho subscriber; the CPU figures are server A's. */
    private Result runExported(int payload, long count, int window) throws Exception {
        try (Running broker = startMosquitto(); Running a = startBridgedServer(broker, "a", window)) {
            long warmup = Math.min(count, 20_000);
            Child warmSubscriber = mqttPacketSubscriber(broker, "warm", warmup);
            startPublisher(a, Clients.JAVA, "warm-pub", "warmpub", "warm", warmup, payload).awaitExit(600);
            warmSubscriber.awaitMatch(RECEIVED, 600);
            warmSubscriber.awaitExit(60);
            Child subscriber = mqttPacketSubscriber(broker, "load", count);
            long[] cpuBefore = cpuTicks(a.pid());
            return collect(List.of(subscriber), startPublisher(a, Clients.JAVA, "pub", "pub", "load", count, payload), a.pid(), cpuBefore);
        }
    }

    /** A Paho subscriber at QoS 1 to what any bridge publishes to {@code group}, ready when this returns. */
    private Child mqttPacketSubscriber(Running broker, String group, long count) throws Exception {
        Child subscriber = mqttClient(group + "-sub", "sub", "--port", broker.address(), "--name", group + "-sub", "--mqtt-topic",
                "octopipes/group/" + group + "/+", "--packet", "any>" + group, "--qos", "1", "--count", String.valueOf(count));
        subscriber.await(line -> line.equals("READY"), 120);
        return subscriber;
    }

    /** One bridged run; the CPU figures are server A's, the one that publishes. */
    private Result runBridged(int payload, long count, int window) throws Exception {
        try (Running broker = startMosquitto();
                Running a = startBridgedServer(broker, "a", window);
                Running b = startBridgedServer(broker, "b", window)) {
            // A counts only what it publishes once it knows B as an importer: B's presence first.
            a.child().await(line -> line.contains("MQTT bridge 'a': importer '") && line.contains("-b' of") && line.contains("announced itself"), 60);
            // A short stream through the same path first, under other names, so that neither the
            // servers' nor Paho's code is measured cold.
            long warmup = Math.min(count, 20_000);
            Child warmSubscriber = startSubscribers(b, Clients.JAVA, "warm-sub", "warm", "warm", 1, warmup);
            startPublisher(a, Clients.JAVA, "warm-pub", "warmpub", "warm", warmup, payload).awaitExit(600);
            warmSubscriber.awaitMatch(RECEIVED, 600);
            warmSubscriber.awaitExit(60);
            Child subscriber = startSubscribers(b, Clients.JAVA, "sub", "sub", "load", 1, count);
            long[] cpuBefore = cpuTicks(a.pid());
            Child publisher = startPublisher(a, Clients.JAVA, "pub", "pub", "load", count, payload);
            return collect(List.of(subscriber), publisher, a.pid(), cpuBefore);
        }
    }

    /** A server of ours whose deploy folder holds a bridge to {@code broker}, ready once the bridge has both its connections. */
    private Running startBridgedServer(Running broker, String name, int window) throws Exception {
        String bridge = String.join("\n", "broker.uri = tcp://127.0.0.1:" + broker.address(), "export.groups = load, warm",
                "import.groups = load, warm", "publish.window = " + window, "buffer.packets = 100000", "buffer.bytes = 1073741824",
                options.containsKey("credit-window") ? "credit.window = " + options.get("credit-window") : "", "");
        Running server = startServer(launcher, "", Map.of("org.octopipes.bridge.mqtt-" + name + ".cfg", bridge));
        server.child().await(line -> line.contains("MQTT bridge '" + name + "' connected to") && line.contains("subscribed to"), 60);
        server.child().await(line -> line.contains("MQTT bridge '" + name + "' connected to") && line.contains("to publish"), 60);
        return server;
    }

    private Result runMosquittoQos1(int payload, long count, int window) throws Exception {
        try (Running broker = startMosquitto()) {
            Child subscriber = mqttClient("sub", "sub", "--port", broker.address(), "--name", "sub", "--topic", "load", "--qos", "1",
                    "--count", String.valueOf(count));
            subscriber.await(line -> line.equals("READY"), 120);
            long[] cpuBefore = cpuTicks(broker.pid());
            Child publisher = mqttClient("pub", "pub", "--port", broker.address(), "--name", "pub", "--topic", "load", "--qos", "1",
                    "--window", String.valueOf(window), "--count", String.valueOf(count), "--payload", String.valueOf(payload));
            return collect(List.of(subscriber), publisher, broker.pid(), cpuBefore);
        }
    }

    /*
     * The subscribers of a run are one process with a thread per subscriber (LoadClient --instances),
     * which subscribes them one after the other: ten processes subscribing through the CAP at once
     * sometimes left one without its assignment on this loaded machine, and ten JVM starts cost more
     * than the run.
     */

    private Result runOurs(Path build, int members, int payload, long count, Clients clients) throws Exception {
        return runOurs(build, "", members, payload, count, clients);
    }

    /** As {@link #runOurs(Path, int, int, long, Clients)}, with lines of {@code configuration} added to the server's. */
    private Result runOurs(Path build, String configuration, int members, int payload, long count, Clients clients) throws Exception {
        try (Running server = startServer(build, configuration.isEmpty() ? "" : configuration + "\n")) {
            if (clients == Clients.C_SOCKET) {
                // The launcher starts its transports one after the other; startServer waited for the first.
                server.child().await(line -> line.contains("unix transport at"), 60);
            }
            warmUp(server, members, payload, clients);
            Child subscribers = startSubscribers(server, clients, "subs", "sub", "load", members, count);
            long[] cpuBefore = cpuTicks(server.pid());
            Child publisher = startPublisher(server, clients, "pub", "pub", members == 1 ? "sub0" : "load", count, payload);
            return collect(List.of(subscribers), publisher, server.pid(), cpuBefore);
        }
    }

    /**
     * Passes a stream of the run's shape (same group size and payload, other names) through the
     * fresh server before the measured one, so that the figures are those of a server that has
     * run a while, its hot path compiled, as a broker is, not those of its first second: with 2
     * million packets a cold server's CPU per delivery measured about 50% above a warm one's.
     * The C relay, compiled ahead, needs none. {@code --server-warmup 0} measures a cold server.
     */
    private void warmUp(Running server, int members, int payload, Clients clients) throws Exception {
        long packets = Long.parseLong(options.getOrDefault("server-warmup", "1000000"));
        if (packets == 0) {
            return;
        }
        Child subscribers = startSubscribers(server, clients, "warm-subs", "warm", "warm", members, packets);
        Child publisher = startPublisher(server, clients, "warm-pub", "warmpub", members == 1 ? "warm0" : "warm", packets, payload);
        publisher.awaitExit(600);
        subscribers.awaitMatch(RECEIVED, 600);
        subscribers.awaitExit(60);
    }

    /**
     * Starts {@code members} subscribers of ours in one process, {@code NAME0} alone or
     * {@code NAME0}, {@code NAME1}, ... in {@code group}, each to receive {@code count} packets,
     * and waits until all are subscribed.
     */
    private Child startSubscribers(Running server, Clients clients, String label, String name, String group, int members, long count)
            throws Exception {
        Child subscribers = client(clients, label, "sub", clients.connectOption, clients.address(server), "--name", members == 1 ? name + "0" : name,
                "--instances", String.valueOf(members), "--groups", group, "--count", String.valueOf(count));
        subscribers.await(line -> line.equals("READY"), 120);
        return subscribers;
    }

    private Child startPublisher(Running server, Clients clients, String label, String name, String to, long count, int payload)
            throws IOException {
        return client(clients, label, "pub", clients.connectOption, clients.address(server), "--name", name, "--to", to, "--count", String.valueOf(count),
                "--payload", String.valueOf(payload));
    }

    private Result runRelay(int members, int payload, long count) throws Exception {
        return runRelay(List.of(relay.toString()), members, payload, count);
    }

    /** As {@link #runRelay(int, int, long)}, with the relay that {@code relayCommand} starts (the C one, or a Java one). */
    private Result runRelay(List<String> relayCommand, int members, int payload, long count) throws Exception {
        Path run = privateFolder("octopipes-relay-");
        Path in = mkfifo(run.resolve("pub_tx.fifo"));
        List<String> outs = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            outs.add(mkfifo(run.resolve("sub" + m + "_rx.fifo")).toString());
        }
        try (Running relay = startRelay(relayCommand, run, in + ":" + String.join(",", outs))) {
            Child subscribers = client(Clients.C, "subs", "sub", "--rx", String.join(",", outs), "--name", "sub", "--instances",
                    String.valueOf(members), "--count", String.valueOf(count));
            subscribers.await(line -> line.equals("READY"), 120);
            long[] cpuBefore = cpuTicks(relay.pid());
            Child publisher = client(Clients.C, "pub", "pub", "--tx", in.toString(), "--name", "pub", "--to", members == 1 ? "sub0" : "load",
                    "--count", String.valueOf(count), "--payload", String.valueOf(payload));
            return collect(List.of(subscribers), publisher, relay.pid(), cpuBefore);
        }
    }

    private Result runMosquitto(int members, int payload, long count) throws Exception {
        try (Running broker = startMosquitto()) {
            String topic = members == 1 ? "sub0" : "load";
            List<Child> subscribers = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                subscribers.add(mqttClient("sub" + m, "sub", "--port", broker.address(), "--name", "sub" + m, "--topic", topic,
                        "--count", String.valueOf(count)));
            }
            for (Child subscriber : subscribers) {
                subscriber.await(line -> line.equals("READY"), 120);
            }
            long[] cpuBefore = cpuTicks(broker.pid());
            Child publisher = mqttClient("pub", "pub", "--port", broker.address(), "--name", "pub", "--topic", topic,
                    "--count", String.valueOf(count), "--payload", String.valueOf(payload));
            return collect(subscribers, publisher, broker.pid(), cpuBefore);
        }
    }

    private Result collect(List<Child> subscribers, Child publisher, long serverPid, long[] cpuBefore) throws Exception {
        publisher.awaitExit(600);
        // The C clients report their own CPU time; the Java ones do not (NaN).
        double clientCpu = publisher.cpuSeconds();
        double seconds = 0;
        long received = 0;
        long lost = 0;
        long reordered = 0;
        double megabytes = 0;
        double p50 = 0;
        double p99 = 0;
        double p999 = 0;
        for (Child subscriber : subscribers) {
            Matcher m = subscriber.awaitMatch(RECEIVED, 600);
            received += Long.parseLong(m.group(1));
            lost += Long.parseLong(m.group(2));
            reordered += Long.parseLong(m.group(3));
            double s = Double.parseDouble(m.group(4));
            seconds = Math.max(seconds, s);
            megabytes += Double.parseDouble(m.group(6)) * s;
            p50 = Math.max(p50, Double.parseDouble(m.group(7)));
            p99 = Math.max(p99, Double.parseDouble(m.group(8)));
            p999 = Math.max(p999, Double.parseDouble(m.group(9)));
            subscriber.awaitExit(60);
            clientCpu += subscriber.cpuSeconds();
        }
        long[] cpuAfter = cpuTicks(serverPid);
        double cpu = (cpuAfter[0] + cpuAfter[1] - cpuBefore[0] - cpuBefore[1]) / (double) CLOCK_TICKS_PER_SECOND;
        double user = (cpuAfter[0] - cpuBefore[0]) / (double) CLOCK_TICKS_PER_SECOND;
        double ioThread = cpuBefore[2] < 0 || cpuAfter[2] < 0 ? -1 : (cpuAfter[2] - cpuBefore[2]) / (double) CLOCK_TICKS_PER_SECOND;
        return new Result(received / seconds, megabytes / seconds, lost, reordered, p50, p99, p999, cpu, user, peakRssKb(serverPid),
                received, ioThread, clientCpu);
    }

    // ---- Round trip

    /** One run's round trips: percentiles in microseconds and the whole histogram (nanoseconds). */
    record RoundTrip(long count, long missing, long unexpected, double p50Micros, double p99Micros, double p999Micros,
            double maxMicros, Histogram nanos, double serverCpuSeconds) {

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("round_trips", count);
            json.put("missing", missing);
            json.put("unexpected", unexpected);
            json.put("p50_us", round(p50Micros, 2));
            json.put("p99_us", round(p99Micros, 2));
            json.put("p999_us", round(p999Micros, 2));
            json.put("max_us", round(maxMicros, 2));
            json.put("server_cpu_s", round(serverCpuSeconds, 3));
            return json;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d round trips, missing %d, p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.0f us,"
                    + " server CPU %.2f s", count, missing, p50Micros, p99Micros, p999Micros, maxMicros, serverCpuSeconds);
        }

        /**
         * One run from a ping's RTT line: its histogram is in the line (the Java clients), or, from
         * a C ping ({@code hist=-}), in {@code samples}: one 8-byte little-endian nanosecond count per round trip.
         */
        static RoundTrip parse(Matcher m, Path samples, double serverCpuSeconds) throws DataFormatException, IOException {
            Histogram nanos;
            if (m.group(8).equals("-")) {
                nanos = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                ByteBuffer values = ByteBuffer.wrap(Files.readAllBytes(samples)).order(ByteOrder.LITTLE_ENDIAN);
                while (values.remaining() >= Long.BYTES) {
                    nanos.recordValue(Math.min(values.getLong(), nanos.getHighestTrackableValue()));
                }
            } else {
                nanos = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(m.group(8))), 0);
            }
            return new RoundTrip(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6)),
                    Double.parseDouble(m.group(7)), nanos, serverCpuSeconds);
        }
    }

    private void roundTripScenario() throws Exception {
        long count = count("rt-count", 50_000);
        long warmup = Long.parseLong(options.getOrDefault("warmup", "10000"));
        int window = Integer.parseInt(options.getOrDefault("window", "1"));
        int payload = Integer.parseInt(options.getOrDefault("payload", "32"));
        long mqttCount = Math.min(count, count("rt-mqtt-count", 20_000));
        Map<String, Object> environment = environment();
        Map<String, List<RoundTrip>> results = new LinkedHashMap<>();
        results.put(OURS, new ArrayList<>());
        results.put(RELAY, new ArrayList<>());
        if (mosquitto != null) {
            results.put(MOSQUITTO, new ArrayList<>());
        }
        List<String> pingOptions = List.of("--warmup", String.valueOf(warmup), "--window", String.valueOf(window),
                "--payload", String.valueOf(payload));
        for (int i = 1; i <= runs; i++) {
            record(results, OURS, i, roundTripOurs(count, pingOptions));
            record(results, RELAY, i, roundTripRelay(count, pingOptions));
            if (mosquitto != null) {
                // Window 1 only: the MQTT ping answers one message with the next.
                record(results, MOSQUITTO, i, roundTripMosquitto(mqttCount, warmup, payload));
            }
        }
        environment.put("loadavg_after", loadAverage());
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%nround trip, window %d, payload %d B, %,d timed round trips after %,d untimed (Mosquitto %,d), medians of %d alternated runs%n",
                window, payload, count, warmup, mqttCount, runs));
        table.append(String.format(Locale.ROOT, "%-10s %10s %10s %10s %10s %8s%n", "system", "p50 us", "p99 us", "p99.9 us", "max us", "missing"));
        Map<String, Object> medians = new LinkedHashMap<>();
        Map<String, Object> cdfs = new LinkedHashMap<>();
        Map<String, Object> runsJson = new LinkedHashMap<>();
        for (Map.Entry<String, List<RoundTrip>> system : results.entrySet()) {
            List<RoundTrip> list = system.getValue();
            double p50 = of(list, RoundTrip::p50Micros);
            double p99 = of(list, RoundTrip::p99Micros);
            double p999 = of(list, RoundTrip::p999Micros);
            double max = of(list, RoundTrip::maxMicros);
            long missing = list.stream().mapToLong(RoundTrip::missing).sum();
            table.append(String.format(Locale.ROOT, "%-10s %10.1f %10.1f %10.1f %10.0f %8d%n", system.getKey(), p50, p99, p999, max, missing));
            Map<String, Object> median = new LinkedHashMap<>();
            median.put("p50_us", round(p50, 2));
            median.put("p99_us", round(p99, 2));
            median.put("p999_us", round(p999, 2));
            median.put("missing_all_runs", missing);
            medians.put(system.getKey(), median);
            Histogram merged = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            list.forEach(r -> merged.add(r.nanos()));
            cdfs.put(system.getKey(), Stats.cdfMicros(merged, 5));
            runsJson.put(system.getKey(), list.stream().map(RoundTrip::toJson).toList());
        }
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("p50_octopipes_over_c_relay", round(of(results.get(OURS), RoundTrip::p50Micros) / of(results.get(RELAY), RoundTrip::p50Micros), 3));
        ratios.put("p99_octopipes_over_c_relay", round(of(results.get(OURS), RoundTrip::p99Micros) / of(results.get(RELAY), RoundTrip::p99Micros), 3));
        ratios.put("p999_octopipes_over_c_relay", round(of(results.get(OURS), RoundTrip::p999Micros)
                / of(results.get(RELAY), RoundTrip::p999Micros), 3));
        if (results.containsKey(MOSQUITTO)) {
            ratios.put("p50_octopipes_over_mosquitto", round(of(results.get(OURS), RoundTrip::p50Micros)
                    / of(results.get(MOSQUITTO), RoundTrip::p50Micros), 3));
        }
        ratios.forEach((name, value) -> table.append(name).append(": ").append(value).append('\n'));
        System.out.print(table);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", "round-trip");
        json.put("window", window);
        json.put("payload", payload);
        json.put("count", count);
        json.put("warmup", warmup);
        json.put("mosquitto_count", mqttCount);
        json.put("environment", environment);
        json.put("runs", runsJson);
        json.put("medians", medians);
        json.put("ratios", ratios);
        json.put("cdf_us_all_runs", cdfs);
        writeJson("round-trip", json);
    }

    private RoundTrip roundTripOurs(long count, List<String> pingOptions) throws Exception {
        try (Running server = startServer(launcher, "")) {
            Child pong = roundTripClient("pong", List.of("--cap", server.address(), "--name", "pong", "--count", String.valueOf(count)),
                    pingOptions);
            pong.await(line -> line.equals("READY"), 120);
            long[] cpuBefore = cpuTicks(server.pid());
            Path samples = server.folder().resolve("round-trips.bin");
            Child ping = roundTripClient("ping", List.of("--cap", server.address(), "--name", "ping", "--to", "pong",
                    "--count", String.valueOf(count), "--samples", samples.toString()), pingOptions);
            return finishRoundTrips(ping, pong, server.pid(), cpuBefore, samples);
        }
    }

    private RoundTrip roundTripRelay(long count, List<String> pingOptions) throws Exception {
        Path run = privateFolder("octopipes-relay-");
        Path pingTx = mkfifo(run.resolve("ping_tx.fifo"));
        Path pingRx = mkfifo(run.resolve("ping_rx.fifo"));
        Path pongTx = mkfifo(run.resolve("pong_tx.fifo"));
        Path pongRx = mkfifo(run.resolve("pong_rx.fifo"));
        // Two routes, one each way: what ping writes goes to pong, what pong writes to ping.
        try (Running relay = startRelay(List.of(this.relay.toString()), run, pingTx + ":" + pongRx, pongTx + ":" + pingRx)) {
            Child pong = roundTripClient("pong", List.of("--tx", pongTx.toString(), "--rx", pongRx.toString(), "--name", "pong",
                    "--count", String.valueOf(count)), pingOptions);
            pong.await(line -> line.equals("READY"), 120);
            long[] cpuBefore = cpuTicks(relay.pid());
            Path samples = run.resolve("round-trips.bin");
            Child ping = roundTripClient("ping", List.of("--tx", pingTx.toString(), "--rx", pingRx.toString(), "--name", "ping",
                    "--to", "pong", "--count", String.valueOf(count), "--samples", samples.toString()), pingOptions);
            return finishRoundTrips(ping, pong, relay.pid(), cpuBefore, samples);
        }
    }

    private RoundTrip roundTripMosquitto(long count, long warmup, int payload) throws Exception {
        try (Running broker = startMosquitto()) {
            Child pong = mqttClient("pong", "pong", "--port", broker.address(), "--name", "pong", "--count", String.valueOf(count),
                    "--warmup", String.valueOf(warmup));
            pong.await(line -> line.equals("READY"), 120);
            long[] cpuBefore = cpuTicks(broker.pid());
            Child ping = mqttClient("ping", "ping", "--port", broker.address(), "--name", "ping", "--count", String.valueOf(count),
                    "--warmup", String.valueOf(warmup), "--payload", String.valueOf(payload));
            return finishRoundTrips(ping, pong, broker.pid(), cpuBefore, null);
        }
    }

    private RoundTrip finishRoundTrips(Child ping, Child pong, long serverPid, long[] cpuBefore, Path samples) throws Exception {
        Matcher m = ping.awaitMatch(RTT, 600);
        ping.awaitExit(60);
        long[] cpuAfter = cpuTicks(serverPid);
        pong.terminate();
        return RoundTrip.parse(m, samples, (cpuAfter[0] + cpuAfter[1] - cpuBefore[0] - cpuBefore[1]) / (double) CLOCK_TICKS_PER_SECOND);
    }

    /** A C ping or pong ({@code role}, also its label). */
    private Child roundTripClient(String role, List<String> arguments, List<String> pingOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of(role));
        command.addAll(arguments);
        command.addAll(pingOptions);
        return cClient(role, command);
    }

    // ---- Many clients

    /** One run of the many-clients scenario. */
    record ManyClients(int idleClients, double subscribeSeconds, IdleWindow noClients, IdleWindow withIdleClients, double windowSeconds,
            long rssKbBeforeIdle, long rssKbWithIdle, Result onePair, Result pairs, long peakRssKb) {

        double cpuSecondsNoClients() {
            return noClients.processTicks() / (double) CLOCK_TICKS_PER_SECOND;
        }

        double cpuSecondsIdleClients() {
            return withIdleClients.processTicks() / (double) CLOCK_TICKS_PER_SECOND;
        }

        double aggregateRatio() {
            return pairs.deliveriesPerSecond() / onePair.deliveriesPerSecond();
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("idle_clients", idleClients);
            json.put("idle_subscribe_s", round(subscribeSeconds, 2));
            json.put("cpu_window_s", windowSeconds);
            json.put("server_cpu_s_no_clients", cpuSecondsNoClients());
            json.put("server_cpu_s_idle_clients", cpuSecondsIdleClients());
            json.put("io_thread_ticks_no_clients", noClients.ioThreadTicks());
            json.put("io_thread_ticks_idle_clients", withIdleClients.ioThreadTicks());
            json.put("busy_thread_ticks_no_clients", noClients.busyThreads());
            json.put("busy_thread_ticks_idle_clients", withIdleClients.busyThreads());
            json.put("rss_kb_before_idle", rssKbBeforeIdle);
            json.put("rss_kb_with_idle", rssKbWithIdle);
            json.put("one_pair", onePair.toJson());
            json.put("pairs", pairs.toJson());
            json.put("aggregate_ratio", round(aggregateRatio(), 3));
            json.put("server_peak_rss_kb", peakRssKb);
            return json;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d idle clients subscribed in %.1f s; server CPU over %.0f s: %.2f s without clients,"
                    + " %.2f s with them (I/O thread %d and %d ticks); RSS %,d kB -> %,d kB; one pair %,.0f/s, pairs %,.0f/s (ratio %.2f),"
                    + " lost %d; peak RSS %,d kB; busy threads with idle clients %s", idleClients, subscribeSeconds, windowSeconds,
                    cpuSecondsNoClients(), cpuSecondsIdleClients(), noClients.ioThreadTicks(), withIdleClients.ioThreadTicks(), rssKbBeforeIdle, rssKbWithIdle, onePair.deliveriesPerSecond(),
                    pairs.deliveriesPerSecond(), aggregateRatio(), onePair.lost() + pairs.lost(), peakRssKb,
                    withIdleClients.busyThreads());
        }
    }

    private void manyClientsScenario() throws Exception {
        int idle = Integer.parseInt(options.getOrDefault("idle", "990"));
        int pairs = Integer.parseInt(options.getOrDefault("pairs", "10"));
        long count = count("pair-count", 1_000_000);
        int payload = Integer.parseInt(options.getOrDefault("payload", "32"));
        int window = Integer.parseInt(options.getOrDefault("idle-window", "5"));
        checkFileLimit(idle + 2 * pairs + 2);
        Map<String, Object> environment = environment();
        List<ManyClients> results = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            ManyClients result = runManyClients(idle, pairs, count, payload, window);
            System.out.printf(Locale.ROOT, "run %d %s   [load %s]%n", i, result, loadAverage());
            results.add(result);
        }
        environment.put("loadavg_after", loadAverage());
        Map<String, Object> medians = new LinkedHashMap<>();
        medians.put("server_peak_rss_kb", Math.round(of(results, ManyClients::peakRssKb)));
        // What the idle clients cost in memory, beside the peak: RSS just before they subscribe and with them all subscribed.
        medians.put("server_rss_kb_before_idle", Math.round(of(results, ManyClients::rssKbBeforeIdle)));
        medians.put("server_rss_kb_with_idle", Math.round(of(results, ManyClients::rssKbWithIdle)));
        medians.put("server_cpu_s_no_clients", of(results, ManyClients::cpuSecondsNoClients));
        medians.put("server_cpu_s_idle_clients", of(results, ManyClients::cpuSecondsIdleClients));
        medians.put("io_thread_ticks_idle_clients", of(results, r -> r.withIdleClients().ioThreadTicks()));
        medians.put("one_pair_deliveries_per_s", Math.round(of(results, r -> r.onePair().deliveriesPerSecond())));
        medians.put("pairs_deliveries_per_s", Math.round(of(results, r -> r.pairs().deliveriesPerSecond())));
        medians.put("aggregate_ratio", round(of(results, ManyClients::aggregateRatio), 3));
        medians.put("lost_all_runs", results.stream().mapToLong(r -> r.onePair().lost() + r.pairs().lost()).sum());
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%nmany clients: %d idle + %d active pairs, payload %d B, %,d packets in all per phase, medians of %d runs%n",
                idle, pairs, payload, count, runs));
        medians.forEach((name, value) -> table.append(String.format(Locale.ROOT, "%-32s %s%n", name, value)));
        System.out.print(table);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", "many-clients");
        json.put("idle_clients", idle);
        json.put("pairs", pairs);
        json.put("payload", payload);
        json.put("count_per_phase", count);
        json.put("environment", environment);
        json.put("runs", results.stream().map(ManyClients::toJson).toList());
        json.put("medians", medians);
        writeJson("many-clients", json);
    }

    private ManyClients runManyClients(int idle, int pairs, long count, int payload, int windowSeconds) throws Exception {
        // Room for every client (the default maximum is 1,024).
        try (Running server = startServer(launcher, "max.clients=" + Math.max(1024, 2 * (idle + 2 * pairs + 2)) + "\n")) {
            // Let the JVM settle after start (JIT, FileInstall's first scans) before the CPU is read.
            TimeUnit.SECONDS.sleep(2);
            IdleWindow noClients = idleCpu(server.pid(), windowSeconds);
            long rssBefore = rssKb(server.pid());
            long subscribeStart = System.nanoTime();
            Child fleet = loadClient("idle", "idle", "--cap", server.address(), "--name", "idle", "--groups", "idle",
                    "--instances", String.valueOf(idle));
            try {
                fleet.await(line -> line.startsWith("READY"), 600);
                double subscribeSeconds = (System.nanoTime() - subscribeStart) / 1e9;
                // Let the JIT finish compiling the subscription path before the CPU is read.
                TimeUnit.SECONDS.sleep(3);
                IdleWindow idleClients = idleCpu(server.pid(), windowSeconds);
                long rssWith = rssKb(server.pid());
                // Untimed: the server's JIT warms up here, so that neither measured phase pays for it.
                runPairs(server, 1, "warm", Math.max(1, count / 4), payload);
                Result one = runPairs(server, 1, "solo", count, payload);
                Result many = runPairs(server, pairs, "pair", Math.max(1, count / pairs), payload);
                return new ManyClients(idle, subscribeSeconds, noClients, idleClients, windowSeconds, rssBefore, rssWith, one, many,
                        peakRssKb(server.pid()));
            } finally {
                fleet.terminate();
            }
        }
    }

    /** Active pairs {@code <prefix>-pubI -> <prefix>-subI}, each side one process with a thread per client. */
    private Result runPairs(Running server, int pairs, String prefix, long countEach, int payload) throws Exception {
        Child subscribers = loadClient(prefix + "-sub", "sub", "--cap", server.address(), "--name", prefix + "-sub", "--instances", String.valueOf(pairs),
                "--count", String.valueOf(countEach));
        subscribers.await(line -> line.equals("READY"), 120);
        long[] cpuBefore = cpuTicks(server.pid());
        Child publishers = loadClient(prefix + "-pub", "pub", "--cap", server.address(), "--name", prefix + "-pub", "--to", prefix + "-sub",
                "--instances", String.valueOf(pairs), "--count", String.valueOf(countEach), "--payload", String.valueOf(payload));
        return collect(List.of(subscribers), publishers, server.pid(), cpuBefore);
    }

    /** The server's CPU ticks over a window in which no client does anything: in all, in its I/O thread, and by busy thread. */
    record IdleWindow(long processTicks, long ioThreadTicks, Map<String, Long> busyThreads) {
    }

    private static IdleWindow idleCpu(long pid, int seconds) throws IOException, InterruptedException {
        long[] before = cpuTicks(pid);
        Map<String, Long> threadsBefore = threadTicks(pid);
        TimeUnit.SECONDS.sleep(seconds);
        long[] after = cpuTicks(pid);
        Map<String, Long> busy = new LinkedHashMap<>();
        long io = -1;
        for (Map.Entry<String, Long> thread : threadTicks(pid).entrySet()) {
            long spent = thread.getValue() - threadsBefore.getOrDefault(thread.getKey(), 0L);
            if (thread.getKey().startsWith(IO_THREAD)) {
                io = spent;
            }
            if (spent > 0) {
                busy.put(thread.getKey(), spent);
            }
        }
        if (io < 0) {
            throw new IOException("no thread named " + IO_THREAD + "* in process " + pid);
        }
        return new IdleWindow(after[0] + after[1] - before[0] - before[1], io, busy);
    }

    /** CPU ticks so far of every thread of a process, by "name/tid". */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> ticks = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    long[] spent = statTicks(task.resolve("stat"));
                    ticks.put(Files.readString(task.resolve("comm")).trim() + "/" + task.getFileName(), spent[0] + spent[1]);
                } catch (IOException ended) {
                    // The thread ended between the listing and the read.
                }
            }
        }
        return ticks;
    }

    /**
     * Every client holds two FIFOs in the server and in the client process: fail early and clearly
     * rather than with a refused subscription half-way.
     */
    private static void checkFileLimit(int clients) throws IOException {
        long needed = 2L * clients + 512;
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                if (!fields[0].equals("unlimited") && Long.parseLong(fields[0]) < needed) {
                    throw new IOException("the many-clients scenario needs about " + needed + " open files per process (two FIFOs per"
                            + " client); the limit is " + fields[0] + ": raise it with ulimit -n " + needed + " (or more)");
                }
                System.out.println("open files limit " + fields[0] + ", about " + needed + " needed");
            }
        }
    }

    // ---- The systems under test

    /**
     * A system under test (ours, the C relay or Mosquitto) running in its own process, with the
     * private folder it works in, and where clients reach it: the CAP's path, or Mosquitto's port.
     */
    private record Running(Child child, Path folder, String address) implements AutoCloseable {
        long pid() {
            return child.pid();
        }

        @Override
        public void close() throws Exception {
            child.terminate();
            deleteRecursively(folder);
        }
    }

    /** What tells that a system is ready for clients. */
    private interface Readiness {
        void await() throws Exception;
    }

    private static Running started(Child child, Path folder, String address, Readiness readiness) throws Exception {
        Running running = new Running(child, folder, address);
        try {
            readiness.await();
            return running;
        } catch (Exception e) {
            running.close();
            throw e;
        }
    }

    private Running startServer(Path build, String extraConfiguration) throws Exception {
        return startServer(build, extraConfiguration, Map.of());
    }

    /**
     * As {@link #startServer(Path, String)}, with {@code deploy} (file name to text) in its deploy
     * folder before it starts; then the server's log is read too, for what a deployed part says.
     */
    private Running startServer(Path build, String extraConfiguration, Map<String, String> deploy) throws Exception {
        Path run = privateFolder("octopipes-load-");
        Path deployFolder = Files.createDirectories(run.resolve("deploy"));
        for (Map.Entry<String, String> file : deploy.entrySet()) {
            Files.writeString(deployFolder.resolve(file.getKey()), file.getValue());
        }
        Path cap = run.resolve("cap.fifo");
        // A deep queue: the subscribers are fast, but a momentary stall must not cost packets.
        Path config = Files.writeString(run.resolve("server.properties"), "queue.bytes=268435456\n"
                + (pipeSize > 0 ? "fifo.pipe.size=" + pipeSize + "\n" : "") + extraConfiguration);
        // Started as the README starts it, by launcher/octopipes with its JVM defaults; the script
        // execs the JVM, so the PID whose CPU and memory are measured is the server's.
        List<String> command = List.of("sh", root.resolve("launcher/octopipes").toString(), "--no-console", "--cap", cap.toString(),
                "--clients", run.resolve("clients").toString(), "--deploy", run.resolve("deploy").toString(), "--config", config.toString());
        Map<String, String> environment = Map.of("JAVA_HOME", System.getProperty("java.home"), "OCTOPIPES_JAR", build.toString(),
                "EXTRA_JAVA_OPTS", String.join(" ", serverJvmOptions));
        Child child = Child.start("server", command, environment, !deploy.isEmpty());
        return started(child, run, cap.toString(), () -> child.await(line -> line.contains("transport at"), 120));
    }

    /** Starts the C relay on routes {@code IN:OUT[,OUT...]} between FIFOs of {@code folder}, which it then owns. */
    private Running startRelay(List<String> relayCommand, Path folder, String... routes) throws Exception {
        List<String> command = new ArrayList<>(relayCommand);
        command.addAll(List.of(routes));
        Child child = Child.start("relay", command, relayPipeSize > 0 ? Map.of("FIFO_RELAY_PIPE_SIZE", String.valueOf(relayPipeSize)) : Map.of());
        return started(child, folder, "", () -> child.await(line -> line.equals("READY"), 30));
    }

    /** Mosquitto on a loopback port of its own. */
    private Running startMosquitto() throws Exception {
        Path run = privateFolder("octopipes-mqtt-");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        // Without limits unless --mosquitto-defaults: with Mosquitto's own (1,000 messages queued per
        // subscriber) a publisher faster than a subscriber loses what exceeds that queue, at the broker.
        boolean defaults = Boolean.parseBoolean(options.getOrDefault("mosquitto-defaults", "false"));
        Path config = Files.writeString(run.resolve("mosquitto.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                + (defaults ? "" : "max_queued_messages 0\nmax_inflight_messages 0\n"));
        return started(Child.start(MOSQUITTO, List.of(mosquitto.toString(), "-c", config.toString())), run, String.valueOf(port),
                () -> awaitPort(port, 30));
    }

    private Child mqttClient(String label, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(java, "-cp", benchmarksJar.toString(), MqttLoadClient.class.getName()));
        command.addAll(List.of(arguments));
        return Child.start(label, command);
    }

    /**
     * Which load clients drive our server: the C ones (load_client.c) for every ratio to the relay,
     * so that the clients are never what is measured; the Java ones (LoadClient, on the codec) for
     * their own scenario and where no ratio to the relay is taken; the C ones over the server's
     * Unix socket transport for the socket's own scenario.
     */
    enum Clients {
        C("--cap"), JAVA("--cap"), C_SOCKET("--socket");

        /** The clients' option that says where the server is. */
        final String connectOption;

        Clients(String connectOption) {
            this.connectOption = connectOption;
        }

        /** Where these clients reach {@code server}: its CAP, or its socket beside the CAP. */
        String address(Running server) {
            return this == C_SOCKET ? server.folder().resolve(SOCKET_FILE).toString() : server.address();
        }
    }

    /** A publisher or subscriber process; both kinds take the same arguments. */
    private Child client(Clients clients, String label, String... arguments) throws IOException {
        return clients == Clients.JAVA ? loadClient(label, arguments) : cClient(label, List.of(arguments));
    }

    /** A C load client; a non-zero exit (a packet lost, duplicated, reordered or corrupted) fails the run. */
    private Child cClient(String label, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(cClients.toString()));
        command.addAll(arguments);
        return Child.start(label, command).failingOnNonZeroExit();
    }

    private Child loadClient(String label, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(java, "-cp", benchmarksJar.toString(), LoadClient.class.getName()));
        command.addAll(List.of(arguments));
        return Child.start(label, command);
    }

    private static void awaitPort(int port, long seconds) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("nothing listens on port " + port + " after " + seconds + " s", notYet);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private static Path findMosquitto() {
        for (String folder : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
            Path candidate = Path.of(folder, MOSQUITTO);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Builds benchmarks/src/main/c/NAME.c into benchmarks/target/NAME. */
    private Path compileC(String name) throws IOException, InterruptedException {
        return compileC(root.resolve("benchmarks/src/main/c/" + name + ".c"), root.resolve("benchmarks/target/" + name));
    }

    /** Builds one C file, without dependencies, the way the harness builds the relay and the load clients. */
    static Path compileC(Path source, Path binary) throws IOException, InterruptedException {
        Files.createDirectories(binary.getParent());
        Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", binary.toString(), source.toString()).inheritIO().start();
        if (gcc.waitFor() != 0) {
            throw new IOException("gcc could not build " + source);
        }
        return binary;
    }

    // ---- Files, processes, /proc

    private static Path privateFolder(String prefix) throws IOException {
        return Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static Path mkfifo(Path path) throws IOException, InterruptedException {
        if (new ProcessBuilder("mkfifo", "-m", "600", path.toString()).inheritIO().start().waitFor() != 0) {
            throw new IOException("mkfifo " + path + " failed");
        }
        return path;
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private void writeJson(String scenario, Map<String, Object> json) throws IOException {
        Path out = all || !options.containsKey("out") ? jsonPath(scenario) : root.resolve(options.get("out"));
        Files.createDirectories(out.getParent());
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(json) + "\n");
        System.out.println("written " + out);
    }

    private static Map<String, Object> toJson(Map<String, ?> bySystem) {
        Map<String, Object> json = new LinkedHashMap<>();
        bySystem.forEach((system, value) -> json.put(system, value instanceof List<?> list
                ? list.stream().map(r -> ((Result) r).toJson()).toList() : ((Result) value).toJson()));
        return json;
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** What the figures depend on, recorded with them. */
    private Map<String, Object> environment() throws IOException {
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.put("launcher", launcher + ", " + Files.size(launcher) + " bytes, modified " + Files.getLastModifiedTime(launcher)
                + ", sha-256 " + sha256(launcher).substring(0, 16));
        environment.put("started", Instant.now().toString());
        environment.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        environment.put("cpus", Runtime.getRuntime().availableProcessors());
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            environment.put("cpu", lines.filter(l -> l.startsWith("model name")).map(l -> l.replaceFirst(".*:\\s*", "")).findFirst().orElse("?"));
        }
        environment.put("pipe_size", pipeSize == 0 ? "the server's default (grown to 1 MiB when busy)" : pipeSize);
        environment.put("relay_pipe_size", relayPipeSize == 0 ? "kernel default" : relayPipeSize);
        environment.put("server_warmup_packets", Long.parseLong(options.getOrDefault("server-warmup", "1000000")));
        environment.put("loadavg_before", loadAverage());
        return environment;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The 1, 5 and 15 minute load averages: how busy the machine was besides us. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * CPU time of a process so far, in clock ticks: user and system (fields 14 and 15 of
     * /proc/PID/stat), and user + system of our transports' I/O threads (the FIFO one and the Unix
     * socket one: the other is idle), or -1 if it has none.
     */
    private static long[] cpuTicks(long pid) throws IOException {
        long[] process = statTicks(Path.of("/proc/" + pid + "/stat"));
        long ioThread = -1;
        for (Map.Entry<String, Long> thread : threadTicks(pid).entrySet()) {
            if (thread.getKey().startsWith(IO_THREAD) || thread.getKey().startsWith(UNIX_IO_THREAD)) {
                ioThread = Math.max(ioThread, 0) + thread.getValue();
            }
        }
        return new long[] {process[0], process[1], ioThread};
    }

    private static long[] statTicks(Path stat) throws IOException {
        String text = Files.readString(stat);
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    }

    private static long peakRssKb(long pid) throws IOException {
        return statusKb(pid, "VmHWM:");
    }

    private static long rssKb(long pid) throws IOException {
        return statusKb(pid, "VmRSS:");
    }

    private static long statusKb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** A process of the harness with its standard output collected. */
    private static final class Child {
        private final String label;
        private final Process process;
        private final Thread reader;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private boolean failsOnNonZeroExit;

        private Child(String label, Process process) {
            this.label = label;
            this.process = process;
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // The process ended.
                }
            }, label + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(String label, List<String> command) throws IOException {
            return start(label, command, Map.of());
        }

        /** As {@link #start(String, List)}, with {@code environment} added to the harness's. */
        static Child start(String label, List<String> command, Map<String, String> environment) throws IOException {
            return start(label, command, environment, false);
        }

        /** As {@link #start(String, List, Map)}; with {@code withStderr}, the lines of standard error are collected too. */
        static Child start(String label, List<String> command, Map<String, String> environment, boolean withStderr) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (withStderr) {
                builder.redirectErrorStream(true);
            } else {
                builder.redirectError(ProcessBuilder.Redirect.DISCARD);
            }
            builder.environment().remove("JAVA_OPTS");
            builder.environment().putAll(environment);
            return new Child(label, builder.start());
        }

        long pid() {
            return process.pid();
        }

        /**
         * Once the process has ended, waits until its last lines are read from the pipe (a C
         * client ends as soon as it has printed them); false if they were already.
         */
        private boolean readToTheEnd() throws InterruptedException {
            boolean reading = reader.isAlive();
            reader.join(TimeUnit.SECONDS.toMillis(10));
            return reading;
        }

        String await(Predicate<String> match, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                for (String line : lines) {
                    if (match.test(line)) {
                        return line;
                    }
                }
                if (!process.isAlive() && !readToTheEnd() && lines.stream().noneMatch(match)) {
                    throw new IllegalStateException(label + " ended (exit status " + process.exitValue() + ") without the expected line;"
                            + " it printed " + shorten(lines));
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            throw new IllegalStateException(label + " did not print the expected line within " + seconds + " s; it printed " + shorten(lines));
        }

        Matcher awaitMatch(Pattern pattern, long seconds) throws InterruptedException {
            Matcher m = pattern.matcher(await(line -> pattern.matcher(line).find(), seconds));
            if (!m.find()) {
                throw new IllegalStateException("unexpected report from " + label);
            }
            return m;
        }

        private static String shorten(List<String> lines) {
            String text = String.join(" | ", lines);
            return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
        }

        /** Makes {@link #awaitExit} fail on a non-zero exit status, with what the process printed. */
        Child failingOnNonZeroExit() {
            failsOnNonZeroExit = true;
            return this;
        }

        void awaitExit(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(label + " did not end within " + seconds + " s");
            }
            readToTheEnd();
            if (failsOnNonZeroExit && process.exitValue() != 0) {
                throw new IllegalStateException(label + " failed (exit status " + process.exitValue() + "); it printed " + shorten(lines));
            }
        }

        /** The CPU time the process reported of itself ({@code cpu_s=} in a line), or NaN if it reported none. */
        double cpuSeconds() {
            for (String line : lines) {
                Matcher m = CPU_SECONDS.matcher(line);
                if (m.find()) {
                    return Double.parseDouble(m.group(1));
                }
            }
            return Double.NaN;
        }

        void terminate() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
