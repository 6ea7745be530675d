package org.octopipes.jmx.impl;

import java.util.Date;
import java.util.Map;

/**
 * One subscribed client in JMX, {@code org.octopipes:type=Client,name=<name>}. Every attribute is
 * read from the broker when asked; once the client has left, reading fails until the MBean is
 * unregistered.
 */
@Description("An Octopipes client: its subscription, its outbound queue and its traffic")
public interface ClientMXBean {

    @Description("The client's name, also the group only it is subscribed to")
    String getName();

    @Description("The groups it subscribed to, its own name not included")
    String[] getGroups();

    @Description("The transport it came through, e.g. fifo")
    String getTransport();

    @Description("Where it is reached on that transport, e.g. its RX FIFO")
    String getAddress();

    @Description("Who is on the other end, as the kernel told it (user, group): empty where the transport cannot tell, as over FIFOs")
    String getPeer();

    @Description("Packets waiting in its outbound queue")
    int getQueuedPackets();

    @Description("Bytes waiting in its outbound queue")
    long getQueuedBytes();

    @Description("Packets read from it")
    long getReceived();

    @Description("Packets from it that the routing policy gave at least one recipient")
    long getRouted();

    @Description("Packets written to its RX FIFO")
    long getDelivered();

    @Description("Packets dropped for any reason: from it (NO_RECIPIENT, POLICY_DENIED, MALFORMED, UNHANDLED) or on their way to it (QUEUE_FULL, TTL_EXPIRED, CLIENT_GONE)")
    long getDroppedTotal();

    @Description("Packets dropped from it or on their way to it, by reason")
    Map<String, Long> getDropped();

    @Description("When it subscribed")
    Date getSubscribedAt();

    @Description("When it last sent a packet or was last delivered one")
    Date getLastActivity();

    @Description("Seconds since its last activity")
    long getIdleSeconds();
}
