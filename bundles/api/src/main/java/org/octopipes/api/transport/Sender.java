package org.octopipes.api.transport;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The client a packet was read from, as a handle through which the packet's recipient can slow it
 * down: a recipient that falls behind {@linkplain #hold() holds} the senders that feed it, and
 * {@linkplain #release() releases} them once it has caught up, as a pipe makes its writer wait.
 * Implemented by transports (and bridges), which stop reading what a held sender writes, so that
 * its writes wait in the kernel; it is what makes backpressure work whichever transport serves
 * the recipient.
 *
 * <p>Both methods may be called from any thread and must not block; each {@link #hold()} is
 * matched by one {@link #release()} from the same recipient.
 */
@ConsumerType
public interface Sender {

    /** Packets that come from no client that could be slowed down: management's, for one. */
    Sender NONE = new Sender() {
        @Override
        public void hold() {
            // Nothing to slow down.
        }

        @Override
        public void release() {
            // Nothing was held.
        }

        @Override
        public String toString() {
            return "no sender";
        }
    };

    /**
     * A recipient holds this sender up: read nothing more from it until every holder released it.
     * Called on the thread that routes the sender's packet, the sender stops before its next
     * packet; called elsewhere, as soon as its transport gets to it.
     */
    void hold();

    /** A recipient that held this sender up has caught up (or gave up waiting for): it may go on. */
    void release();
}
