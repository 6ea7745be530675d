package org.octopipes.api.transport;

import java.util.Collection;
import java.util.Set;
import org.octopipes.api.DropReason;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One client's session, held by its transport: its name, its groups and its counters, which
 * outlive router and transport updates. The transport calls {@link #route} for every packet the
 * client writes, from one thread at a time per client, and reports what became of the packets
 * queued to the client's {@link Outlet}.
 */
@ProviderType
public interface Session {

    /** @return the client's name */
    Name name();

    /** @return the groups the client is subscribed to now: those of its SUBSCRIPTION, as changed since */
    Set<Name> groups();

    /**
     * Routes a packet the client wrote to its recipients, through the router bound now. The frame
     * is valid only during the call.
     *
     * @param packet the packet
     * @param sender the client as its transport can hold it up, passed on to the recipients' outlets
     * @param readNanos when the transport read the packet, by {@link System#nanoTime()}: the start
     *        of its TTL. A transport that reads many packets at once reads the clock once for all
     *        of them, where a clock read per packet would be a large part of the server's work.
     */
    void route(Frame packet, Sender sender, long readNanos);

    /**
     * Routes consecutive packets the client wrote with one header (origin, remote, TTL, options)
     * with one routing decision and one copy to each recipient, where the router can: what a
     * transport's decoder offers its {@link org.octopipes.codec.RunHandler}. Where it cannot (no
     * router now, a policy that decides packet by packet, a recipient that cannot take them all
     * at once), it takes none, and the transport routes them one by one, so that a recipient that
     * falls behind holds the sender up after the packet that made it fall behind, as ever.
     * The run is valid only during the call.
     *
     * @param run the packets, in the order the client wrote them
     * @param sender the client as its transport can hold it up
     * @param readNanos when the transport read them, by {@link System#nanoTime()}
     * @return whether they were routed (or dropped and counted); if not, none of them was
     */
    default boolean route(FrameRun run, Sender sender, long readNanos) {
        return false;
    }

    /**
     * Routes a packet this client passes on for a client elsewhere, e.g. a bridge to other servers
     * relaying what their clients sent. Unlike {@link #route}, the packet's origin is that other
     * client's name and is not checked against this client's, and its recipients are told it was
     * {@linkplain Delivery#imported() imported}; routing policies see this client as the sender,
     * so a group packet is not handed back to it (under the {@code spec} rules) and access rules
     * can tell relayed traffic by this client's name. Called from one thread at a time, together
     * with {@link #route}. The frame is valid only during the call.
     *
     * @param packet the packet
     * @param sender what a recipient that falls behind holds up: the bridge's import
     */
    void relay(Frame packet, Sender sender);

    /**
     * The client wrote bytes that are not a valid packet; counted once per loss of sync.
     *
     * @param error the first rule they broke
     */
    void malformed(PacketError error);

    /**
     * {@code packets} queued to this client reached it (were written to its RX FIFO, say). Called
     * from one thread at a time per client: counted in plain fields.
     *
     * @param packets how many
     */
    void delivered(int packets);

    /**
     * Packets queued to this client were dropped.
     *
     * @param reason why
     * @param packets how many
     */
    void dropped(DropReason reason, int packets);

    /**
     * The client subscribes to more groups, as management would: a bridge that learns a name, say.
     *
     * @param groups the groups to add
     */
    void subscribe(Collection<Name> groups);

    /**
     * The client leaves groups.
     *
     * @param groups the groups to leave
     */
    void unsubscribe(Collection<Name> groups);

    /** The client unsubscribed or went away: its name is free again. Calling it again does nothing. */
    void close();
}
