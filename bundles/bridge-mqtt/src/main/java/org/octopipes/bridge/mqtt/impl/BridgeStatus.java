package org.octopipes.bridge.mqtt.impl;

/**
 * What one bridge reports about itself, for the shell command and JMX. Registered as a service by
 * each bridge component, inside this bundle only: the shell bundle knows nothing of bridges.
 */
public interface BridgeStatus {

    /** The bridge's name, the one of its configuration. */
    String name();

    /** The broker URI(s), as configured. */
    String broker();

    /** The bridge id in topics: the configured or derived client id. */
    String clientId();

    /** Whether both its MQTT connections are up. */
    boolean connected();

    /** Packets waiting to be published. */
    int queuedPackets();

    /** Bytes waiting to be published. */
    long queuedBytes();

    /** Packets published and acknowledged by the broker (QoS 1) or written to it (QoS 0). */
    long sent();

    /** Packets received from the broker and routed on this server. */
    long received();

    /** Packets dropped by the bridge: buffer full, TTL out while buffered, malformed or misaddressed imports. */
    long dropped();

    /** Clients of other servers remembered so that replies reach them. */
    int remoteNames();

    /**
     * Importing bridges whose credits this one waits for as it exports (itself included when it
     * imports a group it exports); 0 with {@code credit.window = 0}.
     */
    int importersWaitedFor();

    /** How many times an importer was no longer waited for because it confirmed nothing for {@code credit.timeout.millis}. */
    long importersGivenUp();
}
