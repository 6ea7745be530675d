package org.octopipes.jmx.impl;

import java.util.Map;

/**
 * The running server in JMX, {@code org.octopipes:type=Server}: the totals, the clients and groups,
 * the routing policies, and the operations of the shell that change live subscriptions. Every
 * attribute is read from the broker when asked.
 */
@Description("The Octopipes server: traffic totals, clients, groups, routing policies; kick and change subscriptions")
public interface ServerMXBean {

    @Description("Packets read from every client")
    long getReceived();

    @Description("Packets that the routing policy gave at least one recipient")
    long getRouted();

    @Description("Packets written to recipients' RX FIFOs, one per recipient")
    long getDelivered();

    @Description("Packets dropped for any reason")
    long getDroppedTotal();

    @Description("Packets dropped, by reason (NO_RECIPIENT, QUEUE_FULL, TTL_EXPIRED, MALFORMED, CLIENT_GONE, POLICY_DENIED, UNHANDLED)")
    Map<String, Long> getDropped();

    @Description("Clients subscribed now")
    int getClientCount();

    @Description("Names of the clients subscribed now, sorted; each has an org.octopipes:type=Client MBean")
    String[] getClientNames();

    @Description("Groups with at least one member")
    int getGroupCount();

    @Description("Each group with at least one member, and its members")
    Map<String, String[]> getGroups();

    @Description("Name of the routing policy the router routes through now, empty if none")
    String getActivePolicy();

    @Description("Routing policies installed, highest ranking first")
    PolicyView[] getPolicies();

    @Description("Access checks in force, asked in this order before any routing policy (the ACL plugin, say); every one is active")
    PolicyView[] getAccessChecks();

    @Description("Unsubscribes a client as if it had sent UNSUBSCRIPTION: its FIFOs are deleted, what was queued for it is dropped; it may subscribe again. Returns whether it was subscribed")
    boolean kick(@Description(name = "client", value = "The client's name as the MBeans show it") String client);

    @Description("Adds a group to a live client's subscription")
    void subscribe(@Description(name = "client", value = "The client's name as the MBeans show it") String client,
            @Description(name = "group", value = "The group to add") String group);

    @Description("Removes a group from a live client's subscription; its own name cannot be removed")
    void unsubscribe(@Description(name = "client", value = "The client's name as the MBeans show it") String client,
            @Description(name = "group", value = "The group to remove") String group);
}
