package org.octopipes.bridge.mqtt.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** One bridge, one factory configuration of PID {@value #FACTORY_PID}: one connection to an MQTT broker. */
@ObjectClassDefinition(id = BridgeConfiguration.FACTORY_PID, name = "Octopipes MQTT bridge",
        description = "Bridges groups of this Octopipes server to other servers through an MQTT broker")
@interface BridgeConfiguration {

    String FACTORY_PID = "org.octopipes.bridge.mqtt";

    @AttributeDefinition(name = "Name", required = false,
            description = "The bridge's name, in the shell, in JMX and in its client name mqtt-bridge.<name>; "
                    + "default: the name of the factory configuration")
    String name() default "";

    @AttributeDefinition(name = "Broker URI",
            description = "tcp://host:1883 or ssl://host:8883; several, separated by commas, for a cluster: tried in order")
    String broker_uri();

    @AttributeDefinition(name = "Client id", required = false,
            description = "The MQTT client id stem, also the bridge id in topics: unique per server on one broker; "
                    + "default octopipes-<host>-<name>. The bridge connects as <id>-pub and <id>-sub")
    String client_id() default "";

    @AttributeDefinition(name = "User name", required = false, description = "For the broker; none by default")
    String username() default "";

    @AttributeDefinition(name = "Password", required = false, type = AttributeType.PASSWORD, description = "For the broker")
    String password() default "";

    @AttributeDefinition(name = "Trust store", required = false,
            description = "A PKCS12 or JKS trust store for ssl:// brokers; default: the JVM's trusted authorities")
    String tls_truststore_path() default "";

    @AttributeDefinition(name = "Trust store password", required = false, type = AttributeType.PASSWORD)
    String tls_truststore_password() default "";

    @AttributeDefinition(name = "Key store", required = false,
            description = "A PKCS12 or JKS key store with this bridge's client certificate, for brokers that ask for one")
    String tls_keystore_path() default "";

    @AttributeDefinition(name = "Key store password", required = false, type = AttributeType.PASSWORD)
    String tls_keystore_password() default "";

    @AttributeDefinition(name = "Export groups", required = false,
            description = "Groups whose packets from this server are published; commas may separate names too")
    String[] export_groups() default {};

    @AttributeDefinition(name = "Import groups", required = false,
            description = "Groups whose packets from other servers are delivered here; commas may separate names too")
    String[] import_groups() default {};

    @AttributeDefinition(name = "Topic prefix", description = "The first levels of every topic")
    String topic_prefix() default "octopipes";

    @AttributeDefinition(name = "QoS", description = "MQTT quality of service of publications and subscriptions: 0 or 1",
            min = "0", max = "1")
    int qos() default 1;

    @AttributeDefinition(name = "Buffer packets", description = "Packets kept while the broker is unreachable; more are dropped (QUEUE_FULL)",
            min = "1")
    int buffer_packets() default 10000;

    @AttributeDefinition(name = "Buffer bytes", description = "Bytes kept while the broker is unreachable; more are dropped (QUEUE_FULL)",
            min = "1")
    long buffer_bytes() default 16L * 1024 * 1024;

    @AttributeDefinition(name = "Publish window", description = "Publications in flight at most, sent and not yet acknowledged "
            + "by the broker (QoS 1); more lets the bridge publish at the broker's speed instead of one round trip per packet, "
            + "and on a lost connection that many may be published twice", min = "1", max = "32768")
    int publish_window() default 256;

    @AttributeDefinition(name = "Credit window", description = "Publications to the groups a live importing bridge imports that it "
            + "has not confirmed yet, at most: the bridge publishes no further meanwhile and holds its senders up. Keeps what the broker "
            + "queues for each importer below its limit (Mosquitto: max_queued_messages, 1000 by default): the servers exporting to "
            + "one importer, itself included if it exports too, times this must stay below it. 0: no end-to-end flow control",
            min = "0", max = "1000000")
    int credit_window() default 250;

    @AttributeDefinition(name = "Credit timeout", description = "Milliseconds an importing bridge may keep this one waiting without "
            + "confirming anything; then it is no longer waited for (logged), until it announces itself again or catches up", min = "1")
    long credit_timeout_millis() default 3000;

    @AttributeDefinition(name = "Remote names", description = "Clients of other servers remembered so that replies reach them; "
            + "the one used least recently is forgotten beyond this. Each is a group of the bridge's client, "
            + "so with the export groups it must stay within the server's groups per client", min = "1")
    int remote_names() default 200;

    @AttributeDefinition(name = "Reconnect delay, first", description = "Milliseconds before the first new attempt to reach the broker",
            min = "10")
    long reconnect_min_millis() default 1000;

    @AttributeDefinition(name = "Reconnect delay, longest", description = "The delay doubles after each failed attempt up to this",
            min = "10")
    long reconnect_max_millis() default 30000;
}
