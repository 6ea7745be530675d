package org.octopipes.transport.fifo.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.octopipes.api.DropReason;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.testsupport.TestLogger;

/** The CAP's turn-taking on a pipe in memory: no FIFO, no thread, no clock but the one the test gives. */
class CapTurnsTest {

    /** A pipe like the CAP: one stream of bytes that the server and every client read and write. */
    private static final class MemoryPipe implements CapTurns.Pipe {
        final ByteArrayOutputStream contents = new ByteArrayOutputStream();
        boolean watched;

        @Override
        public int read(ByteBuffer into) {
            byte[] all = contents.toByteArray();
            int taken = Math.min(all.length, into.remaining());
            into.put(all, 0, taken);
            contents.reset();
            contents.write(all, taken, all.length - taken);
            return taken;
        }

        @Override
        public int write(ByteBuffer from) {
            int length = from.remaining();
            byte[] bytes = new byte[length];
            from.get(bytes);
            contents.writeBytes(bytes);
            return length;
        }

        @Override
        public int available() {
            return contents.size();
        }

        @Override
        public void watch(boolean readable) {
            watched = readable;
        }

        /** A client writes a request. */
        void request(Packet packet) {
            contents.writeBytes(packet.toBytes());
        }

        /** A client reads what is in the pipe, as the reference client reads its reply. */
        List<Packet> collect() {
            List<Packet> packets = new ArrayList<>();
            new StreamDecoder().feed(ByteBuffer.wrap(contents.toByteArray()), frame -> packets.add(frame.toPacket()));
            contents.reset();
            return packets;
        }
    }

    /** Subscribes whoever asks, and remembers what it was asked. */
    private final class Server implements CapTurns.Requests {
        final List<String> asked = new ArrayList<>();
        final List<String> drops = new ArrayList<>();

        @Override
        public void subscribe(Name client, List<Name> groups) {
            asked.add("subscribe " + client + " " + groups);
            turns.reply(client, CapMessage.Assignment.success(("/run/" + client + "_tx").getBytes(), ("/run/" + client + "_rx").getBytes()));
        }

        @Override
        public void unsubscribe(Name client) {
            asked.add("unsubscribe " + client);
        }

        @Override
        public boolean isSubscribed(Name client) {
            return asked.contains("subscribe " + client + " []");
        }

        @Override
        public void replyNotCollected(Name client) {
            asked.add("let go " + client);
        }

        @Override
        public void dropped(DropReason reason, int packets, String detail) {
            drops.add(reason + ": " + detail);
        }
    }

    private final MemoryPipe cap = new MemoryPipe();
    private final Server server = new Server();
    private final CapTurns turns = new CapTurns(cap, server, 4096, TestLogger.printing(), "the CAP");

    @Test
    void oneReplyAtATimeGoesIntoTheCapAndTheCapIsNotReadWhileItIsThere() {
        turns.accepting(true);
        assertThat(cap.watched).isTrue();
        cap.request(subscription("alice"));
        cap.request(subscription("bob"));

        turns.readable();

        assertThat(server.asked).containsExactly("subscribe alice []", "subscribe bob []");
        assertThat(cap.watched).as("its own reply is in the CAP: not read").isFalse();
        List<Packet> first = cap.collect();
        assertThat(first).extracting(packet -> packet.remote().toString()).containsExactly("alice");

        turns.check(System.nanoTime() + CapTurns.CHECK_NANOS);
        assertThat(cap.collect()).extracting(packet -> packet.remote().toString()).as("bob's turn").containsExactly("bob");
        turns.check(System.nanoTime() + 2 * CapTurns.CHECK_NANOS);
        assertThat(cap.watched).as("both collected: requests are read again").isTrue();
    }

    @Test
    void aRequestWrittenBehindAWaitingReplyIsTakenOutAndTheReplyPutBack() {
        turns.accepting(true);
        cap.request(subscription("alice"));
        turns.readable();
        cap.request(subscription("carol"));

        turns.check(System.nanoTime() + CapTurns.CHECK_NANOS);

        assertThat(server.asked).containsExactly("subscribe alice []", "subscribe carol []");
        assertThat(cap.collect()).extracting(packet -> packet.remote().toString()).as("alice's reply, put back; carol's waits its turn")
                .containsExactly("alice");
        turns.check(System.nanoTime() + 2 * CapTurns.CHECK_NANOS);
        assertThat(cap.collect()).extracting(packet -> packet.remote().toString()).containsExactly("carol");
    }

    @Test
    void aReplyNobodyCollectsWithinItsTtlIsTakenBackAndItsClientLetGo() {
        turns.accepting(true);
        cap.request(subscription("ghost"));
        turns.readable();

        turns.check(System.nanoTime() + CapTurns.REPLY_TIMEOUT_NANOS + CapTurns.CHECK_NANOS);

        assertThat(cap.available()).isZero();
        assertThat(server.asked).containsExactly("subscribe ghost []", "let go ghost");
        assertThat(server.drops).singleElement().asString().startsWith("TTL_EXPIRED");
        assertThat(cap.watched).isTrue();
    }

    @Test
    void withoutARouterRequestsWaitInTheCapUntilOneComes() {
        cap.request(subscription("alice"));
        turns.readable();
        assertThat(server.asked).isEmpty();
        assertThat(cap.watched).isFalse();

        turns.accepting(true);
        turns.readable();
        assertThat(server.asked).containsExactly("subscribe alice []");
    }

    @Test
    void aPartOfARequestWhoseRestNeverComesIsGivenUpAndTheNextRequestServed() {
        turns.accepting(true);
        byte[] whole = subscription("alice").toBytes();
        cap.contents.writeBytes(Arrays.copyOf(whole, whole.length - 3));
        turns.readable();
        assertThat(turns.timeoutMillis()).as("the part is watched").isPositive();

        turns.check(System.nanoTime() + CapTurns.PART_TIMEOUT_NANOS + CapTurns.CHECK_NANOS);
        cap.request(subscription("bob"));
        turns.readable();

        assertThat(server.asked).containsExactly("subscribe bob []");
        assertThat(server.drops).isNotEmpty();
    }

    @Test
    void whatWasPendingAndTheRepliesGoToTheNextInstance() {
        turns.accepting(true);
        cap.request(subscription("alice"));
        cap.request(subscription("bob"));
        byte[] carol = subscription("carol").toBytes();
        cap.contents.writeBytes(Arrays.copyOf(carol, 5));
        turns.readable();

        Server nextServer = new Server();
        CapTurns next = new CapTurns(cap, nextServer, 4096, TestLogger.printing(), "the CAP");
        next.adopt(turns.pendingBytes(), turns.replyInCap(), turns.waitingReplies());
        next.accepting(true);
        assertThat(next.replyWaiting()).isTrue();
        assertThat(cap.collect()).extracting(packet -> packet.remote().toString()).containsExactly("alice");
        next.check(System.nanoTime() + CapTurns.CHECK_NANOS);
        assertThat(cap.collect()).extracting(packet -> packet.remote().toString()).containsExactly("bob");

        cap.contents.writeBytes(Arrays.copyOfRange(carol, 5, carol.length));
        next.check(System.nanoTime() + 2 * CapTurns.CHECK_NANOS);
        next.readable();
        assertThat(nextServer.asked).as("the part the previous instance had read, completed").containsExactly("subscribe carol []");
    }

    private static Packet subscription(String name) {
        return CapMessage.Subscription.of().toPacket(Name.of(name));
    }
}
