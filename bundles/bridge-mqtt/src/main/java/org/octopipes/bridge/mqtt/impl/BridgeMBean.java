package org.octopipes.bridge.mqtt.impl;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Registers a bridge's status in the platform MBeanServer (the one JConsole attaches to and Karaf
 * serves) as {@code org.octopipes:type=Bridge,name=<name>}, beside the jmx bundle's MBeans.
 */
final class BridgeMBean implements BridgeMXBean {

    private final BridgeStatus status;
    private final ObjectName objectName;

    private BridgeMBean(BridgeStatus status) throws JMException {
        this.status = status;
        // Plain names stay unquoted, as the jmx bundle's client names do, so that JConsole's tree shows them as they are.
        String name = status.name().matches("[A-Za-z0-9._-]+") ? status.name() : ObjectName.quote(status.name());
        this.objectName = new ObjectName("org.octopipes:type=Bridge,name=" + name);
    }

    /** Registers the bridge's MBean; the returned handle unregisters it. */
    static AutoCloseable register(BridgeStatus status) throws JMException {
        BridgeMBean mbean = new BridgeMBean(status);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        server.registerMBean(new StandardMBean(mbean, BridgeMXBean.class, true), mbean.objectName);
        return () -> {
            if (server.isRegistered(mbean.objectName)) {
                server.unregisterMBean(mbean.objectName);
            }
        };
    }

    @Override
    public String getName() {
        return status.name();
    }

    @Override
    public String getBroker() {
        return status.broker();
    }

    @Override
    public String getClientId() {
        return status.clientId();
    }

    @Override
    public boolean isConnected() {
        return status.connected();
    }

    @Override
    public int getQueuedPackets() {
        return status.queuedPackets();
    }

    @Override
    public long getQueuedBytes() {
        return status.queuedBytes();
    }

    @Override
    public long getSent() {
        return status.sent();
    }

    @Override
    public long getReceived() {
        return status.received();
    }

    @Override
    public long getDropped() {
        return status.dropped();
    }

    @Override
    public int getRemoteNames() {
        return status.remoteNames();
    }

    @Override
    public int getImportersWaitedFor() {
        return status.importersWaitedFor();
    }

    @Override
    public long getImportersGivenUp() {
        return status.importersGivenUp();
    }
}
