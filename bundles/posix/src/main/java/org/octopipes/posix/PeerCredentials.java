package org.octopipes.posix;

/**
 * What the kernel says of the process on the other end of a Unix socket ({@code SO_PEERCRED}), as
 * it was when that process connected.
 *
 * @param pid its process id
 * @param uid its effective user id
 * @param gid its effective group id
 */
public record PeerCredentials(int pid, int uid, int gid) {
}
