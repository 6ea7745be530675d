package org.octopipes.monitoring.support;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.Attribute;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The MQTT bridges' status, read from their MBeans ({@code org.octopipes:type=Bridge,name=<name>},
 * which the bridge bundle registers in the platform MBeanServer). Read there, not from a service:
 * the bridge's status type is private to the bridge bundle and the {@code Broker} API knows no
 * bridges, and the MBean is the bridge's published management interface. No bridge, or no bridge
 * bundle, is an empty list.
 */
public final class BridgeReadings {

    /** The pattern of every bridge's MBean. */
    static final ObjectName BRIDGES = objectName("org.octopipes:type=Bridge,name=*");

    private static final String[] ATTRIBUTES = {
        "Name", "Broker", "Connected", "QueuedPackets", "QueuedBytes", "Sent", "Received", "Dropped"};
    /** Read when there, 0 otherwise: a bridge bundle from before flow control has no such attributes. */
    private static final String[] FLOW_CONTROL_ATTRIBUTES = {"ImportersWaitedFor", "ImportersGivenUp"};
    private static final String[] EVERY_ATTRIBUTE = concat(ATTRIBUTES, FLOW_CONTROL_ATTRIBUTES);

    private final MBeanServer server;

    public BridgeReadings(MBeanServer server) {
        this.server = server;
    }

    /**
     * One bridge, at one moment.
     *
     * @param name the name of its configuration
     * @param broker the MQTT broker URI(s) it connects to
     * @param connected whether both its MQTT connections are up
     * @param queuedPackets packets waiting to be published
     * @param queuedBytes bytes waiting to be published
     * @param sent packets published to the broker
     * @param received packets received from the broker and routed here
     * @param dropped packets the bridge dropped
     * @param importersWaitedFor importing servers whose confirmations its exports wait for
     * @param importersGivenUp importing servers it stopped waiting for (they vanished or stopped
     *        confirming within the credit timeout), since it started
     */
    public record Bridge(String name, String broker, boolean connected, int queuedPackets, long queuedBytes, long sent,
            long received, long dropped, int importersWaitedFor, long importersGivenUp) {
    }

    /** Every bridge, sorted by name. A bridge that goes while it is read is left out. */
    public List<Bridge> read() {
        Set<ObjectName> names = server.queryNames(BRIDGES, null);
        List<Bridge> bridges = new ArrayList<>(names.size());
        for (ObjectName name : names) {
            try {
                Map<String, Object> value = new HashMap<>();
                // An attribute the MBean does not have is left out of the answer, not an error.
                for (Attribute attribute : server.getAttributes(name, EVERY_ATTRIBUTE).asList()) {
                    value.put(attribute.getName(), attribute.getValue());
                }
                if (value.keySet().containsAll(List.of(ATTRIBUTES))) {
                    bridges.add(new Bridge((String) value.get("Name"), (String) value.get("Broker"), (Boolean) value.get("Connected"),
                            number(value, "QueuedPackets").intValue(), number(value, "QueuedBytes").longValue(),
                            number(value, "Sent").longValue(), number(value, "Received").longValue(), number(value, "Dropped").longValue(),
                            number(value, "ImportersWaitedFor").intValue(), number(value, "ImportersGivenUp").longValue()));
                }
            } catch (InstanceNotFoundException gone) {
                // Its configuration was deleted between the query and the read.
            } catch (JMException e) {
                throw new IllegalStateException("cannot read the MQTT bridge MBean " + name + ": " + e, e);
            }
        }
        bridges.sort(Comparator.comparing(Bridge::name));
        return bridges;
    }

    private static Number number(Map<String, Object> values, String attribute) {
        return (Number) values.getOrDefault(attribute, 0);
    }

    private static String[] concat(String[] first, String[] second) {
        String[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
