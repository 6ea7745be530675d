package org.octopipes.posix;

/**
 * What lstat(2) says about a path: its type, owner and permissions, for checking a FIFO before
 * trusting it.
 *
 * @param type the file type; {@link FileType#SYMLINK} for a symbolic link itself, never its target
 * @param mode the permission bits including setuid, setgid and sticky ({@code st_mode & 07777})
 * @param uid the owner's user id
 * @param gid the owner's group id
 */
public record FileStatus(FileType type, int mode, int uid, int gid) {
}
