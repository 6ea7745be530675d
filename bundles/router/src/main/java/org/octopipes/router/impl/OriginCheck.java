package org.octopipes.router.impl;

import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;

/**
 * Whether a packet's origin is the name its sender subscribed with, so that no client can pass
 * itself off as another. Compares the bytes in the frame: no allocation on the routing path.
 *
 * <p>One difference is let through, because the reference C client makes it in every packet whose
 * remote is shorter than its own name: {@code octopipes_send_ex} writes the remote's terminating
 * NUL into the origin, at the index that is the remote's length ('bobby' sending to 'GRP' says
 * 'bob\0y'). That packet has exactly the name's length, the name's bytes except a NUL at that one
 * index, and a remote shorter than the name. Anything else that differs is a forgery.
 */
final class OriginCheck {

    private OriginCheck() {
    }

    /** Whether {@code packet}'s origin may have come from the client subscribed as {@code sender}. */
    static boolean isFrom(Frame packet, Name sender) {
        if (packet.originIs(sender)) {
            return true;
        }
        int length = sender.length();
        int nul = packet.remoteLength();
        if (packet.originLength() != length || nul >= length || packet.originByteAt(nul) != 0) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (i != nul && packet.originByteAt(i) != sender.byteAt(i)) {
                return false;
            }
        }
        return true;
    }
}
