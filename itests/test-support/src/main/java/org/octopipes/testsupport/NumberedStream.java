package org.octopipes.testsupport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.octopipes.api.Broker;
import org.octopipes.client.Message;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A sender writes 1, 2, 3... to a receiver as fast as the server takes them (a full FIFO or
 * socket blocks the writer: that is the only pace), and the receiver checks that each is the one
 * after the last: the first packet lost, doubled or out of order is the stream's anomaly. Made to
 * run while something changes under it (a bundle updated, a policy swapped) and to show that it
 * flowed through the change and lost nothing. Clients given to {@link #start} stay the caller's
 * to close; those {@link #between} makes are closed with the stream.
 */
public final class NumberedStream implements AutoCloseable {

    private final OctopipesClient sender;
    private final OctopipesClient receiver;
    private final Duration patience;
    private final AtomicLong sent = new AtomicLong();
    private final Thread sendThread = new Thread(this::send, "stream-sender");
    private final Thread receiveThread = new Thread(this::receive, "stream-receiver");
    private final boolean ownsClients;
    private volatile boolean sending = true;
    /** Guarded by this: the receiver's count and the first anomaly, awaited by the test thread. */
    private long received;
    private String anomaly;

    private NumberedStream(OctopipesClient sender, OctopipesClient receiver, Duration patience, boolean ownsClients) {
        this.sender = sender;
        this.receiver = receiver;
        this.patience = patience;
        this.ownsClients = ownsClients;
        receiveThread.setDaemon(true);
    }

    /** Starts streaming from {@code sender} to {@code receiver}, by its name; waits take up to {@code patience}. */
    public static NumberedStream start(OctopipesClient sender, OctopipesClient receiver, Duration patience) {
        return new NumberedStream(sender, receiver, patience, false).started();
    }

    /**
     * Subscribes {@code seq-a} and {@code seq-b} through the CAP at {@code cap} and streams from
     * the one to the other. For a test class that must not name the client library's classes
     * itself, because they come into its framework after it is loaded (a Karaf feature, say).
     */
    public static NumberedStream between(Path cap, Duration patience) throws IOException {
        OctopipesClient a = OctopipesClient.builder(cap).name("seq-a").connect();
        try {
            return new NumberedStream(a, OctopipesClient.builder(cap).name("seq-b").connect(), patience, true).started();
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    private NumberedStream started() {
        receiveThread.start();
        sendThread.start();
        return this;
    }

    private void send() {
        try {
            while (sending) {
                long next = sent.get() + 1;
                // No TTL: a deadline missed on a slow machine is a counted drop, not what the stream is about.
                sender.send(Message.to(receiver.name()).payload(ByteBuffer.allocate(Long.BYTES).putLong(next).array()).ttl(Protocol.TTL_NO_DEADLINE));
                sent.set(next);
            }
        } catch (IOException e) {
            anomaly(sender.name() + " could not send after " + sent.get() + ": " + e);
        }
    }

    private void receive() {
        try {
            for (;;) {
                Packet packet = receiver.receive(Duration.ofSeconds(1));
                if (packet == null) {
                    continue;
                }
                long number = ByteBuffer.wrap(packet.payloadBytes()).getLong();
                synchronized (this) {
                    long expected = received + 1;
                    if (number != expected) {
                        anomaly(receiver.name() + " received " + number + " where " + expected + " was due"
                                + (number < expected ? " (a duplicate)" : " (" + (number - expected) + " lost)"));
                        return;
                    }
                    received = number;
                    notifyAll();
                }
            }
        } catch (IOException e) {
            anomaly(receiver.name() + " lost its server after " + received() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void anomaly(String what) {
        if (anomaly == null) {
            anomaly = what;
        }
        notifyAll();
    }

    public long sent() {
        return sent.get();
    }

    public synchronized long received() {
        return received;
    }

    /** The first packet lost, doubled or out of order, or the first failure to send or receive; null if none. */
    public synchronized String anomaly() {
        return anomaly;
    }

    /**
     * Waits until the receiver has everything sent so far and one more: the stream flows through
     * whatever just changed. On failure, the stacks of the server's and the stream's threads go
     * into the error, since a stopped stream is a thread waiting for something.
     */
    public void awaitFlow() throws InterruptedException {
        long target = sent.get() + 1;
        if (!awaitReceived(target)) {
            throw new AssertionError("the stream stopped before packet " + target + ": " + sent.get() + " sent, " + received() + " received"
                    + threads());
        }
        if (anomaly() != null) {
            throw new AssertionError(anomaly());
        }
    }

    /**
     * Checks that the server counted at least what the receiver got: every packet it got was
     * received from the sender, and is in the server's total. A router or transport that counted
     * from zero again after an update would count fewer. (Not what was delivered: a transport
     * counts a write once it returns, and the receiver may have read it just before.)
     *
     * @param after what just happened, for the message
     */
    public void assertCountedBy(Broker broker, String after) {
        long got = received();
        long fromSender = broker.client(sender.name()).orElseThrow().counters().received();
        long total = broker.counters().received();
        if (fromSender < got || total < got) {
            throw new AssertionError("counts reset " + after + ": " + receiver.name() + " got " + got + " packets, the server counts "
                    + fromSender + " received from " + sender.name() + ", " + total + " received in all");
        }
    }

    /**
     * As {@link #assertCountedBy(Broker, String)}, with the Broker service of {@code context}'s
     * framework now: for a test class that must not name the API's types itself (in Karaf, they
     * come with a feature installed after the test class is loaded).
     */
    public void assertCountedByTheServerOf(BundleContext context, String after) {
        ServiceReference<Broker> reference = context.getServiceReference(Broker.class);
        if (reference == null) {
            throw new AssertionError("no Broker service " + after);
        }
        try {
            assertCountedBy(context.getService(reference), after);
        } finally {
            context.ungetService(reference);
        }
    }

    /** Stops sending; returns how many packets were sent. */
    public long stop() throws InterruptedException {
        sending = false;
        sendThread.join(patience.toMillis());
        if (sendThread.isAlive()) {
            throw new AssertionError("the sender did not stop within " + patience.toSeconds() + " s" + threads());
        }
        return sent.get();
    }

    /**
     * Stops sending, waits for the rest and checks that the receiver got 1..N exactly once each,
     * in order, and nothing after; returns N.
     */
    public long stopAndCheck() throws InterruptedException, IOException {
        long total = stop();
        if (!awaitReceived(total) || anomaly() != null) {
            throw new AssertionError("not every packet reached " + receiver.name() + ": " + total + " sent, " + received() + " received"
                    + (anomaly() == null ? "" : "; " + anomaly()));
        }
        Packet extra = receiver.receive(Duration.ofMillis(200));
        if (extra != null || received() != total) {
            throw new AssertionError(receiver.name() + " received more than the " + total + " packets sent");
        }
        return total;
    }

    /** Whether the receiver reached {@code count} (or an anomaly came) within the patience. */
    private synchronized boolean awaitReceived(long count) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (received < count && anomaly == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private static String threads() {
        StringBuilder threads = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().contains("octopipes") || thread.getName().startsWith("stream")) {
                threads.append("\n").append(thread.getName()).append(' ').append(thread.getState());
                for (StackTraceElement element : stack) {
                    threads.append("\n    at ").append(element);
                }
            }
        });
        return threads.toString();
    }

    /** Stops sending, without checking anything; closes the clients if it made them. */
    @Override
    public void close() {
        sending = false;
        if (ownsClients) {
            try {
                sender.close();
            } finally {
                receiver.close();
            }
        }
    }
}
