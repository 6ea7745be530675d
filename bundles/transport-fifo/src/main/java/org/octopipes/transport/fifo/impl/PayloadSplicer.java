package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.Protocol;
import org.octopipes.posix.Posix;
import org.octopipes.transport.support.OutboundQueue;

/**
 * The FIFO transport's path for large payloads ({@code fifo.splice.payloads}): a packet whose
 * payload is at least {@code fifo.splice.min.payload} bytes is routed on its header while its
 * payload is still in the sender's TX FIFO, and the payload goes from there to the recipients' RX
 * FIFOs by splice(2) and tee(2), never through the JVM. The server does not verify such a
 * payload's checksum (nor its ETX): its recipient does. I/O thread only.
 *
 * <p>How a sender's stream is read: as always, by its decoder in large reads, until a large packet
 * comes; from then on, while its packets are large, each header is read alone (as long as the
 * last one, so usually in one read, never more than a header's worth), and a packet goes the
 * splicing way only when all of it is in the TX FIFO already, so that nothing ever waits for the
 * sender and the TX stream is consumed packet by packet. Anything else (a small packet, bytes
 * that are no header, a packet not all written yet) goes to the decoder, which reads exactly the
 * rest of that packet before headers are read alone again.
 *
 * <p>What is spliced, and to whom: the router routes the deferred frame as any other (origin,
 * access checks, policy, quota, taps). A recipient that is a FIFO client of this server with
 * nothing queued and nothing offered from elsewhere is set aside instead of being queued a copy;
 * anything else that needs the payload (a tap, a policy, another transport's outlet, a recipient
 * with a queue) reads it in, and then those set aside get copies too: the packet simply took the
 * copying path. When nothing read it in, the header goes to every recipient set aside, then the
 * payload: tee'd to all but the last, spliced to the last (which takes it out of the TX FIFO).
 * Every call is non-blocking; a recipient whose RX FIFO takes only part gets the rest of the
 * packet queued, without a deadline since its start went out (the queue never drops a packet
 * that began), and its queue is written as any other. Only then does anything else reach it.
 */
final class PayloadSplicer {

    /** The longest header: SOH, VER, LNS, origin, RNS, remote, TTL, DSZ, OPT, CHK, STX. */
    static final int MAX_HEADER = Protocol.FRAME_OVERHEAD - 1 + 2 * Protocol.MAX_NAME_LENGTH;
    /** How long a sender waits at most for a recipient to take its queue before its next large packet. */
    static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final FifoServer server;
    private final Posix posix;
    private final int minPayload;
    private final int maxPayload;
    /** The packet being routed the splicing way: its first bytes, and room for the rest if something needs it. */
    private byte[] packet = new byte[MAX_HEADER];
    /** The deferred frame being routed, or null. */
    private Frame routing;
    /** The recipients set aside for it, with what their deliveries said. */
    private final List<FifoClient> targets = new ArrayList<>();
    private final List<SetAside> setAside = new ArrayList<>();
    /**
     * Senders that wait, their TX FIFO unread, for a recipient of their last large packet to take
     * what it has queued, so that their next one can be spliced to it rather than queued behind
     * that; since when, and for whom. At most {@link #WAIT_NANOS}: a recipient that takes longer
     * is no longer waited for until its queue is empty once more, so that one that does not read
     * never holds anybody up for long.
     */
    private final Map<FifoClient, Long> waitingSince = new LinkedHashMap<>();
    private final Map<FifoClient, FifoClient> waitingFor = new HashMap<>();
    private final Set<FifoClient> notWaitedFor = new HashSet<>();
    /** The recipient with a queue that the packet being routed met, if any: its sender waits for it before the next. */
    private FifoClient metQueue;
    /** Packets moved without a copy, and packets that had to take the copying path after all; for tests and logs. */
    private volatile long spliced;
    private volatile long copiedAfterAll;

    /** The sender whose decoder the {@link #watcher} watches now. */
    private FifoClient watched;
    /** Passes what a decoder hands out to its client, noting whether the client's packets are large. */
    private final FrameHandler watcher = new FrameHandler() {
        @Override
        public void onFrame(Frame frame) {
            FifoClient sender = watched;
            int payload = frame.payloadLength();
            sender.largeHeaderLength = payload >= minPayload ? frame.size() - payload - 1 : 0;
            sender.onFrame(frame);
        }

        @Override
        public void onError(PacketError error, long streamOffset) {
            watched.onError(error, streamOffset);
        }
    };
    /** A sender's TX FIFO with a bound on what one read takes: the rest of one packet. */
    private final BoundedTx boundedTx = new BoundedTx();

    PayloadSplicer(FifoServer server, Posix posix, int minPayload, int maxPayload) {
        this.server = server;
        this.posix = posix;
        this.minPayload = minPayload;
        this.maxPayload = maxPayload;
    }

    /** What a recipient's delivery said when it was set aside: all it needs if it must be queued a copy after all. */
    private record SetAside(long deadlineNanos, Sender sender) implements Delivery {
        @Override
        public boolean imported() {
            return false;
        }
    }

    long spliced() {
        return spliced;
    }

    long copiedAfterAll() {
        return copiedAfterAll;
    }

    /** What the decoder hands out from {@code sender}'s stream, watched. */
    FrameHandler watching(FifoClient sender) {
        watched = sender;
        return watcher;
    }

    /**
     * One read of {@code sender}'s TX FIFO, and the routing of what it brought: the splicing way
     * for a large packet that is all there, the decoder's otherwise.
     *
     * @return the bytes taken from the TX FIFO, 0 if none were there, -1 at its end
     */
    int read(FifoClient sender, ReadableByteChannel tx) throws IOException {
        FrameHandler handler = watching(sender);
        if (sender.largeHeaderLength == 0) {
            return sender.decoder.readFrom(tx, handler);
        }
        if (sender.copyRest == 0 && sender.decoder.pendingBytes() > 0) {
            // The decoder holds the start of a packet: let it read that packet's rest and no more,
            // so that the next header starts a read of its own.
            sender.copyRest = restOfPending(sender);
        }
        if (sender.copyRest > 0) {
            int count = sender.decoder.readFrom(boundedTx.of(sender.txFd, sender.copyRest), handler);
            if (count > 0) {
                sender.copyRest -= count;
            }
            return count;
        }
        if (sender.decoder.pendingBytes() > 0) {
            return sender.decoder.readFrom(tx, handler);
        }
        FifoClient recipient = waitingFor.get(sender);
        if (recipient != null) {
            if (!sender.leaving && !recipient.closed && !recipient.queue.isEmpty() && !notWaitedFor.contains(recipient)) {
                waitingSince.putIfAbsent(sender, System.nanoTime());
                server.watchTx(sender, 0);
                return 0;
            }
            stopWaiting(sender);
        }
        return readHeaderFirst(sender);
    }

    /** {@code recipient} took all it had queued: whoever waits for it goes on, and it is waited for again. */
    void drained(FifoClient recipient) {
        notWaitedFor.remove(recipient);
        if (waitingFor.containsValue(recipient)) {
            for (FifoClient sender : new ArrayList<>(waitingFor.keySet())) {
                if (waitingFor.get(sender) == recipient) {
                    goOn(sender);
                }
            }
        }
    }

    /** Senders that waited too long go on, and their recipients are not waited for until they drain; I/O thread, once a round. */
    void check(long now) {
        if (waitingSince.isEmpty()) {
            return;
        }
        for (Map.Entry<FifoClient, Long> waiting : new ArrayList<>(waitingSince.entrySet())) {
            if (now - waiting.getValue() >= WAIT_NANOS) {
                FifoClient recipient = waitingFor.get(waiting.getKey());
                if (recipient != null) {
                    notWaitedFor.add(recipient);
                }
                goOn(waiting.getKey());
            }
        }
    }

    /** Milliseconds until {@link #check} must run, or -1 if nobody waits. */
    int timeoutMillis() {
        return waitingSince.isEmpty() ? -1 : (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(WAIT_NANOS));
    }

    /** The client left: nobody waits for it, and it waits for nobody. */
    void forget(FifoClient client) {
        stopWaiting(client);
        notWaitedFor.remove(client);
        drained(client);
    }

    private void goOn(FifoClient sender) {
        boolean waited = waitingSince.containsKey(sender);
        stopWaiting(sender);
        // A sender a recipient holds up (backpressure) is read again when it lets go, not before:
        // watched meanwhile, its readable TX FIFO would wake the I/O thread for nothing.
        if (waited && !sender.closed && !sender.heldUp()) {
            server.readSoon(sender);
        }
    }

    private void stopWaiting(FifoClient sender) {
        waitingFor.remove(sender);
        waitingSince.remove(sender);
    }

    /** How many bytes of the packet whose start the decoder holds are still to come; 0 if its header does not tell. */
    private long restOfPending(FifoClient sender) {
        byte[] pending = sender.decoder.pendingCopy();
        long size = Frame.packetSize(pending, 0, pending.length, maxPayload);
        return size > pending.length ? size - pending.length : 0;
    }

    private int readHeaderFirst(FifoClient sender) throws IOException {
        int present = read(sender.txFd, packet, 0, sender.largeHeaderLength);
        if (present <= 0) {
            return present;
        }
        long size = Frame.packetSize(packet, 0, present, maxPayload);
        if (size == Frame.HEADER_INCOMPLETE) {
            // The names are longer than the last packet's: read what a header can be, at most.
            present += Math.max(0, read(sender.txFd, packet, present, MAX_HEADER - present));
            size = Frame.packetSize(packet, 0, present, maxPayload);
        }
        int headerLength = size < 0 ? 0 : headerLength(packet);
        long payload = size - headerLength - 1;
        if (size < 0 || present >= size || payload < minPayload || posix.bytesAvailable(sender.txFd) < size - present) {
            // Not for this path: bytes that are no header (the decoder reports them), a small
            // packet, or one not all written yet. The decoder takes what was read, and reads the
            // rest of that packet alone.
            if (size >= 0 && payload < minPayload) {
                sender.largeHeaderLength = 0;
            } else if (size > present) {
                sender.copyRest = size - present;
            }
            sender.decoder.feed(packet, 0, present, watching(sender));
            return present;
        }
        route(sender, present, (int) size);
        sender.largeHeaderLength = headerLength;
        // The decoder did not see this packet, which was valid as far as anyone checked: whatever
        // it held against the stream before is over.
        sender.decoder.reset();
        return (int) size;
    }

    /** Routes the packet whose first {@code present} bytes are in {@link #packet}, and moves it to whom it was routed to. */
    private void route(FifoClient sender, int present, int size) throws IOException {
        if (packet.length < size) {
            byte[] larger = new byte[Math.max(size, Math.min(2 * packet.length, Protocol.MAX_CONFIGURABLE_PAYLOAD))];
            System.arraycopy(packet, 0, larger, 0, present);
            packet = larger;
        }
        int txFd = sender.txFd;
        Frame frame = Frame.deferred(packet, 0, present, maxPayload, (into, offset, length) -> readFullyUnchecked(txFd, into, offset, length));
        targets.clear();
        setAside.clear();
        metQueue = null;
        routing = frame;
        try {
            sender.session.route(frame, sender.sender, sender.readNanos);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            routing = null;
        }
        try {
            deliver(sender, frame, present, size);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (metQueue != null && !notWaitedFor.contains(metQueue)) {
            // Its next large packet waits until that recipient took its queue, to be spliced to it.
            waitingFor.put(sender, metQueue);
        }
    }

    /**
     * Sets {@code target} aside for the deferred frame being routed, instead of queueing it a copy:
     * only a client of this server with nothing queued, offered from the I/O thread routing it.
     *
     * @return whether it was set aside; if not, it is offered the frame as any other packet
     */
    boolean setAside(FifoClient target, Frame frame, Delivery delivery) {
        if (frame != routing || !server.engine.onIoThread() || target.closed || targets.contains(target)) {
            return false;
        }
        if (!target.queue.isEmpty() || target.inbox.bytes() > 0 || target.waitingForRoom()) {
            metQueue = target;
            return false;
        }
        targets.add(target);
        setAside.add(new SetAside(delivery.deadlineNanos(), delivery.sender()));
        return true;
    }

    private void deliver(FifoClient sender, Frame frame, int present, int size) throws IOException {
        if (!frame.isDeferred()) {
            // Something needed the payload and read it in: those set aside are queued copies.
            for (int i = 0; i < targets.size(); i++) {
                FifoClient target = targets.get(i);
                if (!server.engine.offer(target, frame, setAside.get(i))) {
                    target.dropped(DropReason.QUEUE_FULL, 1);
                }
            }
            if (!targets.isEmpty()) {
                copiedAfterAll++;
            }
            return;
        }
        if (targets.isEmpty()) {
            // Routed nowhere (no recipient, denied, dropped): its rest is taken out of the stream.
            frame.payload();
            return;
        }
        int rest = size - present;
        int[] headerSent = new int[targets.size()];
        boolean headersWhole = true;
        for (int i = 0; i < targets.size(); i++) {
            headerSent[i] = write(targets.get(i), 0, present);
            headersWhole &= headerSent[i] == present;
        }
        if (!headersWhole) {
            // An RX FIFO too full for a header: the payload cannot follow it there before the
            // rest of the header, so everybody gets the rest from a copy.
            frame.payload();
            for (int i = 0; i < targets.size(); i++) {
                finish(targets.get(i), headerSent[i], size);
            }
            copiedAfterAll++;
            return;
        }
        int last = targets.size() - 1;
        int[] payloadSent = new int[targets.size()];
        boolean teesWhole = true;
        for (int i = 0; i < last; i++) {
            payloadSent[i] = move(true, sender, targets.get(i), rest);
            teesWhole &= payloadSent[i] == rest;
        }
        if (teesWhole) {
            payloadSent[last] = move(false, sender, targets.get(last), rest);
            if (payloadSent[last] < rest) {
                readFully(sender.txFd, packet, present + payloadSent[last], rest - payloadSent[last]);
            }
        } else {
            // A tee always starts at the first byte in the TX FIFO: one that took only part cannot
            // be resumed, so the payload is read in and the rest of it queued where it is missing.
            readFully(sender.txFd, packet, present, rest);
        }
        boolean allSpliced = true;
        for (int i = 0; i <= last; i++) {
            allSpliced &= payloadSent[i] == rest;
            finish(targets.get(i), present + payloadSent[i], size);
        }
        if (allSpliced) {
            spliced++;
        } else {
            copiedAfterAll++;
        }
    }

    /**
     * The packet went out to {@code target} up to {@code sent}: counted as delivered if all of
     * it, else the rest is queued, to be written (and counted) as the engine writes any packet.
     */
    private void finish(FifoClient target, int sent, int size) {
        if (target.closed) {
            return;
        }
        if (sent == size) {
            target.delivered(1);
            return;
        }
        // No deadline: part of the packet went out, and the rest must follow whatever its TTL.
        if (!target.queue.offer(packet, sent, size - sent, OutboundQueue.NO_DEADLINE)) {
            // An empty queue takes any packet; this cannot happen, but a half packet must never stay.
            server.closeClient(target, "the rest of a packet begun in its RX FIFO could not be queued");
            return;
        }
        target.publishQueueSize();
        server.engine.markDirty(target);
        metQueue = target;
    }

    /** Writes bytes of {@link #packet} to the target's RX FIFO; what it takes, 0 if it failed (and was let go). */
    private int write(FifoClient target, int from, int count) {
        try {
            return posix.write(target.rxFd, ByteBuffer.wrap(packet, from, count));
        } catch (IOException e) {
            server.closeClient(target, "writing to it failed: " + e.getMessage());
            return 0;
        }
    }

    /** tee or splice of up to {@code count} bytes from the sender's TX FIFO to the target's RX FIFO; what moved. */
    private int move(boolean tee, FifoClient sender, FifoClient target, int count) {
        if (target.closed) {
            return 0;
        }
        try {
            int moved = tee ? posix.tee(sender.txFd, target.rxFd, count, Posix.SPLICE_F_NONBLOCK)
                    : posix.splice(sender.txFd, target.rxFd, count, Posix.SPLICE_F_NONBLOCK);
            return Math.max(0, moved);
        } catch (IOException e) {
            server.closeClient(target, "moving a payload to it failed: " + e.getMessage());
            return 0;
        }
    }

    private int read(int fd, byte[] into, int offset, int count) throws IOException {
        return posix.read(fd, ByteBuffer.wrap(into, offset, count));
    }

    /** Reads exactly {@code count} bytes, which the caller knows are in the FIFO. */
    private void readFully(int fd, byte[] into, int offset, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into, offset, count);
        while (buffer.hasRemaining()) {
            if (posix.read(fd, buffer) <= 0) {
                throw new IOException("fd " + fd + " held fewer bytes than it said: " + buffer.remaining() + " missing");
            }
        }
    }

    private void readFullyUnchecked(int fd, byte[] into, int offset, int count) {
        try {
            readFully(fd, into, offset, count);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header's length of the packet at the start of {@code bytes}, whose header is whole. */
    private static int headerLength(byte[] bytes) {
        int originLength = bytes[2] & 0xFF;
        return Protocol.FRAME_OVERHEAD - 1 + originLength + (bytes[3 + originLength] & 0xFF);
    }

    /** A TX FIFO that gives one read at most the bytes left of a packet. */
    private final class BoundedTx implements ReadableByteChannel {
        private int fd;
        private long bound;

        BoundedTx of(int txFd, long rest) {
            this.fd = txFd;
            this.bound = rest;
            return this;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int limit = dst.limit();
            if (dst.remaining() > bound) {
                dst.limit(dst.position() + (int) bound);
            }
            try {
                return posix.read(fd, dst);
            } finally {
                dst.limit(limit);
            }
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            // The server closes its descriptors itself.
        }
    }
}
