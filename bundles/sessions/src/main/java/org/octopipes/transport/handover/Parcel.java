package org.octopipes.transport.handover;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.octopipes.posix.Posix;

/**
 * One transport's state on its way to the next instance: a snapshot whose classes outlive the
 * transport's class loader (those of this bundle, such as {@link FifoSnapshot}, and JDK, codec and
 * api types). What the parcel must clean up if nobody adopts it is registered beside the
 * snapshot: file descriptors to close, files to delete, relays whose clients to let go.
 */
public final class Parcel {

    private volatile Object snapshot;
    private final List<Integer> descriptors = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final List<Relay> relays = new ArrayList<>();
    private boolean released;

    /** Puts the transport's state in the parcel. */
    public Parcel snapshot(Object state) {
        this.snapshot = state;
        return this;
    }

    /** The state, if the parcel holds one of {@code type}. */
    public <T> Optional<T> snapshot(Class<T> type) {
        Object state = snapshot;
        return type.isInstance(state) ? Optional.of(type.cast(state)) : Optional.empty();
    }

    /** A file descriptor that stays open in the parcel and is closed if the parcel is released. */
    public synchronized Parcel keepOpen(int fd) {
        descriptors.add(fd);
        return this;
    }

    /** A file deleted if the parcel is released. */
    public synchronized Parcel deleteOnRelease(Path file) {
        files.add(file);
        return this;
    }

    /** A relay whose client is let go if the parcel is released. */
    public synchronized Parcel relay(Relay relay) {
        relays.add(relay);
        return this;
    }

    /**
     * Nobody adopts the state: lets every relay's client go (its parked packets counted as
     * {@code CLIENT_GONE}), closes every descriptor and deletes every file. Calling it again does
     * nothing. Failures are collected, so that one does not keep the rest open.
     *
     * @return what could not be closed or deleted, for the log; empty if all went well
     */
    public synchronized List<String> release() {
        List<String> failures = new ArrayList<>();
        if (released) {
            return failures;
        }
        released = true;
        for (Relay relay : relays) {
            relay.release();
        }
        Posix posix = Posix.get();
        for (int fd : descriptors) {
            try {
                posix.close(fd);
            } catch (IOException e) {
                failures.add("fd " + fd + ": " + e.getMessage());
            }
        }
        for (Path file : files) {
            try {
                posix.unlink(file);
            } catch (IOException e) {
                failures.add(file + ": " + e.getMessage());
            }
        }
        return failures;
    }
}
