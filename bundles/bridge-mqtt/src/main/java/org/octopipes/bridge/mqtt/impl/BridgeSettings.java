package org.octopipes.bridge.mqtt.impl;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.octopipes.codec.Name;

/**
 * A bridge's configuration, checked and with its defaults worked out, so that a bad value is refused
 * with a message naming it before any connection is made.
 *
 * @param name the bridge's name
 * @param brokerUris the broker URIs, tried in order
 * @param clientId the client id stem and bridge id
 * @param username the user name, empty for none
 * @param password the password, empty for none
 * @param tls where the TLS key material is
 * @param exportGroups groups published
 * @param importGroups groups subscribed
 * @param topicPrefix the topics' first levels
 * @param qos 0 or 1
 * @param bufferPackets packets the buffer holds at most
 * @param bufferBytes bytes the buffer holds at most
 * @param publishWindow publications in flight at most, unacknowledged
 * @param creditWindow publications an importer has not confirmed at most, 0 for no end-to-end flow control
 * @param creditTimeoutMillis how long an importer may keep the bridge waiting without confirming anything
 * @param remoteNames remote client names remembered at most
 * @param reconnectMinMillis first delay before reconnecting
 * @param reconnectMaxMillis longest delay before reconnecting
 */
record BridgeSettings(String name, List<String> brokerUris, String clientId, String username, String password, TlsSettings tls,
        Set<Name> exportGroups, Set<Name> importGroups, String topicPrefix, int qos, int bufferPackets, long bufferBytes,
        int publishWindow, int creditWindow, long creditTimeoutMillis, int remoteNames, long reconnectMinMillis, long reconnectMaxMillis) {

    /** Publications in flight at most: Paho counts them in an int, and MQTT message ids are 16 bits. */
    static final int MAX_PUBLISH_WINDOW = 32768;

    /** The stores for ssl:// brokers; empty paths for the JVM's defaults. */
    record TlsSettings(String truststorePath, String truststorePassword, String keystorePath, String keystorePassword) {
    }

    /** The client name the bridge takes on the local router: printable, without '/', like any client name. */
    Name clientName() {
        return Name.of("mqtt-bridge." + name);
    }

    static BridgeSettings from(BridgeConfiguration configuration, Map<String, Object> properties) {
        String name = configuration.name().isBlank() ? nameOf(properties) : configuration.name().strip();
        checkPrintable(name, "name");
        List<String> uris = new ArrayList<>();
        for (String uri : configuration.broker_uri().split(",")) {
            if (!uri.isBlank()) {
                uris.add(checkUri(uri.strip()));
            }
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("broker.uri is required, e.g. tcp://localhost:1883");
        }
        String clientId = configuration.client_id().isBlank() ? "octopipes-" + hostName() + "-" + name : configuration.client_id().strip();
        checkPrintable(clientId, "client.id");
        if (configuration.qos() < 0 || configuration.qos() > 1) {
            throw new IllegalArgumentException("qos must be 0 or 1, not " + configuration.qos());
        }
        if (configuration.reconnect_min_millis() < 10 || configuration.reconnect_max_millis() < configuration.reconnect_min_millis()) {
            throw new IllegalArgumentException("reconnect.min.millis must be at least 10 and reconnect.max.millis at least that");
        }
        if (configuration.buffer_packets() < 1 || configuration.buffer_bytes() < 1 || configuration.remote_names() < 1) {
            throw new IllegalArgumentException("buffer.packets, buffer.bytes and remote.names must be at least 1");
        }
        if (configuration.publish_window() < 1 || configuration.publish_window() > MAX_PUBLISH_WINDOW) {
            throw new IllegalArgumentException("publish.window must be 1 to " + MAX_PUBLISH_WINDOW + ", not " + configuration.publish_window());
        }
        if (configuration.credit_window() < 0 || configuration.credit_timeout_millis() < 1) {
            throw new IllegalArgumentException("credit.window must be at least 0 and credit.timeout.millis at least 1");
        }
        Set<Name> exports = groups(configuration.export_groups(), "export.groups");
        Set<Name> imports = groups(configuration.import_groups(), "import.groups");
        if (exports.isEmpty() && imports.isEmpty()) {
            throw new IllegalArgumentException("neither export.groups nor import.groups names a group: the bridge would do nothing");
        }
        TlsSettings tls = new TlsSettings(configuration.tls_truststore_path().strip(), configuration.tls_truststore_password(),
                configuration.tls_keystore_path().strip(), configuration.tls_keystore_password());
        // The topic scheme checks the prefix; made here so that a bad one fails with the rest.
        new TopicScheme(configuration.topic_prefix(), clientId);
        return new BridgeSettings(name, List.copyOf(uris), clientId, configuration.username(), configuration.password(), tls,
                exports, imports, configuration.topic_prefix().strip(), configuration.qos(), configuration.buffer_packets(),
                configuration.buffer_bytes(), configuration.publish_window(), configuration.credit_window(),
                configuration.credit_timeout_millis(), configuration.remote_names(), configuration.reconnect_min_millis(),
                configuration.reconnect_max_millis());
    }

    /**
     * Group names from an array whose elements may each list several, separated by commas or
     * blanks: a Karaf {@code .cfg} file has no arrays, a {@code .config} file and Config Admin tools do.
     */
    static Set<Name> groups(String[] values, String property) {
        Set<Name> groups = new LinkedHashSet<>();
        for (String value : values) {
            for (String group : value.split("[,\\s]+")) {
                if (!group.isEmpty()) {
                    checkPrintable(group, property);
                    groups.add(Name.parse(group));
                }
            }
        }
        return Set.copyOf(groups);
    }

    /**
     * The configuration's own name: Config Admin names a factory configuration
     * {@code <factory pid>~<name>} (FileInstall's {@code <factory pid>-<name>.cfg} and Karaf's
     * {@code etc/} files give that name); an older, generated PID has its generated suffix.
     */
    private static String nameOf(Map<String, Object> properties) {
        Object pid = properties.get("service.pid");
        Object fileName = properties.get("felix.fileinstall.filename");
        if (fileName != null) {
            String file = fileName.toString();
            String base = file.substring(file.lastIndexOf('/') + 1).replaceFirst("\\.(cfg|config)$", "");
            if (base.startsWith(BridgeConfiguration.FACTORY_PID + "-") && base.length() > BridgeConfiguration.FACTORY_PID.length() + 1) {
                return base.substring(BridgeConfiguration.FACTORY_PID.length() + 1);
            }
        }
        if (pid != null) {
            String text = pid.toString();
            int tilde = text.indexOf('~');
            if (tilde >= 0 && tilde < text.length() - 1) {
                return text.substring(tilde + 1);
            }
            if (text.startsWith(BridgeConfiguration.FACTORY_PID + ".") && text.length() > BridgeConfiguration.FACTORY_PID.length() + 1) {
                return text.substring(BridgeConfiguration.FACTORY_PID.length() + 1);
            }
        }
        return "default";
    }

    private static String checkUri(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("broker.uri '" + uri + "' is not a URI: " + e.getMessage());
        }
        if (!Set.of("tcp", "ssl").contains(String.valueOf(parsed.getScheme())) || parsed.getHost() == null) {
            throw new IllegalArgumentException("broker.uri '" + uri + "' must be tcp://host:port or ssl://host:port");
        }
        return uri;
    }

    /** Names end up in client names and MQTT client ids: printable ASCII without '/', as client names are. */
    private static void checkPrintable(String text, String property) {
        if (text.isEmpty() || text.length() > 100) {
            throw new IllegalArgumentException(property + " must be 1 to 100 characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '/') {
                throw new IllegalArgumentException(property + " '" + text + "' must be printable ASCII without blanks or '/'");
            }
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
