package org.octopipes.api;

/**
 * The server's configuration in Config Admin: one PID, read by the FIFO transport (its settings),
 * the router (its limits and {@code policy.target}), the Unix socket transport (for its defaults),
 * management and the launcher. Named here once, so that no bundle spells it out again. The FIFO
 * transport and the router each describe the part they read in their own metatype.
 */
public final class ServerConfiguration {

    /** The server's configuration PID. */
    public static final String PID = "org.octopipes.server";

    private ServerConfiguration() {
    }
}
