package org.octopipes.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;

/**
 * A packet to send, before the client puts its own name on it as origin: remote, payload, TTL and
 * whether to ask for an ACK. Immutable; each method returns a changed copy, so
 * {@code Message.to("bob").payload(bytes).ttl(30).requestAck()} reads as it sends.
 */
public final class Message {

    private final Name remote;
    private final ByteBuffer payload;
    private final int ttl;
    private final boolean ackRequested;

    private Message(Name remote, ByteBuffer payload, int ttl, boolean ackRequested) {
        this.remote = remote;
        this.payload = payload;
        this.ttl = ttl;
        this.ackRequested = ackRequested;
    }

    /** An empty message to {@code remote}, a client or a group, with the reference TTL and no ACK request. */
    public static Message to(Name remote) {
        return new Message(Objects.requireNonNull(remote, "remote"), ByteBuffer.allocate(0), Protocol.DEFAULT_MESSAGE_TTL, false);
    }

    /** An empty message to the UTF-8 bytes of {@code remote}. */
    public static Message to(String remote) {
        return to(Name.of(remote));
    }

    /** This message with a copy of {@code payload}, so the caller may reuse its array. */
    public Message payload(byte[] payload) {
        return new Message(remote, ByteBuffer.wrap(payload.clone()).asReadOnlyBuffer(), ttl, ackRequested);
    }

    /** This message with the UTF-8 bytes of {@code text} as payload. */
    public Message payload(String text) {
        return new Message(remote, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer(), ttl, ackRequested);
    }

    /**
     * This message with a TTL of {@code seconds}: how long the server may try to deliver it,
     * {@link Protocol#TTL_NO_DEADLINE} for no limit.
     */
    public Message ttl(int seconds) {
        if (seconds < 0 || seconds > Protocol.MAX_TTL) {
            throw new IllegalArgumentException("a TTL is 0 to " + Protocol.MAX_TTL + " seconds, not " + seconds);
        }
        return new Message(remote, payload, seconds, ackRequested);
    }

    /** This message with RCK set: each recipient answers with an ACK. */
    public Message requestAck() {
        return new Message(remote, payload, ttl, true);
    }

    public Name remote() {
        return remote;
    }

    /** A read-only view of the payload. */
    public ByteBuffer payload() {
        return payload.duplicate();
    }

    public int ttl() {
        return ttl;
    }

    public boolean ackRequested() {
        return ackRequested;
    }

    /** The option bits this message goes out with. */
    public int options() {
        return ackRequested ? Protocol.OPTION_RCK : 0;
    }

    /** The packet as it goes on the wire from {@code origin}. */
    public Packet toPacket(Name origin) {
        return Packet.wrap(origin, remote, ttl, options(), payload());
    }

    /** Whether a received packet is an ACK: its origin acknowledges a packet this client sent with RCK. */
    public static boolean isAck(Packet packet) {
        return packet.hasOption(Protocol.OPTION_ACK);
    }

    /** Whether a received packet asks for an ACK. */
    public static boolean isAckRequested(Packet packet) {
        return packet.hasOption(Protocol.OPTION_RCK);
    }

    @Override
    public String toString() {
        return "Message[to " + remote + ", ttl " + ttl + (ackRequested ? ", RCK" : "") + ", " + payload.remaining() + " payload bytes]";
    }
}
