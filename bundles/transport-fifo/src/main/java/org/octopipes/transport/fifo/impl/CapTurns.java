package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.octopipes.api.DropReason;
import org.octopipes.codec.AssignmentError;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.MalformedCapMessageException;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.Protocol;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.transport.handover.FifoSnapshot;
import org.osgi.service.log.Logger;

/**
 * The Common Access Pipe's turn-taking. The CAP carries requests and replies in turns: while a
 * reply is in it the server does not read it (it would read its own reply) but watches how many
 * bytes it holds; when the reply is collected the next one goes out. Bytes another client writes
 * behind a waiting reply are taken out, handled, and the reply is put back. A reply nobody collects
 * within the reference server's TTL is taken back and its client let go; a part of a request whose
 * rest does not come is given up. Works on a {@link Pipe}, so that it can be tested without FIFOs.
 * I/O thread only.
 */
final class CapTurns {

    /** The CAP as the turns need it: non-blocking reads and writes, and whether to watch it for requests. */
    interface Pipe {
        int read(ByteBuffer into) throws IOException;

        int write(ByteBuffer from) throws IOException;

        /** Bytes in the pipe now. */
        int available() throws IOException;

        /** Watches the pipe for requests, or stops watching it. */
        void watch(boolean readable);
    }

    /** What the requests on the CAP ask of the server. */
    interface Requests {
        /** A SUBSCRIPTION: the server answers with {@link CapTurns#reply}. */
        void subscribe(Name client, List<Name> groups);

        void unsubscribe(Name client);

        boolean isSubscribed(Name client);

        /** Nobody collected the reply to {@code client} in time: it is let go. */
        void replyNotCollected(Name client);

        /** Counts and logs a drop that belongs to no client. */
        void dropped(DropReason reason, int packets, String detail);
    }

    /** How often a waiting reply is checked: well under the 100 ms the reference client sleeps. */
    static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How long the rest of a packet on the CAP may take: clients write their requests at once. */
    static final long PART_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** How long a reply may wait in the CAP: the TTL the reference server gives it. */
    static final long REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(Protocol.DEFAULT_CAP_REPLY_TTL);

    private final Pipe pipe;
    private final Requests requests;
    private final Logger logger;
    private final String capName;
    private final StreamDecoder decoder;
    private final ArrayDeque<Reply> replies = new ArrayDeque<>();
    private final FrameHandler handler = new FrameHandler() {
        @Override
        public void onFrame(Frame frame) {
            handle(frame);
        }

        @Override
        public void onError(PacketError error, long streamOffset) {
            requests.dropped(DropReason.MALFORMED, 1, "bytes on the CAP that are not a packet: " + error);
        }
    };
    private final ReadableByteChannel channel;
    /** Whether requests are taken: not while no router can admit anybody; they wait in the CAP meanwhile. */
    private boolean accepting;
    private Reply replyInCap;
    private long lastCheck;
    /** When the decoder last took bytes while a part of a packet stayed pending; 0 if none is. */
    private long partSince;
    /** Bytes the previous instance had read and not yet handled; handled before the next read. */
    private byte[] handedOver;

    /** A reply waiting for its turn in the CAP, or in it. */
    private static final class Reply {
        final Name client;
        final byte[] bytes;
        long writtenAt;

        Reply(Name client, byte[] bytes) {
            this.client = client;
            this.bytes = bytes;
        }
    }

    /** @param capName the CAP's path, for the log */
    CapTurns(Pipe pipe, Requests requests, int maxPayload, Logger logger, String capName) {
        this.pipe = pipe;
        this.requests = requests;
        this.logger = logger;
        this.capName = capName;
        this.decoder = new StreamDecoder(maxPayload);
        this.channel = new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return pipe.read(dst);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
                // The pipe is closed by its owner.
            }
        };
    }

    /** Takes requests from now on, or leaves them in the CAP (no router). */
    void accepting(boolean accepting) {
        this.accepting = accepting;
        watch();
    }

    /** Whether a reply of ours is in the CAP, waiting to be collected. */
    boolean replyWaiting() {
        return replyInCap != null;
    }

    /** How long the I/O thread may wait for readiness before {@link #check} has work: -1 for as long as it likes. */
    int timeoutMillis() {
        if (replyInCap != null) {
            return 2;
        }
        return partSince != 0 ? 50 : -1;
    }

    /** The CAP is readable: handles the requests in it, until a reply of ours is in it. */
    void readable() {
        try {
            if (accepting) {
                handleHandedOver();
            }
            while (replyInCap == null && accepting && decoder.readFrom(channel, handler) > 0) {
                partSince = decoder.pendingBytes() > 0 ? System.nanoTime() : 0;
            }
        } catch (IOException e) {
            logger.error("Reading the CAP {} failed", capName, e);
        }
        sendNextReply();
    }

    /** What the previous instance had read and not handled comes before anything read since. */
    private void handleHandedOver() {
        if (handedOver != null) {
            byte[] previous = handedOver;
            handedOver = null;
            decoder.feed(previous, 0, previous.length, handler);
        }
    }

    /** Queues an answer to {@code client}; it goes into the CAP when its turn comes. */
    void reply(Name client, CapMessage.Assignment assignment) {
        replies.add(new Reply(client, assignment.toPacket(client).toBytes()));
        sendNextReply();
    }

    /** Watches the reply in the CAP and the part of a request that waits for its rest. */
    void check(long now) {
        checkReply(now);
        dropStalePart(now);
    }

    // ---- Handing over

    /** What this instance read and did not handle yet, the reply in the CAP and those waiting, for the next instance. */
    byte[] pendingBytes() {
        return FifoHandover.concat(handedOver, decoder.pendingCopy());
    }

    FifoSnapshot.CapReply replyInCap() {
        return replyInCap == null ? null : new FifoSnapshot.CapReply(replyInCap.client, replyInCap.bytes);
    }

    List<FifoSnapshot.CapReply> waitingReplies() {
        List<FifoSnapshot.CapReply> waiting = new ArrayList<>();
        for (Reply reply : replies) {
            waiting.add(new FifoSnapshot.CapReply(reply.client, reply.bytes));
        }
        return waiting;
    }

    /** Takes over what the previous instance handed over; before the first read. */
    void adopt(byte[] pending, FifoSnapshot.CapReply inCap, List<FifoSnapshot.CapReply> waiting) {
        handedOver = pending.length > 0 ? pending : null;
        for (FifoSnapshot.CapReply reply : waiting) {
            replies.add(new Reply(reply.client(), reply.bytes()));
        }
        if (inCap != null) {
            replyInCap = new Reply(inCap.client(), inCap.bytes());
            replyInCap.writtenAt = System.nanoTime();
            lastCheck = replyInCap.writtenAt;
        }
    }

    // ---- Requests

    private void handle(Frame frame) {
        Name client = frame.origin();
        if (client.isServer()) {
            takeBackReply(frame);
            return;
        }
        CapMessage message;
        try {
            message = CapMessage.parse(frame.payload());
        } catch (MalformedCapMessageException e) {
            requests.dropped(DropReason.MALFORMED, 1, "a CAP message from '" + client + "': " + e.getMessage());
            if (frame.payloadLength() > 0 && (frame.payload().get(0) & 0xFF) == CapMessage.OBJECT_SUBSCRIPTION) {
                // Answer a broken subscription, so that its client fails now instead of after its timeout.
                reply(client, CapMessage.Assignment.failure(AssignmentError.FS));
            }
            return;
        }
        if (message instanceof CapMessage.Subscription subscription) {
            requests.subscribe(client, subscription.groups());
        } else if (message instanceof CapMessage.Unsubscription) {
            requests.unsubscribe(client);
        } else {
            requests.dropped(DropReason.UNHANDLED, 1, "an ASSIGNMENT sent to the server by '" + client + "'");
        }
    }

    /**
     * A reply of ours came back through the CAP: a client read a reply meant for another and put
     * it back, as this project's clients do. It goes out again, first, if its client is still here.
     */
    private void takeBackReply(Frame frame) {
        Name client = frame.remote();
        if (requests.isSubscribed(client) && frame.payloadLength() > 0
                && (frame.payload().get(0) & 0xFF) == CapMessage.OBJECT_ASSIGNMENT) {
            byte[] bytes = new byte[frame.size()];
            frame.copyTo(ByteBuffer.wrap(bytes));
            replies.addFirst(new Reply(client, bytes));
            logger.debug("The reply to '{}' came back through the CAP; sending it again", client);
        } else {
            requests.dropped(DropReason.UNHANDLED, 1, "a packet on the CAP with the server's empty name as origin, for '" + client + "'");
        }
    }

    /**
     * Gives up on a part of a packet that has waited in the decoder too long. A large SUBSCRIPTION
     * may come in parts, but promptly; a part whose rest does not come would otherwise take the
     * next clients' requests as its payload, and nobody could subscribe any more.
     */
    private void dropStalePart(long now) {
        if (partSince != 0 && accepting && now - partSince > PART_TIMEOUT_NANOS) {
            partSince = 0;
            // Requests that came after the part, inside its announced length, are still served.
            decoder.abandonPartial(handler);
            partSince = decoder.pendingBytes() > 0 ? now : 0;
            sendNextReply();
        }
    }

    // ---- Replies

    private void watch() {
        pipe.watch(accepting && replyInCap == null);
    }

    private void sendNextReply() {
        while (replyInCap == null && !replies.isEmpty()) {
            Reply reply = replies.poll();
            try {
                // A reply is far below PIPE_BUF, so the write is atomic: all of it or nothing.
                if (pipe.write(ByteBuffer.wrap(reply.bytes)) != reply.bytes.length) {
                    requests.dropped(DropReason.QUEUE_FULL, 1, "the CAP is full; no room for the reply to '" + reply.client + "'");
                    continue;
                }
                replyInCap = reply;
                watch();
                reply.writtenAt = System.nanoTime();
                lastCheck = reply.writtenAt;
            } catch (IOException e) {
                logger.error("Could not write the reply to '{}' into the CAP", reply.client, e);
            }
        }
    }

    /** Is the reply in the CAP collected, did someone write behind it, did it wait too long? */
    private void checkReply(long now) {
        Reply reply = replyInCap;
        if (reply == null || now - lastCheck < CHECK_NANOS) {
            return;
        }
        lastCheck = now;
        try {
            int available = pipe.available();
            boolean expired = now - reply.writtenAt > REPLY_TIMEOUT_NANOS;
            if (available == 0) {
                replyCollected();
            } else if (accepting && (available != reply.bytes.length || expired)) {
                // Without a router, requests written behind the reply wait there until one comes.
                takeBack(reply, available, expired);
            }
        } catch (IOException e) {
            logger.error("Could not check the CAP {}", capName, e);
            replyCollected();
        }
    }

    /** Reads everything in the CAP, handles what clients wrote, and puts the reply back unless it expired. */
    private void takeBack(Reply reply, int available, boolean expired) throws IOException {
        ByteBuffer contents = ByteBuffer.allocate(available);
        pipe.read(contents);
        contents.flip();
        handleHandedOver();
        boolean[] found = new boolean[1];
        ByteBuffer replyBytes = ByteBuffer.wrap(reply.bytes);
        decoder.feed(contents, new FrameHandler() {
            @Override
            public void onFrame(Frame frame) {
                if (!found[0] && frame.bytes().equals(replyBytes)) {
                    found[0] = true;
                } else {
                    handle(frame);
                }
            }

            @Override
            public void onError(PacketError error, long streamOffset) {
                handler.onError(error, streamOffset);
            }
        });
        if (found[0] && !expired) {
            pipe.write(ByteBuffer.wrap(reply.bytes));
            return;
        }
        if (found[0]) {
            logger.warn("Nobody collected the CAP reply to '{}' within {} s; unsubscribing it", reply.client, Protocol.DEFAULT_CAP_REPLY_TTL);
            requests.dropped(DropReason.TTL_EXPIRED, 1, "the CAP reply to '" + reply.client + "' was not collected");
            requests.replyNotCollected(reply.client);
        }
        replyCollected();
    }

    private void replyCollected() {
        replyInCap = null;
        watch();
        sendNextReply();
    }
}
