package org.octopipes.benchmarks.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        switch (args[0]) {
            case "pub":
                publish(options, cap, name, options.get("to"), count, Integer.parseInt(options.getOrDefault("payload", "32")));
                break;
            case "sub":
                subscribe(options, cap, name, options.getOrDefault("groups", ""), count, Long.parseLong(options.getOrDefault("idle-ms", "10000")));
                break;
            default:
                throw new IllegalArgumentException("pub or sub, not " + args[0]);
        }
    }

    private static void publish(Map<String, String> options, Path cap, String name, String to, long count, int payloadSize) throws Exception {
        if (payloadSize < 16) {
            throw new IllegalArgumentException("the payload carries 16 bytes of sequence and time: at least 16");
        }
        try (RawFifoClient client = options.containsKey("tx") ? RawFifoClient.direct(name, Path.of(options.get("tx")), null)
                : RawFifoClient.subscribe(cap, name)) {
            Name origin = client.name;
            Name remote = Name.of(to);
            ByteBuffer payload = ByteBuffer.allocate(payloadSize).order(ByteOrder.BIG_ENDIAN);
            ByteBuffer chunk = ByteBuffer.allocateDirect(WRITE_CHUNK + Packet.builder().build().size() + 600 + payloadSize);
            System.out.println("READY");
            long started = System.nanoTime();
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
            long elapsed = System.nanoTime() - started;
            System.out.printf("SENT %d %d%n", count, elapsed);
        }
    }

    private static void subscribe(Map<String, String> options, Path cap, String name, String groups, long count, long idleMillis) throws Exception {
        String[] groupList = groups.isEmpty() ? new String[0] : groups.split(",");
        try (RawFifoClient client = options.containsKey("rx") ? RawFifoClient.direct(name, null, Path.of(options.get("rx")))
                : RawFifoClient.subscribe(cap, name, groupList)) {
            System.out.println("READY");
            Receiver receiver = new Receiver();
            StreamDecoder decoder = new StreamDecoder();
            ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK);
            Thread watchdog = idleWatchdog(client, receiver, idleMillis);
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
            receiver.report(count);
        }
    }

    /** Ends a subscriber that waits for packets that will not come (they were lost). */
    private static Thread idleWatchdog(RawFifoClient client, Receiver receiver, long idleMillis) {
        Thread watchdog = new Thread(() -> {
            long seen = -1;
            try {
                while (true) {
                    TimeUnit.MILLISECONDS.sleep(idleMillis);
                    if (receiver.received == seen) {
                        client.rx.close();
                        return;
                    }
                    seen = receiver.received;
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

        void report(long count) {
            double seconds = (lastAt - firstAt) / 1e9;
            long missing = lost + Math.max(0, count - received - lost);
            System.out.printf("RECEIVED received=%d lost=%d reordered=%d seconds=%.6f msgs_per_s=%.0f mb_per_s=%.2f"
                    + " p50_us=%.1f p99_us=%.1f p999_us=%.1f%n",
                    received, missing, duplicatedOrReordered, seconds, received / Math.max(seconds, 1e-9),
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
