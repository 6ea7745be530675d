package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.octopipes.transport.handover.FifoSnapshot;
import org.octopipes.transport.handover.Parcel;
import org.octopipes.transport.handover.Relay;
import org.octopipes.transport.support.OutboundQueue;

/**
 * Hands a {@link FifoServer}'s state to the next instance of the transport (its bundle is being
 * updated) and takes it over there: the CAP and every client with its FIFOs still open (if the
 * last descriptor of a FIFO closed, the kernel would discard its bytes), what was read and not yet
 * routed, what was queued and not yet written, as a {@link FifoSnapshot}. Runs on the I/O thread,
 * once it stopped serving ({@link #pack}) or before it serves ({@link #adopt}).
 */
final class FifoHandover {

    private final FifoServer server;

    FifoHandover(FifoServer server) {
        this.server = server;
    }

    /** Packs the state with every FIFO open; the server serves no more. */
    Parcel pack() {
        // From here on the relays park what is offered; what other threads offered before goes
        // into the queues now, and every sender held goes on (the next instance holds anew, and a
        // relay holds it up where the client's session did).
        for (FifoClient client : server.clientsById.values()) {
            client.relay.park();
        }
        server.engine.stopping();
        Parcel parcel = new Parcel().keepOpen(server.capFd).deleteOnRelease(server.settings.capPath());
        List<FifoSnapshot.Client> clients = new ArrayList<>();
        for (FifoClient client : server.clientsById.values()) {
            OutboundQueue.Contents queued = client.queue.contents();
            clients.add(new FifoSnapshot.Client(client.session, client.relay, client.txPath,
                    client.rxPath, client.txFd, client.rxFd, concat(client.handedOverTx, client.decoder.pendingCopy()),
                    new FifoSnapshot.Queued(queued.bytes(), queued.lengths(), queued.deadlines(), queued.headWritten()), client.subscribedAt));
            parcel.keepOpen(client.txFd).keepOpen(client.rxFd).deleteOnRelease(client.txPath).deleteOnRelease(client.rxPath).relay(client.relay);
        }
        parcel.snapshot(new FifoSnapshot(FifoSnapshot.FORMAT, server.settings.toString(), server.capFd, server.cap.pendingBytes(),
                server.cap.replyInCap(), server.cap.waitingReplies(), List.copyOf(clients)));
        // Closing the epoll instance leaves the descriptors it watched open.
        server.poller.close();
        server.logger.info("FIFO transport stopped for an update: its CAP {} and {} clients, with their FIFOs open, are handed to the next instance",
                server.settings.capPath(), clients.size());
        return parcel;
    }

    /** Takes over what {@link #pack()} packed. */
    void adopt(FifoSnapshot snapshot) throws IOException {
        for (FifoSnapshot.Client entry : snapshot.clients()) {
            FifoFiles.Pair fifos = new FifoFiles.Pair(entry.txPath(), entry.rxPath(), entry.txFd(), entry.rxFd());
            Relay relay = entry.relay();
            if (relay.isClosed()) {
                server.logger.info("Client '{}' was let go while the FIFO transport was being updated", entry.session().name());
                server.files.discard(fifos);
                continue;
            }
            FifoClient client = server.newClient(entry.session().name(), fifos);
            client.subscribedAt = entry.subscribedAt();
            server.sizes.adopted(client);
            client.relay = relay;
            client.session = entry.session();
            FifoSnapshot.Queued queued = entry.queued();
            client.queue.adopt(queued.bytes(), queued.lengths(), queued.deadlines(), queued.headWritten());
            client.handedOverTx = entry.txPending().length > 0 ? entry.txPending() : null;
            server.add(client);
            server.poller.register(entry.txFd(), 0, client.txToken());
            // What was offered while no instance served the client goes after what was queued.
            client.queueParked(relay.resume(client, client.sender, Thread.currentThread()));
            client.publishQueueSize();
            server.engine.markDirty(client);
            if (!client.heldUp()) {
                server.readSoon(client);
            }
        }
        server.cap.adopt(snapshot.capPending(), snapshot.replyInCap(), snapshot.replies());
        server.cap.accepting(true);
        if (!server.cap.replyWaiting()) {
            server.cap.readable();
        }
    }

    /** {@code first} (what a previous instance had handed over, or null), then {@code second}. */
    static byte[] concat(byte[] first, byte[] second) {
        if (first == null) {
            return second;
        }
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
