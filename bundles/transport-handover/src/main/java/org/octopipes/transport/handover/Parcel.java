package org.octopipes.transport.handover;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.octopipes.posix.Posix;

/**
 * One transport's state on its way to the next instance. The state map holds only objects whose
 * classes outlive the transport's class loader: JDK types, codec and api types, {@link Relay}s.
 * What the parcel must clean up if nobody adopts it is registered beside the state: file
 * descriptors to close, files to delete, relays whose clients to let go.
 */
public final class Parcel {

    private final Map<String, Object> state = new LinkedHashMap<>();
    private final List<Integer> descriptors = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final List<Relay> relays = new ArrayList<>();
    private boolean released;

    /** The state, by names the transport chooses; mutable until deposited. */
    public Map<String, Object> state() {
        return state;
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
