package org.octopipes.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;

/**
 * The two clients of the round-trip scenario, over FIFOs (through the server's CAP, or given FIFOs
 * of the C relay): {@code ping} keeps a small window of packets in flight (one by default) and
 * times each from its sending to its answer's arrival; {@code pong} answers each packet at once
 * with the same payload, to its origin.
 *
 * <p>The first {@code --warmup} round trips are not timed: they let the JIT of every process
 * involved settle. Payload layout as in {@link LoadClient}: sequence number, sending time.
 */
public final class RoundTripClient {

    private static final int OUT_CHUNK = 256 * 1024;

    private RoundTripClient() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String name = options.get("name");
        long count = Long.parseLong(options.getOrDefault("count", "50000"));
        long warmup = Long.parseLong(options.getOrDefault("warmup", "10000"));
        try (RawFifoClient client = options.containsKey("tx")
                ? RawFifoClient.direct(name, Path.of(options.get("tx")), Path.of(options.get("rx")))
                : RawFifoClient.subscribe(Path.of(options.get("cap")), name)) {
            System.out.println("READY");
            switch (args[0]) {
                case "ping":
                    ping(client, Name.of(options.get("to")), warmup, count, Integer.parseInt(options.getOrDefault("window", "1")),
                            Integer.parseInt(options.getOrDefault("payload", "32")));
                    break;
                case "pong":
                    pong(client, warmup + count);
                    break;
                default:
                    throw new IllegalArgumentException("ping or pong, not " + args[0]);
            }
        }
    }

    private static void ping(RawFifoClient client, Name pong, long warmup, long count, int window, int payloadSize) throws IOException {
        if (payloadSize < 16) {
            throw new IllegalArgumentException("the payload carries 16 bytes of sequence and time: at least 16");
        }
        long total = warmup + count;
        Pinger pinger = new Pinger(client, pong, warmup, total, payloadSize);
        for (int i = 0; i < window && pinger.sent < total; i++) {
            pinger.sendNext();
        }
        pinger.flush();
        StreamDecoder decoder = new StreamDecoder();
        Thread watchdog = LoadClient.idleWatchdog(client.rx, () -> pinger.answered, 10_000);
        try {
            while (pinger.answered < total) {
                if (decoder.readFrom(client.rx, pinger) < 0) {
                    break;
                }
                pinger.flush();
            }
        } catch (IOException stoppedByWatchdog) {
            // The answers stopped coming: reported as missing.
        } finally {
            watchdog.interrupt();
        }
        report(pinger.roundTrips, total - pinger.answered, pinger.unexpected);
    }

    /** Sends a packet for every answer, until all have been sent. */
    private static final class Pinger implements FrameHandler {
        final Histogram roundTrips = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final RawFifoClient client;
        final Name pong;
        final long warmup;
        final long total;
        final ByteBuffer payload;
        final ByteBuffer out = ByteBuffer.allocateDirect(OUT_CHUNK);
        long sent;
        volatile long answered;
        long unexpected;

        Pinger(RawFifoClient client, Name pong, long warmup, long total, int payloadSize) {
            this.client = client;
            this.pong = pong;
            this.warmup = warmup;
            this.total = total;
            this.payload = ByteBuffer.allocate(payloadSize).order(ByteOrder.BIG_ENDIAN);
        }

        void sendNext() {
            payload.clear();
            payload.putLong(0, sent++).putLong(8, System.nanoTime());
            Packet.encode(out, client.name, pong, 60, 0, payload);
        }

        void flush() throws IOException {
            out.flip();
            while (out.hasRemaining()) {
                client.tx.write(out);
            }
            out.clear();
        }

        @Override
        public void onFrame(Frame frame) {
            long now = System.nanoTime();
            ByteBuffer bytes = frame.payload();
            long sequence = bytes.getLong(0);
            if (sequence != answered) {
                unexpected++;
            }
            if (sequence >= warmup) {
                roundTrips.recordValue(Math.max(0, now - bytes.getLong(8)));
            }
            answered++;
            if (sent < total) {
                sendNext();
            }
        }
    }

    private static void pong(RawFifoClient client, long total) throws IOException {
        ByteBuffer out = ByteBuffer.allocateDirect(OUT_CHUNK);
        long[] handled = new long[1];
        FrameHandler answer = frame -> {
            if (out.remaining() < frame.size() + 2 * 256) {
                // A large window: more answers than the buffer holds; send what is there first.
                writeAll(client, out);
            }
            Packet.encode(out, client.name, frame.origin(), 60, 0, frame.payload());
            handled[0]++;
        };
        StreamDecoder decoder = new StreamDecoder();
        while (handled[0] < total) {
            if (decoder.readFrom(client.rx, answer) < 0) {
                break;
            }
            writeAll(client, out);
        }
    }

    /** Writes what {@code out} holds (all the answers to one read: one write) and empties it. */
    private static void writeAll(RawFifoClient client, ByteBuffer out) {
        try {
            out.flip();
            while (out.hasRemaining()) {
                client.tx.write(out);
            }
            out.clear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The line the harness reads: percentiles in microseconds and the whole histogram, compressed
     * and in Base64, so that the harness can merge runs and draw the distribution.
     */
    static void report(Histogram roundTrips, long missing, long unexpected) {
        ByteBuffer encoded = ByteBuffer.allocate(roundTrips.getNeededByteBufferCapacity());
        int length = roundTrips.encodeIntoCompressedByteBuffer(encoded);
        String histogram = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(encoded.array(), length));
        System.out.printf(Locale.ROOT, "RTT count=%d missing=%d unexpected=%d p50_us=%.2f p99_us=%.2f p999_us=%.2f max_us=%.2f hist=%s%n",
                roundTrips.getTotalCount(), missing, unexpected, roundTrips.getValueAtPercentile(50) / 1e3,
                roundTrips.getValueAtPercentile(99) / 1e3, roundTrips.getValueAtPercentile(99.9) / 1e3, roundTrips.getMaxValue() / 1e3,
                histogram);
    }
}
