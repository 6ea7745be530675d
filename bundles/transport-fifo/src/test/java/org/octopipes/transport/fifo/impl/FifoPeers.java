package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The peers a test subscribed, closed together when it ends (or its server restarts). */
final class FifoPeers implements AutoCloseable {

    private final List<FifoPeer> peers = new ArrayList<>();

    /** Subscribes a peer through {@code cap}, to be closed with the others. */
    FifoPeer subscribe(Path cap, String name, String... groups) throws Exception {
        FifoPeer peer = FifoPeer.subscribe(cap, name, groups);
        peers.add(peer);
        return peer;
    }

    @Override
    public void close() throws IOException {
        for (FifoPeer peer : peers) {
            peer.close();
        }
        peers.clear();
    }
}
