package org.octopipes.jmx.impl;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.octopipes.api.Broker;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.PolicyInfo;
import org.octopipes.api.UnknownClientException;
import org.octopipes.codec.Name;

/** The {@link ServerMXBean} over the broker: each getter asks the broker, nothing is cached. */
final class ServerView implements ServerMXBean {

    private final Broker broker;
    /** Run after a kick, so that the client's MBean goes at once instead of at the next refresh. */
    private final Runnable clientsChanged;

    ServerView(Broker broker, Runnable clientsChanged) {
        this.broker = broker;
        this.clientsChanged = clientsChanged;
    }

    @Override
    public long getReceived() {
        return broker.counters().received();
    }

    @Override
    public long getRouted() {
        return broker.counters().routed();
    }

    @Override
    public long getDelivered() {
        return broker.counters().delivered();
    }

    @Override
    public long getDroppedTotal() {
        return broker.counters().droppedTotal();
    }

    @Override
    public Map<String, Long> getDropped() {
        return CounterMaps.droppedByReason(broker.counters());
    }

    @Override
    public int getClientCount() {
        return broker.clients().size();
    }

    @Override
    public String[] getClientNames() {
        List<ClientInfo> clients = broker.clients();
        String[] names = new String[clients.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = clients.get(i).name().toString();
        }
        return names;
    }

    @Override
    public int getGroupCount() {
        return broker.groups().size();
    }

    @Override
    public Map<String, String[]> getGroups() {
        Map<String, String[]> groups = new TreeMap<>();
        for (Map.Entry<Name, Set<Name>> group : broker.groups().entrySet()) {
            groups.put(group.getKey().toString(), group.getValue().stream().map(Name::toString).toArray(String[]::new));
        }
        return groups;
    }

    @Override
    public String getActivePolicy() {
        for (PolicyInfo policy : broker.policies()) {
            if (policy.active()) {
                return policy.name();
            }
        }
        return "";
    }

    @Override
    public PolicyView[] getPolicies() {
        return broker.policies().stream().map(PolicyView::new).toArray(PolicyView[]::new);
    }

    @Override
    public PolicyView[] getAccessChecks() {
        return broker.accessChecks().stream().map(PolicyView::new).toArray(PolicyView[]::new);
    }

    @Override
    public boolean kick(String client) {
        boolean kicked = broker.kick(name(client));
        if (kicked) {
            clientsChanged.run();
        }
        return kicked;
    }

    @Override
    public void subscribe(String client, String group) {
        try {
            broker.subscribe(name(client), List.of(name(group)));
        } catch (UnknownClientException unknown) {
            throw readableByAnyJmxClient(unknown);
        }
    }

    @Override
    public void unsubscribe(String client, String group) {
        try {
            broker.unsubscribe(name(client), List.of(name(group)));
        } catch (UnknownClientException unknown) {
            throw readableByAnyJmxClient(unknown);
        }
    }

    private static Name name(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a name is required");
        }
        return Name.parse(text);
    }

    /**
     * A remote JMX client such as JConsole does not have our api classes: an exception of ours
     * would reach it as an unmarshalling error instead of its message. A JDK exception arrives whole.
     */
    private static IllegalArgumentException readableByAnyJmxClient(UnknownClientException unknown) {
        return new IllegalArgumentException(unknown.getMessage());
    }
}
