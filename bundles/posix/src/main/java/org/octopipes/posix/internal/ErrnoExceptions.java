package org.octopipes.posix.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Turns a failed call's errno into the exception a Java caller expects: the java.nio.file
 * exception for the usual errors on a path, a plain {@link IOException} on a file descriptor.
 */
public final class ErrnoExceptions {

    private ErrnoExceptions() {
    }

    /**
     * An exception for {@code call} on {@code path}, with a message such as
     * {@code "/run/fifo: mkfifo: Permission denied (EACCES)"}. {@link FileSystemException#getFile()}
     * is the path, so callers can tell which file it was without parsing the message.
     */
    public static FileSystemException forPath(NativeCalls calls, String call, Path path, int errno) {
        String file = path.toString();
        String reason = call + ": " + calls.describe(errno);
        switch (errno) {
            case LinuxAbi.ENOENT:
                return new NoSuchFileException(file, null, reason);
            case LinuxAbi.EEXIST:
                return new FileAlreadyExistsException(file, null, reason);
            case LinuxAbi.EACCES:
            case LinuxAbi.EPERM:
                return new AccessDeniedException(file, null, reason);
            default:
                return new FileSystemException(file, null, reason);
        }
    }

    /** An exception for {@code call} on a file descriptor: {@code "write fd 7: Broken pipe (EPIPE)"}. */
    public static IOException forFd(NativeCalls calls, String call, int fd, int errno) {
        return new IOException(call + " fd " + fd + ": " + calls.describe(errno));
    }

    /** An exception for a call that has no file or descriptor to name: {@code "epoll_create1: ..."}. */
    public static IOException forCall(NativeCalls calls, String call, int errno) {
        return new IOException(call + ": " + calls.describe(errno));
    }
}
