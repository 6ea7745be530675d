package org.octopipes.api;

import java.time.Instant;
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
 */
public record TappedPacket(Instant time, Name origin, Name remote, int ttl, int options, int payloadLength,
        byte[] payloadPreview, int recipients) {

    /** Most payload bytes a tap shows. */
    public static final int PREVIEW_LENGTH = 64;

    public TappedPacket {
        payloadPreview = payloadPreview.clone();
    }

    @Override
    public byte[] payloadPreview() {
        return payloadPreview.clone();
    }
}
