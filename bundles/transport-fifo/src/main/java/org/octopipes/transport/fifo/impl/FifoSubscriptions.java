package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.Session;
import org.octopipes.api.transport.SubscriptionRefusedException;
import org.octopipes.codec.AssignmentError;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.posix.Poller;
import org.octopipes.transport.handover.Relay;

/**
 * What clients ask of the FIFO transport on the CAP: a SUBSCRIPTION gets a pair of FIFOs and a
 * session, or a refusal that says why; an UNSUBSCRIPTION lets its client go once what
 * it wrote before is routed. The CAP's turn-taking is {@link CapTurns}'; this is the server's side
 * of it. I/O thread only.
 */
final class FifoSubscriptions implements CapTurns.Requests {

    private final FifoServer server;

    FifoSubscriptions(FifoServer server) {
        this.server = server;
    }

    /** The CAP as {@link CapTurns} reads and writes it. */
    CapTurns.Pipe capPipe() {
        return new CapPipe();
    }

    @Override
    public boolean isSubscribed(Name client) {
        return server.clientsByName.containsKey(client);
    }

    @Override
    public void replyNotCollected(Name client) {
        FifoClient holder = server.clientsByName.get(client);
        if (holder != null) {
            server.closeClient(holder, "it never collected its assignment");
        }
    }

    @Override
    public void dropped(DropReason reason, int packets, String detail) {
        server.dropped(reason, packets, detail);
    }

    /** The CAP as {@link CapTurns} sees it. */
    private final class CapPipe implements CapTurns.Pipe {
        @Override
        public int read(ByteBuffer into) throws IOException {
            return server.posix.read(server.capFd, into);
        }

        @Override
        public int write(ByteBuffer from) throws IOException {
            return server.posix.write(server.capFd, from);
        }

        @Override
        public int available() throws IOException {
            return server.posix.bytesAvailable(server.capFd);
        }

        @Override
        public void watch(boolean readable) {
            try {
                server.poller.modify(server.capFd, readable ? Poller.READABLE : 0, FifoServer.CAP_TOKEN);
            } catch (IOException e) {
                server.logger.error("Could not {} the CAP {}", readable ? "watch" : "stop watching", server.settings.capPath(), e);
            }
        }
    }

    @Override
    public void subscribe(Name name, List<Name> groups) {
        String refusal = ClientNames.refusal(name, server.settings.maxNameLength());
        if (refusal == null) {
            refusal = server.files.pathRefusal(name);
        }
        if (refusal != null) {
            server.logger.warn("Refused a subscription as '{}': {}", name, refusal);
            server.cap.reply(name, CapMessage.Assignment.failure(AssignmentError.FS));
            return;
        }
        // The session holds a relay rather than the client itself: the relay outlives this instance
        // of the transport, so that the session keeps its outlet and sender while the bundle is updated.
        Relay relay = new Relay(FifoServer.TRANSPORT_NAME, server.files.rxPath(name).toString(), server.settings.queueBytes());
        Session session;
        try {
            session = openOrTakeOver(name, groups, relay);
        } catch (SubscriptionRefusedException e) {
            server.logger.warn("Refused a subscription as '{}': {}", name, e.getMessage());
            server.cap.reply(name, CapMessage.Assignment.failure(e.reason() == SubscriptionRefusedException.Reason.NAME_TAKEN
                    ? AssignmentError.NAME_ALREADY_TAKEN : AssignmentError.FS));
            return;
        }
        relay.session(session);
        // Only now, with the name the client's: a holder's FIFOs are never touched.
        FifoFiles.Pair fifos = null;
        try {
            fifos = server.files.makeClientFifos(name);
            server.sizes.sizeNew(name, fifos.txFd(), fifos.rxFd());
        } catch (IOException e) {
            if (fifos != null) {
                server.files.discard(fifos);
            }
            session.close();
            // An operating condition (disk full, folder refused), not a bug: the reason, no stack trace.
            server.logger.warn("Refused a subscription as '{}': its FIFOs could not be made in {}: {}", name, server.settings.clientsDir(), e.toString());
            server.cap.reply(name, CapMessage.Assignment.failure(AssignmentError.FS));
            return;
        }
        FifoClient client = server.newClient(name, fifos);
        server.sizes.measure(client);
        client.relay = relay;
        client.session = session;
        server.add(client);
        // What was offered since the session opened (from another transport's thread, say) goes first.
        if (client.queueParked(relay.resume(client, client.sender, Thread.currentThread()))) {
            client.publishQueueSize();
            server.engine.markDirty(client);
        }
        try {
            server.poller.register(fifos.txFd(), Poller.READABLE, client.txToken());
        } catch (IOException e) {
            server.logger.warn("Could not watch the TX FIFO of '{}'; letting it go", name, e);
            server.closeClient(client, "its TX FIFO cannot be watched");
            server.cap.reply(name, CapMessage.Assignment.failure(AssignmentError.FS));
            return;
        }
        server.cap.reply(name, CapMessage.Assignment.success(FifoFiles.bytes(fifos.txPath()), FifoFiles.bytes(fifos.rxPath())));
    }

    /**
     * Opens the client's session; the sessions alone decide whether the name is taken, for every
     * transport at once. When it is taken by a client of this transport whose process is gone,
     * that client is let go and the sessions asked again: the protocol cannot tell the holder's
     * process from another one taking its name, but a holder killed or crashed has left its FIFOs
     * open nowhere.
     */
    private Session openOrTakeOver(Name name, List<Name> groups, Relay relay) {
        try {
            return server.sessions.open(name, groups, relay, relay.sender());
        } catch (SubscriptionRefusedException e) {
            FifoClient holder = server.clientsByName.get(name);
            if (e.reason() != SubscriptionRefusedException.Reason.NAME_TAKEN || holder == null || !abandoned(holder)) {
                throw e;
            }
            server.logger.info("'{}' subscribes while its earlier subscription's FIFOs are open in no process: the name is taken over", name);
            server.closeClient(holder, "no process holds its FIFOs any more, and its name was asked for again");
            return server.sessions.open(name, groups, relay, relay.sender());
        }
    }

    /** Whether no process holds the holder's FIFOs; one that has just subscribed may not have opened them yet, so it gets time first. */
    private boolean abandoned(FifoClient holder) {
        boolean settled = System.nanoTime() - holder.subscribedAt > server.reclaimGraceNanos;
        return settled && !FifoHolders.heldByOthers(Set.of(holder.txPath, holder.rxPath),
                Set.of(Integer.toString(holder.txFd), Integer.toString(holder.rxFd)));
    }

    @Override
    public void unsubscribe(Name name) {
        FifoClient client = server.clientsByName.get(name);
        if (client == null) {
            server.dropped(DropReason.UNHANDLED, 1, "an UNSUBSCRIPTION from '" + name + "', who is not subscribed");
            return;
        }
        // What the client wrote before it left is still in its TX FIFO: it goes once that is routed,
        // at the pace of its recipients, as if it were still there (a burst and an UNSUBSCRIPTION
        // right behind it would otherwise overflow a slower recipient's queue).
        client.leaving = true;
        server.readTxOrLetGo(client);
    }
}
