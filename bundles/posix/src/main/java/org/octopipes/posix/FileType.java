package org.octopipes.posix;

/** What kind of file a path names, as far as FIFO handling cares. */
public enum FileType {
    FIFO,
    DIRECTORY,
    REGULAR,
    SYMLINK,
    /** Sockets, devices and anything else. */
    OTHER
}
