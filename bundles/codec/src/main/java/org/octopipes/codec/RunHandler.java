package org.octopipes.codec;

/**
 * A {@link FrameHandler} that takes consecutive packets with the same header as one
 * {@link FrameRun}, so that it can route them with one decision. A {@link StreamDecoder} offers
 * it a run of two or more such packets of one read through {@link #onRun}, and hands every other
 * packet, and those of a run it declines, through {@link #onFrame}, in stream order.
 * {@link StreamDecoder#stop()} called from {@code onRun} stops after the whole run.
 */
public interface RunHandler extends FrameHandler {

    /**
     * Two or more whole, valid packets, consecutive in the stream, with the same version, origin,
     * remote, TTL and options.
     *
     * @param run the packets; valid only during the call
     * @return whether it took them all; if not, it took none, and the decoder hands them out one
     *         by one through {@link #onFrame}
     */
    boolean onRun(FrameRun run);
}
