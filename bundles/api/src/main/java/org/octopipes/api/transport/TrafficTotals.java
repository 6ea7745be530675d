package org.octopipes.api.transport;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The server's counts that belong to no client now, kept by a bundle meant to stay (the handover
 * bundle), so that they outlive a router update: the router adds to them, and sums them with its
 * clients' counters for the server's totals.
 */
@ProviderType
public interface TrafficTotals {

    /**
     * What the clients that left had counted. The router absorbs a client's counter into it when
     * the client leaves, holding it as a lock: an old router's late departures and the new
     * router's may come at once.
     *
     * @return the departed clients' counter
     */
    TrafficCounter departed();

    /** @return every drop, by reason: those of clients and those of nobody (garbage on the CAP, say) */
    TrafficCounter drops();

    /** @return what management sent; the router holds it as a lock while it counts */
    TrafficCounter sentByServer();

    /** @return totals in memory, from zero: what the handover bundle keeps, and what a router alone or a test uses */
    static TrafficTotals inMemory() {
        record InMemory(TrafficCounter departed, TrafficCounter drops, TrafficCounter sentByServer) implements TrafficTotals {
        }
        return new InMemory(new TrafficCounter(), new TrafficCounter(), new TrafficCounter());
    }
}
