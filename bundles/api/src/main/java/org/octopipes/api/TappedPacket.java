package org.octopipes.api;

import java.time.Instant;
import java.util.Optional;
import org.octopipes.codec.Name;

/**
 * A packet as a {@link Broker#tap tap} sees it on its way through the router: its header, its
 * size and the first bytes of its payload.
 *
 * @param time when the router routed it
 * @param origin the origin it carries
 * @param remote the remote it is sent to
 * @param ttl its TTL in seconds
 * @param options its option bits
 * @param payloadLength the payload's whole length
 * @param payloadPreview up to the first {@link #PREVIEW_LENGTH} bytes of the payload
 * @param recipients how many recipients the policy chose (0 when it was dropped)
 * @param peer who sent it, where its sender's transport knows (the Unix socket does)
 */
public record TappedPacket(Instant time, Name origin, Name remote, int ttl, int options, int payloadLength,
        byte[] payloadPreview, int recipients, Optional<Credentials> peer) {

    /** Most payload bytes a tap shows. */
    public static final int PREVIEW_LENGTH = 64;

    /**
     * Keeps a copy of the preview, so that a snapshot never changes.
     *
     * @param time as {@link #time()} returns it
     * @param origin as {@link #origin()} returns it
     * @param remote as {@link #remote()} returns it
     * @param ttl as {@link #ttl()} returns it
     * @param options as {@link #options()} returns it
     * @param payloadLength as {@link #payloadLength()} returns it
     * @param payloadPreview as {@link #payloadPreview()} returns it
     * @param recipients as {@link #recipients()} returns it
     * @param peer as {@link #peer()} returns it
     */
    public TappedPacket {
        payloadPreview = payloadPreview.clone();
    }

    /**
     * A packet whose sender's peer is not known: the 1.2 constructor.
     *
     * @param time as {@link #time()} returns it
     * @param origin as {@link #origin()} returns it
     * @param remote as {@link #remote()} returns it
     * @param ttl as {@link #ttl()} returns it
     * @param options as {@link #options()} returns it
     * @param payloadLength as {@link #payloadLength()} returns it
     * @param payloadPreview as {@link #payloadPreview()} returns it
     * @param recipients as {@link #recipients()} returns it
     */
    public TappedPacket(Instant time, Name origin, Name remote, int ttl, int options, int payloadLength, byte[] payloadPreview, int recipients) {
        this(time, origin, remote, ttl, options, payloadLength, payloadPreview, recipients, Optional.empty());
    }

    /**
     * The first bytes of the payload.
     *
     * @return a copy of up to {@link #PREVIEW_LENGTH} bytes
     */
    @Override
    public byte[] payloadPreview() {
        return payloadPreview.clone();
    }
}
