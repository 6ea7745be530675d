package org.octopipes.transport.unix.impl;

import org.octopipes.api.ServerConfiguration;
import org.octopipes.codec.Protocol;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The Unix socket transport's configuration, PID {@code org.octopipes.transport.unix}. */
// Designated here rather than by @Designate, which needs a component with one PID; this one has two.
@ObjectClassDefinition(id = UnixTransportConfiguration.PID, pid = UnixTransportConfiguration.PID, name = "Octopipes Unix socket transport",
        description = "The Unix domain socket clients connect to. A change of the socket restarts this transport: its clients must connect again; the FIFO transport is not touched.")
@interface UnixTransportConfiguration {

    String PID = "org.octopipes.transport.unix";
    /** The FIFO transport's and router's PID, whose {@code cap.path} places the default socket. */
    String SERVER_PID = ServerConfiguration.PID;

    @AttributeDefinition(name = "Socket path", description = "The socket clients connect to. Empty: $OCTOPIPES_SOCKET, else octopipes.sock beside the default CAP ($XDG_RUNTIME_DIR/octopipes/octopipes.sock, else <tmp>/octopipes-<user>/octopipes.sock).", required = false)
    String socket_path() default "";

    @AttributeDefinition(name = "Socket mode", description = "Octal permissions of the socket file. 0600: only this user's processes may connect; 0660 lets the group in.")
    String socket_mode() default "0600";

    @AttributeDefinition(name = "Maximum payload", description = "Largest payload in bytes; a packet announcing more is refused as TOO_LARGE.", min = "0")
    int max_payload() default Protocol.DEFAULT_MAX_PAYLOAD;

    @AttributeDefinition(name = "Queue bytes per client", description = "Bytes queued for a client that reads too slowly before packets to it are dropped (QUEUE_FULL).", min = "1")
    int queue_bytes() default 1024 * 1024;

    @AttributeDefinition(name = "Maximum connections", description = "Connections beyond this many, subscribed or not, are closed as soon as they are accepted.", min = "1")
    int max_connections() default 1024;
}
