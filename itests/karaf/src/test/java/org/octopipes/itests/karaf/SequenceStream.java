package org.octopipes.itests.karaf;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.octopipes.client.Message;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;

/**
 * Two clients: seq-a sends 1, 2, 3... to seq-b as fast as the server takes them (a full FIFO
 * blocks the writer: that is the only pace), and seq-b checks that each is the one after the
 * last. Loaded only once the client library is installed.
 */
final class SequenceStream implements AutoCloseable {

    private final OctopipesClient sender;
    private final OctopipesClient receiver;
    private final Duration patience;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicReference<String> anomaly = new AtomicReference<>();
    private final Thread sendThread = new Thread(this::send, "stream-sender");
    private final Thread receiveThread = new Thread(this::receive, "stream-receiver");
    private volatile boolean sending = true;

    private SequenceStream(OctopipesClient sender, OctopipesClient receiver, Duration patience) {
        this.sender = sender;
        this.receiver = receiver;
        this.patience = patience;
        receiveThread.setDaemon(true);
    }

    static SequenceStream start(Path cap, Duration patience) throws IOException {
        OctopipesClient a = OctopipesClient.builder(cap).name("seq-a").connect();
        SequenceStream stream;
        try {
            stream = new SequenceStream(a, OctopipesClient.builder(cap).name("seq-b").connect(), patience);
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
        stream.receiveThread.start();
        stream.sendThread.start();
        return stream;
    }

    private void send() {
        try {
            while (sending) {
                long next = sent.get() + 1;
                // No TTL: a deadline missed on a slow machine is a counted drop, not what this test is about.
                sender.send(Message.to("seq-b").payload(ByteBuffer.allocate(Long.BYTES).putLong(next).array()).ttl(Protocol.TTL_NO_DEADLINE));
                sent.set(next);
            }
        } catch (IOException e) {
            anomaly.compareAndSet(null, "seq-a could not send after " + sent.get() + ": " + e);
        }
    }

    private void receive() {
        try {
            for (;;) {
                Packet packet = receiver.receive(Duration.ofSeconds(1));
                if (packet == null) {
                    continue;
                }
                long seq = ByteBuffer.wrap(packet.payloadBytes()).getLong();
                long expected = received.get() + 1;
                if (seq != expected) {
                    anomaly.compareAndSet(null, "seq-b received " + seq + " where " + expected + " was due"
                            + (seq < expected ? " (a duplicate)" : " (" + (seq - expected) + " lost)"));
                    return;
                }
                received.set(seq);
            }
        } catch (IOException e) {
            anomaly.compareAndSet(null, "seq-b lost its server after " + received.get() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until seq-b has everything sent so far and one more: the stream flows through whatever just changed. */
    void awaitFlow() {
        long target = sent.get() + 1;
        await("the stream flows past packet " + target + " (" + received.get() + " received)").atMost(patience)
                .until(() -> received.get() >= target || anomaly.get() != null);
        assertNull(anomaly.get());
    }

    /** Stops sending, waits for the rest and checks seq-b got 1..N once each, in order; returns N. */
    long stopAndCheck() throws Exception {
        sending = false;
        sendThread.join(patience.toMillis());
        assertTrue("the sender stops", !sendThread.isAlive());
        long total = sent.get();
        await("every packet reaches seq-b").atMost(patience).until(() -> received.get() >= total || anomaly.get() != null);
        assertNull("no packet lost, doubled or out of order", anomaly.get());
        assertTrue("seq-b received 1.." + total + " exactly once, in order, and nothing after", received.get() == total
                && receiver.receive(Duration.ofMillis(200)) == null);
        return total;
    }

    @Override
    public void close() {
        sending = false;
        try {
            sender.close();
        } finally {
            receiver.close();
        }
    }
}
