package org.octopipes.benchmarks.load;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
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

/**
 * Runs the real server (the launcher jar, its own process) under load from client processes,
 * alternating with a baseline (a minimal C relay over FIFOs) in the same run, and reports medians
 * and ratios: figures that hold on a shared, noisy machine.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.octopipes.benchmarks.load.LoadHarness \
 *     [--scenario one-to-one|fan-out] [--members 10] [--payload 32] [--count 2000000] [--runs 5]
 * </pre>
 */
public final class LoadHarness {

    private static final Pattern RECEIVED = Pattern.compile("RECEIVED received=(\\d+) lost=(\\d+) reordered=(\\d+) seconds=([\\d.]+)"
            + " msgs_per_s=(\\d+) mb_per_s=([\\d.]+) p50_us=([\\d.]+) p99_us=([\\d.]+) p999_us=([\\d.]+)");
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final Map<String, String> options;
    private final Path root;
    private final Path launcher;
    private final Path benchmarksJar;
    private final String java = ProcessHandle.current().info().command().orElse("java");

    private LoadHarness(Map<String, String> options) throws IOException {
        this.options = options;
        this.root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        this.launcher = root.resolve(options.getOrDefault("launcher", "launcher/target/octopipes-launcher.jar"));
        this.benchmarksJar = root.resolve("benchmarks/target/benchmarks.jar");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new LoadHarness(options).run();
    }

    private void run() throws Exception {
        String scenario = options.getOrDefault("scenario", "one-to-one");
        int members = scenario.equals("fan-out") ? Integer.parseInt(options.getOrDefault("members", "10")) : 1;
        int payload = Integer.parseInt(options.getOrDefault("payload", "32"));
        long count = Long.parseLong(options.getOrDefault("count", "2000000"));
        int runs = Integer.parseInt(options.getOrDefault("runs", "5"));
        Path relay = compileRelay();
        Path mosquitto = findMosquitto();
        Map<String, List<Result>> results = new LinkedHashMap<>();
        results.put("octopipes", new ArrayList<>());
        results.put("c-relay", new ArrayList<>());
        if (mosquitto != null) {
            results.put("mosquitto", new ArrayList<>());
        } else {
            System.out.println("no mosquitto on this machine (apt-get install mosquitto): its baseline is left out");
        }
        for (int i = 1; i <= runs; i++) {
            // Alternated, so that the machine's mood changes every system alike.
            Result ours = runOurs(members, payload, count);
            System.out.printf(Locale.ROOT, "run %d octopipes %s%n", i, ours);
            results.get("octopipes").add(ours);
            Result baseline = runRelay(relay, members, payload, count);
            System.out.printf(Locale.ROOT, "run %d c-relay   %s%n", i, baseline);
            results.get("c-relay").add(baseline);
            if (mosquitto != null) {
                Result broker = runMosquitto(mosquitto, members, payload, count);
                System.out.printf(Locale.ROOT, "run %d mosquitto %s%n", i, broker);
                results.get("mosquitto").add(broker);
            }
        }
        report(scenario, members, payload, count, results);
    }

    /** One run's figures. */
    record Result(double deliveriesPerSecond, double megabytesPerSecond, long lost, long reordered, double p50Micros,
            double p99Micros, double p999Micros, double serverCpuSeconds, long serverPeakRssKb, long deliveries) {

        double cpuNanosPerDelivery() {
            return serverCpuSeconds * 1e9 / Math.max(1, deliveries);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,.0f deliveries/s, %.1f MB/s, lost %d, reordered %d, p50 %.0f us, p99 %.0f us,"
                    + " server CPU %.0f ns/delivery, peak RSS %,d kB", deliveriesPerSecond, megabytesPerSecond, lost, reordered,
                    p50Micros, p99Micros, cpuNanosPerDelivery(), serverPeakRssKb);
        }
    }

    private Result runOurs(int members, int payload, long count) throws Exception {
        Path run = Files.createTempDirectory("octopipes-load-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path cap = run.resolve("cap.fifo");
        // A deep queue: the subscribers are fast, but a momentary stall must not cost packets.
        Path config = Files.writeString(run.resolve("server.properties"), "queue.bytes=268435456\n");
        Child server = Child.start("server", List.of(java, "-jar", launcher.toString(), "--no-console", "--cap", cap.toString(),
                "--clients", run.resolve("clients").toString(), "--deploy", run.resolve("deploy").toString(), "--config", config.toString()));
        try {
            server.await(line -> line.contains("transport at"), 60);
            List<Child> subscribers = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                subscribers.add(loadClient("sub" + m, "sub", "--cap", cap.toString(), "--name", "sub" + m, "--groups", "load",
                        "--count", String.valueOf(count)));
            }
            for (Child subscriber : subscribers) {
                subscriber.await(line -> line.equals("READY"), 60);
            }
            String target = members == 1 ? "sub0" : "load";
            long cpuBefore = cpuTicks(server.pid());
            Child publisher = loadClient("pub", "pub", "--cap", cap.toString(), "--name", "pub", "--to", target,
                    "--count", String.valueOf(count), "--payload", String.valueOf(payload));
            Result result = collect(subscribers, publisher, server.pid(), cpuBefore);
            return result;
        } finally {
            server.terminate();
        }
    }

    private Result runRelay(Path relay, int members, int payload, long count) throws Exception {
        Path run = Files.createTempDirectory("octopipes-relay-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path in = run.resolve("pub_tx.fifo");
        mkfifo(in);
        List<String> outs = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            Path out = run.resolve("sub" + m + "_rx.fifo");
            mkfifo(out);
            outs.add(out.toString());
        }
        Child server = Child.start("relay", List.of(relay.toString(), in + ":" + String.join(",", outs)));
        try {
            server.await(line -> line.equals("READY"), 30);
            List<Child> subscribers = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                subscribers.add(loadClient("sub" + m, "sub", "--rx", outs.get(m), "--name", "sub" + m, "--count", String.valueOf(count)));
            }
            for (Child subscriber : subscribers) {
                subscriber.await(line -> line.equals("READY"), 60);
            }
            long cpuBefore = cpuTicks(server.pid());
            Child publisher = loadClient("pub", "pub", "--tx", in.toString(), "--name", "pub", "--to", members == 1 ? "sub0" : "load",
                    "--count", String.valueOf(count), "--payload", String.valueOf(payload));
            return collect(subscribers, publisher, server.pid(), cpuBefore);
        } finally {
            server.terminate();
        }
    }

    private Result runMosquitto(Path mosquitto, int members, int payload, long count) throws Exception {
        Path run = Files.createTempDirectory("octopipes-mqtt-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path config = Files.writeString(run.resolve("mosquitto.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                + "max_queued_messages 0\nmax_inflight_messages 0\n");
        Child server = Child.start("mosquitto", List.of(mosquitto.toString(), "-c", config.toString()));
        try {
            awaitPort(port, 30);
            String topic = members == 1 ? "sub0" : "load";
            List<Child> subscribers = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                subscribers.add(mqttClient("sub" + m, "sub", "--port", String.valueOf(port), "--name", "sub" + m, "--topic", topic,
                        "--count", String.valueOf(count)));
            }
            for (Child subscriber : subscribers) {
                subscriber.await(line -> line.equals("READY"), 60);
            }
            long cpuBefore = cpuTicks(server.pid());
            Child publisher = mqttClient("pub", "pub", "--port", String.valueOf(port), "--name", "pub", "--topic", topic,
                    "--count", String.valueOf(count), "--payload", String.valueOf(payload));
            return collect(subscribers, publisher, server.pid(), cpuBefore);
        } finally {
            server.terminate();
        }
    }

    private Child mqttClient(String label, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(java, "-cp", benchmarksJar.toString(), MqttLoadClient.class.getName()));
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
            Path candidate = Path.of(folder, "mosquitto");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private Result collect(List<Child> subscribers, Child publisher, long serverPid, long cpuBefore) throws Exception {
        publisher.awaitExit(300);
        double seconds = 0;
        long received = 0;
        long lost = 0;
        long reordered = 0;
        double megabytes = 0;
        double p50 = 0;
        double p99 = 0;
        double p999 = 0;
        for (Child subscriber : subscribers) {
            String line = subscriber.await(l -> l.startsWith("RECEIVED"), 300);
            Matcher m = RECEIVED.matcher(line);
            if (!m.find()) {
                throw new IllegalStateException("unexpected subscriber report: " + line);
            }
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
        }
        double cpu = (cpuTicks(serverPid) - cpuBefore) / (double) CLOCK_TICKS_PER_SECOND;
        return new Result(received / seconds, megabytes / seconds, lost, reordered, p50, p99, p999, cpu, peakRssKb(serverPid), received);
    }

    private void report(String scenario, int members, int payload, long count, Map<String, List<Result>> results) throws IOException {
        Result ours = median(results.get("octopipes"));
        Result relay = median(results.get("c-relay"));
        Result broker = results.containsKey("mosquitto") ? median(results.get("mosquitto")) : null;
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%nscenario %s, %d subscriber(s), payload %d B, %,d packets, medians of %d alternated runs%n",
                scenario, members, payload, count, results.get("octopipes").size()));
        table.append(String.format(Locale.ROOT, "%-10s %16s %10s %8s %10s %10s %14s %14s%n", "system", "deliveries/s", "MB/s", "lost",
                "p50 us", "p99 us", "CPU ns/deliv.", "peak RSS kB"));
        Map<String, Result> rows = new LinkedHashMap<>();
        rows.put("octopipes", ours);
        rows.put("c-relay", relay);
        if (broker != null) {
            rows.put("mosquitto", broker);
        }
        for (Map.Entry<String, Result> row : rows.entrySet()) {
            Result r = row.getValue();
            table.append(String.format(Locale.ROOT, "%-10s %,16.0f %10.1f %8d %10.0f %10.0f %14.0f %,14d%n", row.getKey(),
                    r.deliveriesPerSecond(), r.megabytesPerSecond(), r.lost(), r.p50Micros(), r.p99Micros(), r.cpuNanosPerDelivery(),
                    r.serverPeakRssKb()));
        }
        table.append(String.format(Locale.ROOT, "octopipes / c-relay throughput: %.2f%n", ours.deliveriesPerSecond() / relay.deliveriesPerSecond()));
        if (broker != null) {
            table.append(String.format(Locale.ROOT, "octopipes / mosquitto throughput: %.1f%n", ours.deliveriesPerSecond() / broker.deliveriesPerSecond()));
        }
        System.out.print(table);
        Path out = root.resolve(options.getOrDefault("out", "benchmarks/target/load-" + scenario + ".json"));
        Files.createDirectories(out.getParent());
        StringBuilder json = new StringBuilder("{\"scenario\":\"" + scenario + "\",\"members\":" + members + ",\"payload\":" + payload
                + ",\"count\":" + count + ",\"runs\":{");
        String separator = "";
        for (Map.Entry<String, List<Result>> system : results.entrySet()) {
            json.append(separator).append('"').append(system.getKey()).append("\":[");
            String inner = "";
            for (Result r : system.getValue()) {
                json.append(inner).append(String.format(Locale.ROOT,
                        "{\"deliveries_per_s\":%.0f,\"mb_per_s\":%.2f,\"lost\":%d,\"reordered\":%d,\"p50_us\":%.1f,\"p99_us\":%.1f,"
                                + "\"p999_us\":%.1f,\"server_cpu_s\":%.3f,\"server_peak_rss_kb\":%d}",
                        r.deliveriesPerSecond(), r.megabytesPerSecond(), r.lost(), r.reordered(), r.p50Micros(), r.p99Micros(),
                        r.p999Micros(), r.serverCpuSeconds(), r.serverPeakRssKb()));
                inner = ",";
            }
            json.append(']');
            separator = ",";
        }
        json.append(String.format(Locale.ROOT, "},\"ratio_throughput\":%.3f}%n", ours.deliveriesPerSecond() / relay.deliveriesPerSecond()));
        Files.writeString(out, json);
        System.out.println("written " + out);
    }

    private static Result median(List<Result> results) {
        return new Result(median(results, Result::deliveriesPerSecond), median(results, Result::megabytesPerSecond),
                (long) median(results, r -> (double) r.lost()), (long) median(results, r -> (double) r.reordered()),
                median(results, Result::p50Micros), median(results, Result::p99Micros), median(results, Result::p999Micros),
                median(results, Result::serverCpuSeconds), (long) median(results, r -> (double) r.serverPeakRssKb()),
                (long) median(results, r -> (double) r.deliveries()));
    }

    private static double median(List<Result> results, ToDoubleFunction<Result> figure) {
        double[] values = results.stream().mapToDouble(figure).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private Child loadClient(String label, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(java, "-cp", benchmarksJar.toString(), LoadClient.class.getName()));
        command.addAll(List.of(arguments));
        return Child.start(label, command);
    }

    private Path compileRelay() throws IOException, InterruptedException {
        Path binary = root.resolve("benchmarks/target/fifo_relay");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-o", binary.toString(), root.resolve("benchmarks/src/main/c/fifo_relay.c").toString())
                .inheritIO().start();
        if (gcc.waitFor() != 0) {
            throw new IOException("gcc could not build the C relay");
        }
        return binary;
    }

    private static void mkfifo(Path path) throws IOException, InterruptedException {
        if (new ProcessBuilder("mkfifo", "-m", "600", path.toString()).inheritIO().start().waitFor() != 0) {
            throw new IOException("mkfifo " + path + " failed");
        }
    }

    /** User plus system CPU time of a process so far, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long peakRssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** A process of the harness with its standard output collected. */
    private static final class Child {
        private final String label;
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        private Child(String label, Process process) {
            this.label = label;
            this.process = process;
            Thread reader = new Thread(() -> {
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
            return new Child(label, new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }

        long pid() {
            return process.pid();
        }

        String await(Predicate<String> match, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                for (String line : lines) {
                    if (match.test(line)) {
                        return line;
                    }
                }
                if (!process.isAlive() && lines.stream().noneMatch(match)) {
                    throw new IllegalStateException(label + " ended without the expected line; it printed " + lines);
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            throw new IllegalStateException(label + " did not print the expected line within " + seconds + " s; it printed " + lines);
        }

        void awaitExit(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(label + " did not end within " + seconds + " s");
            }
        }

        void terminate() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
