package org.octopipes.transport.unix.impl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.octopipes.codec.SocketLocation;
import org.octopipes.transport.support.SettingChecks;

/**
 * The Unix socket transport's settings with defaults applied and checked, so that the server gets
 * only values it can use, and a bad configuration fails with one clear message.
 */
record UnixSettings(Path socketPath, int socketMode, int maxPayload, int queueBytes, int maxConnections) {

    /** sun_path holds 108 bytes on Linux, the terminating NUL included. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    UnixSettings {
        socketPath = socketPath.toAbsolutePath().normalize();
        int pathBytes = socketPath.toString().getBytes(StandardCharsets.UTF_8).length;
        if (pathBytes > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("socket.path is " + pathBytes + " bytes long; a Unix socket's path is at most "
                    + MAX_SOCKET_PATH_BYTES + ": " + socketPath);
        }
        SettingChecks.checkMode("socket.mode", socketMode);
        SettingChecks.checkMaxPayload(maxPayload);
        SettingChecks.checkQueueBytes(queueBytes);
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max.connections must be at least 1, not " + maxConnections);
        }
    }

    /** @param capPath the server configuration's {@code cap.path}, or null or blank if it has none */
    static UnixSettings from(UnixTransportConfiguration configuration, String capPath) {
        Path socket = configuration.socket_path().isBlank() ? defaultPath(System.getenv(), capPath) : Path.of(configuration.socket_path().trim());
        return new UnixSettings(socket, parseMode(configuration.socket_mode()), configuration.max_payload(), configuration.queue_bytes(),
                configuration.max_connections());
    }

    /** Where the socket is when its configuration does not say: {@link SocketLocation}'s rule, with the server's CAP. */
    static Path defaultPath(Map<String, String> environment, String configuredCap) {
        return SocketLocation.defaultPath(environment, configuredCap, System.getProperty("java.io.tmpdir"), System.getProperty("user.name"));
    }

    static int parseMode(String text) {
        return SettingChecks.parseMode("socket.mode", text);
    }
}
