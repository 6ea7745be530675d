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

    public ClientInfo {
        groups = Set.copyOf(groups);
    }

    /** A client whose transport cannot tell who is on the other end. */
    public ClientInfo(Name name, Set<Name> groups, String transport, String address, int queuedPackets, long queuedBytes,
            TrafficCounters counters, Instant subscribedAt, Instant lastActivity) {
        this(name, groups, transport, address, queuedPackets, queuedBytes, counters, subscribedAt, lastActivity, Optional.empty());
    }
}
