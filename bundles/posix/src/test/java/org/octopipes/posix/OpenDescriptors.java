package org.octopipes.posix;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opens descriptors for a test and closes every one of them afterwards, pass or fail. */
final class OpenDescriptors implements AutoCloseable {

    private final Posix posix = Posix.get();
    private final List<Integer> fds = new ArrayList<>();

    /** A new FIFO at {@code path}, mode 0600. */
    Path fifo(Path path) throws IOException {
        posix.mkfifo(path, 0600);
        return path;
    }

    int open(Path path, int flags) throws IOException {
        int fd = posix.open(path, flags, 0);
        fds.add(fd);
        return fd;
    }

    /** Opened for reading and writing, non-blocking: a FIFO end that never waits for a peer. */
    int openBothWays(Path fifo) throws IOException {
        return open(fifo, Posix.O_RDWR | Posix.O_NONBLOCK | Posix.O_CLOEXEC);
    }

    /** Closes {@code fd} now, so that the test can watch what that does to the other end. */
    void close(int fd) throws IOException {
        fds.remove(Integer.valueOf(fd));
        posix.close(fd);
    }

    @Override
    public void close() throws IOException {
        for (int fd : fds) {
            posix.close(fd);
        }
        fds.clear();
    }
}
