package org.octopipes.codec;

/** Receives what a {@link StreamDecoder} finds in a stream, in stream order. */
@FunctionalInterface
public interface FrameHandler {

    /**
     * A whole, valid packet. The frame is valid only during this call.
     *
     * @param frame the packet; valid only during the call
     */
    void onFrame(Frame frame);

    /**
     * The stream lost sync: the bytes at {@code streamOffset} are not a valid packet. The decoder
     * now skips to the next SOH that starts a valid packet; the bytes it skips are counted in
     * {@link StreamDecoder#discardedBytes()}. Called once per loss of sync, with the first
     * rule broken, not once per byte skipped. The default does nothing.
     *
     * @param error what was wrong
     * @param streamOffset where in the stream the bad bytes began
     */
    default void onError(PacketError error, long streamOffset) {
    }
}
