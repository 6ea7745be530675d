package org.octopipes.router.impl;

import java.util.List;
import org.octopipes.api.routing.Recipients;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.routing.Subscriber;
import org.octopipes.api.routing.SubscriptionTable;
import org.octopipes.codec.Frame;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;

/**
 * The written protocol's routing: every subscriber of the packet's remote receives it, except its
 * sender. The default policy; ranked low so that any deployed policy without a ranking replaces it.
 */
@Component(property = {RoutingPolicy.POLICY_NAME + "=spec", Constants.SERVICE_RANKING + ":Integer=" + SpecRoutingPolicy.RANKING})
public final class SpecRoutingPolicy implements RoutingPolicy {

    /** Below the default ranking 0 of any other policy. */
    static final int RANKING = -1000;

    @Override
    public void route(Frame packet, Subscriber origin, SubscriptionTable table, Recipients recipients) {
        List<Subscriber> subscribers = table.subscribersOf(packet);
        for (int i = 0, size = subscribers.size(); i < size; i++) {
            Subscriber subscriber = subscribers.get(i);
            if (subscriber != origin) {
                recipients.add(subscriber);
            }
        }
    }

    /** The remote's subscribers but the sender: the same for every packet with the same header. */
    @Override
    public boolean routesByHeader() {
        return true;
    }
}
