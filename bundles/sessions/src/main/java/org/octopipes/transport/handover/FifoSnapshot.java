package org.octopipes.transport.handover;

import java.nio.file.Path;
import java.util.List;
import org.octopipes.api.transport.Session;
import org.octopipes.codec.Name;

/**
 * The FIFO transport's state on its way to the next instance of its bundle: the CAP, every client
 * with its FIFOs still open, and what was read and not yet routed or queued and not yet written.
 * Its types live here, in the bundle that outlives both instances, so that the next instance
 * reads the very classes the previous one wrote; {@link #format()} says which shape it has, and an
 * instance that does not know a format lets the clients go instead of guessing.
 *
 * @param format {@link #FORMAT} when written by this version
 * @param settings the settings' text: the state is adopted only by an instance with the same settings
 * @param capFd the CAP, open read-write
 * @param capPending CAP bytes read and not yet handled
 * @param replyInCap the reply in the CAP now, or null
 * @param replies replies waiting for their turn, first first
 * @param clients every client
 */
public record FifoSnapshot(int format, String settings, int capFd, byte[] capPending, CapReply replyInCap, List<CapReply> replies,
        List<Client> clients) {

    /** The format this version writes and reads. */
    public static final int FORMAT = 2;

    /** A reply to a subscription: for whom, and its bytes. */
    public record CapReply(Name client, byte[] bytes) {
    }

    /**
     * One client.
     *
     * @param session its session, which stays open across the update, and holds its name
     * @param relay the outlet its session holds, which parked what was offered meanwhile
     * @param txPending TX bytes read and not yet routed
     * @param queued what was queued for it and not yet written
     * @param subscribedAt System.nanoTime() when it subscribed
     */
    public record Client(Session session, Relay relay, Path txPath, Path rxPath, int txFd,
            int rxFd, byte[] txPending, Queued queued, long subscribedAt) {
    }

    /**
     * A client's queue: the bytes not yet written (the head packet's rest first), each packet's
     * length (the head's whole length) and deadline, and how much of the head was written already.
     */
    public record Queued(byte[] bytes, int[] lengths, long[] deadlines, int headWritten) {
    }
}
