package org.octopipes.transport.fifo.impl;

import java.util.Set;
import org.octopipes.api.DropReason;
import org.octopipes.api.transport.ClientLink;
import org.octopipes.api.transport.Router;
import org.octopipes.api.transport.Sender;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.octopipes.codec.PacketError;

/**
 * Stands for the router's link while a client waits for a router (the router bundle is being
 * updated): it remembers the client's groups for the next router. The transport reads nothing
 * from such a client, so nothing is routed through it; what its queue delivers meanwhile goes into
 * the client's counter through the previous link (drops are not counted: the router that would log
 * them is gone).
 */
final class DetachedLink implements ClientLink {

    private final Name name;
    private final Set<Name> groups;
    private final ClientLink previous;
    private final Router previousRouter;

    /**
     * @param previous the link the client had, or null
     * @param previousRouter the router that link belongs to: if that very router is bound again
     *        (this instance of the transport started before SCR bound it), the link is taken back
     *        instead of attaching the client anew, which that router would refuse as a taken name
     */
    DetachedLink(Name name, Set<Name> groups, ClientLink previous, Router previousRouter) {
        this.name = name;
        this.groups = Set.copyOf(groups);
        this.previous = previous;
        this.previousRouter = previousRouter;
    }

    /** The link to take back if {@code router} is the one it belongs to, else null. */
    ClientLink previousFor(Router router) {
        return router != null && router == previousRouter ? previous : null;
    }

    /** The router the previous link belongs to, or null. */
    Router previousRouter() {
        return previousRouter;
    }

    /** The previous link, or null. */
    ClientLink previous() {
        return previous;
    }

    @Override
    public Name name() {
        return name;
    }

    @Override
    public Set<Name> groups() {
        // Management may change the groups through the previous router until it is gone.
        return previous != null ? previous.groups() : groups;
    }

    @Override
    public void route(Frame packet, Sender sender, long readNanos) {
        throw new IllegalStateException("no router to route a packet from '" + name + "'; the FIFO transport reads nothing while there is none");
    }

    @Override
    public void relay(Frame packet, Sender sender) {
        route(packet, sender, System.nanoTime());
    }

    @Override
    public void malformed(PacketError error) {
        // Not counted: see the class comment.
    }

    @Override
    public void delivered(int packets) {
        // Into the client's counter, which its relay keeps for the next router.
        if (previous != null) {
            previous.delivered(packets);
        }
    }

    @Override
    public void dropped(DropReason reason, int packets) {
        // Not counted: see the class comment.
    }

    @Override
    public void detach() {
        // The client leaves while no router is bound: the router that went is told, so that the
        // client's counts (kept by its relay, written by every router) go into the server's totals.
        if (previous != null) {
            previous.detach();
        }
    }
}
