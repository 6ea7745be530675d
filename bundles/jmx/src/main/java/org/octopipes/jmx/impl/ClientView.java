package org.octopipes.jmx.impl;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.octopipes.api.Broker;
import org.octopipes.api.ClientInfo;
import org.octopipes.codec.Name;

/** The {@link ClientMXBean} of one client name: each getter asks the broker for that client now. */
final class ClientView implements ClientMXBean {

    private final Broker broker;
    private final Name name;

    ClientView(Broker broker, Name name) {
        this.broker = broker;
        this.name = name;
    }

    @Override
    public String getName() {
        return name.toString();
    }

    @Override
    public String[] getGroups() {
        return info().groups().stream().sorted().map(Name::toString).toArray(String[]::new);
    }

    @Override
    public String getTransport() {
        return info().transport();
    }

    @Override
    public String getAddress() {
        return info().address();
    }

    @Override
    public String getPeer() {
        return info().credentials().map(Object::toString).orElse("");
    }

    @Override
    public int getQueuedPackets() {
        return info().queuedPackets();
    }

    @Override
    public long getQueuedBytes() {
        return info().queuedBytes();
    }

    @Override
    public long getReceived() {
        return info().counters().received();
    }

    @Override
    public long getRouted() {
        return info().counters().routed();
    }

    @Override
    public long getDelivered() {
        return info().counters().delivered();
    }

    @Override
    public long getDroppedTotal() {
        return info().counters().droppedTotal();
    }

    @Override
    public Map<String, Long> getDropped() {
        return CounterMaps.droppedByReason(info().counters());
    }

    @Override
    public Date getSubscribedAt() {
        return Date.from(info().subscribedAt());
    }

    @Override
    public Date getLastActivity() {
        return Date.from(info().lastActivity());
    }

    @Override
    public long getIdleSeconds() {
        return Math.max(0, Duration.between(info().lastActivity(), Instant.now()).toSeconds());
    }

    /** The MBean outlives its client by up to one refresh; until then, reading it says why it fails. */
    private ClientInfo info() {
        return broker.client(name).orElseThrow(() -> new IllegalStateException("client '" + name + "' is no longer subscribed"));
    }
}
