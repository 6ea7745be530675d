package org.octopipes.itests.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Packet;

/**
 * A client process for the stream tests: a sender that writes numbered packets as fast as its
 * transport lets it, or a reader that takes them at a set pace and checks each one (its number
 * next in order, its bytes those the sender wrote).
 *
 * <p>{@code send fifo|unix ADDRESS NAME REMOTE COUNT SIZE} prints {@code SENT COUNT NANOS}, the
 * monotonic clock ({@link System#nanoTime()}, the same in every process) after the last write.
 * {@code read fifo|unix ADDRESS NAME GROUP|- COUNT BYTES_PER_SECOND|0 MARK} prints {@code READY}
 * once subscribed, {@code MARK_REACHED NANOS} when it has taken MARK packets, and
 * {@code RECEIVED COUNT} at the end; exit 3 if packets stop coming, 4 if one is out of order or
 * corrupt. With the two clocks a test tells whether the sender had to wait for the reader, without
 * timing anything itself.
 */
public final class StreamWorker {

    /** How long a reader waits for the next packet before it reports the stream stalled. */
    private static final Duration STALL = Duration.ofSeconds(30);

    private StreamWorker() {
    }

    public static void main(String[] arguments) throws Exception {
        String role = arguments[0];
        OctopipesClient.Builder builder = arguments[1].equals("unix")
                ? OctopipesClient.socketBuilder(Path.of(arguments[2]))
                : OctopipesClient.builder(Path.of(arguments[2]));
        builder.name(arguments[3]).subscribeTimeout(Duration.ofSeconds(30));
        if (role.equals("send")) {
            send(builder, arguments[4], Integer.parseInt(arguments[5]), Integer.parseInt(arguments[6]));
        } else {
            if (!arguments[4].equals("-")) {
                builder.groups(arguments[4]);
            }
            System.exit(read(builder, Integer.parseInt(arguments[5]), Long.parseLong(arguments[6]), Integer.parseInt(arguments[7])));
        }
    }

    /** The payload of packet {@code number}: the number, then bytes that depend on it, so that corruption shows. */
    static byte[] payload(int number, int size) {
        ByteBuffer payload = ByteBuffer.allocate(size);
        payload.putInt(number);
        while (payload.hasRemaining()) {
            payload.put((byte) (number + payload.position()));
        }
        return payload.array();
    }

    private static void send(OctopipesClient.Builder builder, String remote, int count, int size) throws IOException {
        try (OctopipesClient client = builder.connect()) {
            for (int i = 0; i < count; i++) {
                client.send(remote, payload(i, size));
            }
            System.out.println("SENT " + count + " " + System.nanoTime());
        }
    }

    private static int read(OctopipesClient.Builder builder, int count, long bytesPerSecond, int mark) throws Exception {
        try (OctopipesClient client = builder.connect()) {
            System.out.println("READY");
            long start = 0;
            long bytes = 0;
            for (int i = 0; i < count; i++) {
                Packet packet = client.receive(STALL);
                if (packet == null) {
                    System.out.println("STALLED after " + i);
                    return 3;
                }
                byte[] payload = packet.payloadBytes();
                if (!java.util.Arrays.equals(payload, payload(i, payload.length))) {
                    System.out.println("DISORDER at " + i + ": got number " + (payload.length >= 4 ? ByteBuffer.wrap(payload).getInt() : -1));
                    return 4;
                }
                if (i + 1 == mark) {
                    System.out.println("MARK_REACHED " + System.nanoTime());
                }
                if (i == 0) {
                    start = System.nanoTime();
                }
                bytes += payload.length;
                if (bytesPerSecond > 0) {
                    // Pacing, not synchronisation: this reader keeps reading, only slower than the sender writes.
                    long due = start + bytes * 1_000_000_000L / bytesPerSecond;
                    long early = due - System.nanoTime();
                    if (early > TimeUnit.MILLISECONDS.toNanos(1)) {
                        TimeUnit.NANOSECONDS.sleep(early);
                    }
                }
            }
            System.out.println("RECEIVED " + count);
            return 0;
        }
    }

    /** The command that runs this class in a JVM of its own, with the client jar of this build. */
    static List<String> command(String... arguments) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx64m",
                "-cp", System.getProperty("octopipes.client.jar") + File.pathSeparator + System.getProperty("java.class.path"),
                StreamWorker.class.getName()));
        command.addAll(List.of(arguments));
        return command;
    }
}
