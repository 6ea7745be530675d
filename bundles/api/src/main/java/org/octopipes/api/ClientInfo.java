package org.octopipes.api;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.octopipes.codec.Name;

/**
 * What the server knows about one subscribed client, at one moment.
 *
 * @param name the client's name, also the group only it is implicitly subscribed to
 * @param groups the groups it subscribed to, its own name not included
 * @param transport the transport it came through, e.g. {@code fifo}
 * @param address where it is reached on that transport, e.g. its RX FIFO
 * @param queuedPackets packets waiting in its outbound queue
 * @param queuedBytes bytes waiting in its outbound queue
 * @param counters its traffic: received from it, delivered to it, dropped on the way to it
 * @param subscribedAt when it subscribed
 * @param lastActivity when it last sent or was last delivered a packet
 * @param credentials who is on the other end, where its transport knows (the Unix socket does)
 */
public record ClientInfo(Name name, Set<Name> groups, String transport, String address, int queuedPackets,
        long queuedBytes, TrafficCounters counters, Instant subscribedAt, Instant lastActivity, Optional<Credentials> credentials) {

    /**
     * Keeps a copy of {@code groups}, so that a snapshot never changes.
     *
     * @param name as {@link #name()} returns it
     * @param groups as {@link #groups()} returns it
     * @param transport as {@link #transport()} returns it
     * @param address as {@link #address()} returns it
     * @param queuedPackets as {@link #queuedPackets()} returns it
     * @param queuedBytes as {@link #queuedBytes()} returns it
     * @param counters as {@link #counters()} returns it
     * @param subscribedAt as {@link #subscribedAt()} returns it
     * @param lastActivity as {@link #lastActivity()} returns it
     * @param credentials as {@link #credentials()} returns it
     */
    public ClientInfo {
        groups = Set.copyOf(groups);
    }

    /**
     * A client whose transport cannot tell who is on the other end: the 1.2 constructor.
     *
     * @param name as {@link #name()} returns it
     * @param groups as {@link #groups()} returns it
     * @param transport as {@link #transport()} returns it
     * @param address as {@link #address()} returns it
     * @param queuedPackets as {@link #queuedPackets()} returns it
     * @param queuedBytes as {@link #queuedBytes()} returns it
     * @param counters as {@link #counters()} returns it
     * @param subscribedAt as {@link #subscribedAt()} returns it
     * @param lastActivity as {@link #lastActivity()} returns it
     */
    public ClientInfo(Name name, Set<Name> groups, String transport, String address, int queuedPackets, long queuedBytes,
            TrafficCounters counters, Instant subscribedAt, Instant lastActivity) {
        this(name, groups, transport, address, queuedPackets, queuedBytes, counters, subscribedAt, lastActivity, Optional.empty());
    }
}
