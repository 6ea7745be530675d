package org.octopipes.itests.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.octopipes.client.Message;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;

/**
 * A client process of {@link SoakIT}: pairs of Java clients that subscribe, send windows of packets
 * with RCK from one to the other (alternately to its name and to the pair's group), check what
 * arrives, wait for the ACKs, and after a few windows unsubscribe and subscribe again under the
 * same names. Both clients of a pair are alive for the whole window, so every packet of a window
 * must arrive and be acknowledged: what does not is counted lost or unacknowledged.
 *
 * <p>Arguments: {@code CAP PREFIX PAIRS SECONDS}. Prints {@code SUBSCRIBED NAME} at each
 * subscription, {@code PROGRESS sent delivered acked lost unacked} after each window (a process
 * killed with SIGKILL leaves these), and {@code SUMMARY ...} with the same figures and the cycles
 * and subscription retries when SECONDS are up. Exits 0 unless the server went away.
 */
public final class SoakWorker {

    private static final int WINDOW = 20;
    private static final int WINDOWS_PER_CYCLE = 5;
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(15);
    /** Longer than the 10 s after which a crashed holder's name is taken over, with room for a busy machine. */
    private static final Duration SUBSCRIBE_PATIENCE = Duration.ofSeconds(90);

    private final Path cap;
    private final long deadline;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong unacked = new AtomicLong();
    private final AtomicLong cycles = new AtomicLong();
    private final AtomicLong subscribeRetries = new AtomicLong();

    private SoakWorker(Path cap, long deadline) {
        this.cap = cap;
        this.deadline = deadline;
    }

    public static void main(String[] arguments) throws Exception {
        Path cap = Path.of(arguments[0]);
        String prefix = arguments[1];
        int pairs = Integer.parseInt(arguments[2]);
        long seconds = Long.parseLong(arguments[3]);
        SoakWorker worker = new SoakWorker(cap, System.nanoTime() + Duration.ofSeconds(seconds).toNanos());
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < pairs; i++) {
            String pair = prefix + "-" + i;
            Thread thread = new Thread(() -> {
                try {
                    worker.runPair(pair);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, pair);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("SUMMARY sent=" + worker.sent + " delivered=" + worker.delivered + " acked=" + worker.acked + " lost=" + worker.lost
                + " unacked=" + worker.unacked + " cycles=" + worker.cycles + " subscribeRetries=" + worker.subscribeRetries);
        if (failure.get() != null) {
            failure.get().printStackTrace();
            System.exit(1);
        }
    }

    private void runPair(String pair) throws Exception {
        long sequence = 0;
        while (System.nanoTime() < deadline) {
            try (OctopipesClient sender = subscribe(pair + "-a", pair);
                    OctopipesClient receiver = subscribe(pair + "-b", pair)) {
                for (int window = 0; window < WINDOWS_PER_CYCLE && System.nanoTime() < deadline; window++) {
                    Name remote = window % 2 == 0 ? receiver.name() : Name.of(pair);
                    sequence = window(sender, receiver, remote, sequence);
                    System.out.println("PROGRESS " + sent + " " + delivered + " " + acked + " " + lost + " " + unacked);
                }
            }
            cycles.incrementAndGet();
        }
    }

    /** Sends one window, checks that it arrives whole and in order, and collects its ACKs. */
    private long window(OctopipesClient sender, OctopipesClient receiver, Name remote, long first) throws Exception {
        for (int i = 0; i < WINDOW; i++) {
            byte[] payload = new byte[8 + ThreadLocalRandom.current().nextInt(4096)];
            ByteBuffer.wrap(payload).putLong(first + i);
            sender.send(Message.to(remote).payload(payload).requestAck());
            sent.incrementAndGet();
        }
        int arrived = 0;
        for (long expected = first; arrived < WINDOW; expected++) {
            Packet packet = receiver.receive(RECEIVE_TIMEOUT);
            if (packet == null) {
                break;
            }
            long number = packet.payload().getLong(0);
            if (number != expected || !packet.origin().equals(sender.name()) || !packet.remote().equals(remote)) {
                throw new AssertionError(receiver.name() + " expected packet " + expected + " from " + sender.name() + " to " + remote
                        + ", got " + number + " from " + packet.origin() + " to " + packet.remote());
            }
            arrived++;
        }
        delivered.addAndGet(arrived);
        lost.addAndGet(WINDOW - arrived);
        int acks = 0;
        while (acks < arrived) {
            Packet packet = sender.receive(RECEIVE_TIMEOUT);
            if (packet == null) {
                break;
            }
            if (Message.isAck(packet) && packet.origin().equals(receiver.name())) {
                acks++;
            }
        }
        acked.addAndGet(acks);
        unacked.addAndGet(arrived - acks);
        return first + WINDOW;
    }

    /**
     * Subscribes, trying again while the name is refused: after a SIGKILL, the old subscription
     * holds the name until the server takes it over; and a reference-style client that reads a
     * reply meant for this one (the protocol's CAP carries every reply) makes it time out.
     */
    private OctopipesClient subscribe(String name, String group) {
        AtomicReference<OctopipesClient> client = new AtomicReference<>();
        await(name + " subscribed").atMost(SUBSCRIBE_PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).until(() -> {
            try {
                client.set(OctopipesClient.builder(cap).name(name).groups(group).subscribeTimeout(Duration.ofSeconds(10)).connect());
                return true;
            } catch (IOException refused) {
                subscribeRetries.incrementAndGet();
                System.out.println("RETRY " + name + " " + refused.getMessage());
                return false;
            }
        });
        System.out.println("SUBSCRIBED " + name);
        return client.get();
    }
}
