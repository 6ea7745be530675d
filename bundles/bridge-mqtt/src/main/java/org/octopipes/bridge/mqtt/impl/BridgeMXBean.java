package org.octopipes.bridge.mqtt.impl;

/** One bridge in JMX, {@code org.octopipes:type=Bridge,name=<name>}; every attribute is read when asked. */
public interface BridgeMXBean {

    String getName();

    String getBroker();

    String getClientId();

    boolean isConnected();

    int getQueuedPackets();

    long getQueuedBytes();

    long getSent();

    long getReceived();

    long getDropped();

    int getRemoteNames();

    int getImportersWaitedFor();

    long getImportersGivenUp();
}
