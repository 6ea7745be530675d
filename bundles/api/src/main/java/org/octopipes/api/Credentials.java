package org.octopipes.api;

/**
 * Who is on the other end of a client's connection, as the kernel tells it when the client
 * connects: known over the Unix socket ({@code SO_PEERCRED}), never over FIFOs, whose writers the
 * protocol cannot tell apart.
 *
 * @param user the peer's user name (or its numeric id if the system has no name for it)
 * @param group the peer's primary group name (or numeric id)
 * @param pid the peer's process id, or {@link #UNKNOWN_PID} where the transport cannot tell
 */
public record Credentials(String user, String group, long pid) {

    /** The process id of a peer whose transport cannot tell it. */
    public static final long UNKNOWN_PID = -1;

    @Override
    public String toString() {
        return "user " + user + ", group " + group + (pid == UNKNOWN_PID ? "" : ", pid " + pid);
    }
}
