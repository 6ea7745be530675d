package org.octopipes.benchmarks.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;

/**
 * One client process of the load harness: {@code pub} writes sequence-numbered, time-stamped
 * packets as fast as the FIFO takes them, many per write; {@code sub} reads them, checks that
 * none is lost, duplicated or reordered, and measures their one-way latency.
 *
 * <p>{@code --instances N} makes one process act as N clients (names suffixed 0 to N-1, each
 * publisher {@code pubI} writing to {@code subI}), each in its own thread, with one report for
 * all; {@code idle} subscribes N clients and then holds them without a read or a write.
 *
 * <p>Payload layout: sequence number (8 bytes), System.nanoTime() at sending (8 bytes; the same
 * clock in every process of a Linux machine), padding.
 */
public final class LoadClient {

    private static final int WRITE_CHUNK = 64 * 1024;
    private static final int READ_CHUNK = 1024 * 1024;

    private LoadClient() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Path cap = Path.of(options.getOrDefault("cap", "/nonexistent"));
        String name = options.get("name");
        long count = Long.parseLong(options.getOrDefault("count", "1000000"));
        int instances = Integer.parseInt(options.getOrDefault("instances", "1"));
        switch (args[0]) {
            case "pub":
                publish(options, cap, name, options.get("to"), count, Integer.parseInt(options.getOrDefault("payload", "32")), instances);
                break;
            case "sub":
                subscribe(options, cap, name, options.getOrDefault("groups", ""), count, Long.parseLong(options.getOrDefault("idle-ms", "10000")),
                        instances);
                break;
            case "idle":
                holdIdle(cap, name, options.getOrDefault("groups", ""), instances);
                break;
            default:
                throw new IllegalArgumentException("pub, sub or idle, not " + args[0]);
        }
    }

    /** The name of instance {@code i} of {@code instances}: the name itself when there is only one. */
    static String instanceName(String name, int i, int instances) {
        return instances == 1 ? name : name + i;
    }

    private static String[] groupList(String groups) {
        return groups.isEmpty() ? new String[0] : groups.split(",");
    }

    /**
     * Subscribes {@code instances} clients through the CAP, one after the other as the CAP serves
     * them, opens their FIFOs, and then holds them without a read or a write until killed: the idle
     * clients of the many-clients scenario. Their FIFOs stay open, so the server keeps them all.
     */
    private static void holdIdle(Path cap, String name, String groups, int instances) throws Exception {
        List<RawFifoClient> clients = new ArrayList<>(instances);
        for (int i = 0; i < instances; i++) {
            clients.add(RawFifoClient.subscribe(cap, instanceName(name, i, instances), groupList(groups)));
        }
        System.out.println("READY " + clients.size());
        new CountDownLatch(1).await();
    }

    private static void publish(Map<String, String> options, Path cap, String name, String to, long count, int payloadSize, int instances)
            throws Exception {
        if (payloadSize < 16) {
            throw new IllegalArgumentException("the payload carries 16 bytes of sequence and time: at least 16");
        }
        List<RawFifoClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                clients.add(options.containsKey("tx") ? RawFifoClient.direct(name, Path.of(options.get("tx")), null)
                        : RawFifoClient.subscribe(cap, instanceName(name, i, instances)));
            }
            System.out.println("READY");
            long started = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int i = 0; i < instances; i++) {
                RawFifoClient client = clients.get(i);
                Name remote = Name.of(instanceName(to, i, instances));
                Thread thread = new Thread(() -> {
                    try {
                        publishFrom(client, remote, count, payloadSize);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "pub-" + i);
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            if (!failures.isEmpty()) {
                throw new IOException("a publisher failed", failures.get(0));
            }
            long elapsed = System.nanoTime() - started;
            System.out.printf("SENT %d %d%n", count * instances, elapsed);
        } finally {
            for (RawFifoClient client : clients) {
                client.close();
            }
        }
    }

    private static void publishFrom(RawFifoClient client, Name remote, long count, int payloadSize) throws IOException {
        Name origin = client.name;
        ByteBuffer payload = ByteBuffer.allocate(payloadSize).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer chunk = ByteBuffer.allocateDirect(WRITE_CHUNK + Packet.builder().build().size() + 600 + payloadSize);
        for (long sequence = 0; sequence < count; sequence++) {
            payload.clear();
            payload.putLong(0, sequence).putLong(8, System.nanoTime());
            Packet.encode(chunk, origin, remote, 60, 0, payload);
            if (chunk.position() >= WRITE_CHUNK || sequence == count - 1) {
                chunk.flip();
                while (chunk.hasRemaining()) {
                    client.tx.write(chunk);
                }
                chunk.clear();
            }
        }
    }

    private static void subscribe(Map<String, String> options, Path cap, String name, String groups, long count, long idleMillis,
            int instances) throws Exception {
        List<RawFifoClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                // A baseline's subscribers are given their FIFOs: --rx A,B,... one per instance.
                clients.add(options.containsKey("rx") ? RawFifoClient.direct(name, null, Path.of(options.get("rx").split(",")[i]))
                        : RawFifoClient.subscribe(cap, instanceName(name, i, instances), groupList(groups)));
            }
            System.out.println("READY");
            List<Receiver> receivers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                RawFifoClient client = clients.get(i);
                Receiver receiver = new Receiver();
                receivers.add(receiver);
                Thread thread = new Thread(() -> receive(client, receiver, count, idleMillis), "sub-" + i);
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            Receiver.report(receivers, count);
        } finally {
            for (RawFifoClient client : clients) {
                client.close();
            }
        }
    }

    private static void receive(RawFifoClient client, Receiver receiver, long count, long idleMillis) {
        StreamDecoder decoder = new StreamDecoder();
        ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK);
        Thread watchdog = idleWatchdog(client.rx, () -> receiver.received, idleMillis);
        try {
            while (receiver.received < count) {
                chunk.clear();
                if (client.rx.read(chunk) < 0) {
                    break;
                }
                chunk.flip();
                decoder.feed(chunk, receiver);
            }
        } catch (IOException stoppedByWatchdog) {
            // The watchdog closed the FIFO: packets stopped coming.
        } finally {
            watchdog.interrupt();
        }
    }

    /** Closes {@code rx} once {@code progress} has not moved for {@code idleMillis}: the packets waited for will not come. */
    static Thread idleWatchdog(FileChannel rx, LongSupplier progress, long idleMillis) {
        Thread watchdog = new Thread(() -> {
            long seen = -1;
            try {
                while (true) {
                    TimeUnit.MILLISECONDS.sleep(idleMillis);
                    long now = progress.getAsLong();
                    if (now == seen) {
                        rx.close();
                        return;
                    }
                    seen = now;
                }
            } catch (InterruptedException | IOException e) {
                // Done.
            }
        }, "idle-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }

    /** Counts, checks order per origin, and times what arrives. */
    private static final class Receiver implements org.octopipes.codec.FrameHandler {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Map<Name, long[]> nextSequence = new HashMap<>();
        volatile long received;
        long lost;
        long duplicatedOrReordered;
        long firstAt;
        long lastAt;
        long bytes;

        @Override
        public void onFrame(Frame frame) {
            long now = System.nanoTime();
            ByteBuffer payload = frame.payload();
            long sequence = payload.getLong(0);
            long sentAt = payload.getLong(8);
            long[] expected = nextSequence.computeIfAbsent(frame.origin(), origin -> new long[1]);
            if (sequence > expected[0]) {
                lost += sequence - expected[0];
            } else if (sequence < expected[0]) {
                duplicatedOrReordered++;
            }
            expected[0] = Math.max(expected[0], sequence + 1);
            latency.recordValue(Math.max(0, now - sentAt));
            if (received == 0) {
                firstAt = now;
            }
            lastAt = now;
            bytes += frame.size();
            received++;
        }

        /**
         * One report for all the receivers of this process: their counts added up, their latencies
         * in one histogram, and the time from the first packet any of them got to the last.
         */
        static void report(List<Receiver> receivers, long countEach) {
            Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            long received = 0;
            long missing = 0;
            long reordered = 0;
            long bytes = 0;
            long firstAt = Long.MAX_VALUE;
            long lastAt = Long.MIN_VALUE;
            for (Receiver r : receivers) {
                latency.add(r.latency);
                received += r.received;
                missing += r.lost + Math.max(0, countEach - r.received - r.lost);
                reordered += r.duplicatedOrReordered;
                bytes += r.bytes;
                if (r.received > 0) {
                    firstAt = Math.min(firstAt, r.firstAt);
                    lastAt = Math.max(lastAt, r.lastAt);
                }
            }
            double seconds = received == 0 ? 0 : (lastAt - firstAt) / 1e9;
            System.out.printf(Locale.ROOT, "RECEIVED received=%d lost=%d reordered=%d seconds=%.6f msgs_per_s=%.0f mb_per_s=%.2f"
                    + " p50_us=%.1f p99_us=%.1f p999_us=%.1f%n",
                    received, missing, reordered, seconds, received / Math.max(seconds, 1e-9),
                    bytes / Math.max(seconds, 1e-9) / 1e6, latency.getValueAtPercentile(50) / 1e3,
                    latency.getValueAtPercentile(99) / 1e3, latency.getValueAtPercentile(99.9) / 1e3);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }
}
