package org.octopipes.transport.handover.impl;

import org.octopipes.api.transport.TrafficCounter;
import org.octopipes.api.transport.TrafficTotals;
import org.osgi.service.component.annotations.Component;

/**
 * The server's counts that belong to no client now, here because this bundle stays while the
 * router is updated: what departed clients had counted, every drop, what management sent.
 */
// Immediate: a delayed component would be deactivated, and its counts lost, whenever the router
// let go of it, as it does when it is updated.
@Component(service = TrafficTotals.class, immediate = true)
public final class TrafficTotalsComponent implements TrafficTotals {

    private final TrafficTotals totals = TrafficTotals.inMemory();

    @Override
    public TrafficCounter departed() {
        return totals.departed();
    }

    @Override
    public TrafficCounter drops() {
        return totals.drops();
    }

    @Override
    public TrafficCounter sentByServer() {
        return totals.sentByServer();
    }
}
