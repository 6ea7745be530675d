package org.octopipes.policy.echo.impl;

import java.util.List;
import org.octopipes.api.routing.Recipients;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.routing.Subscriber;
import org.octopipes.api.routing.SubscriptionTable;
import org.octopipes.codec.Frame;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The reference servers' routing, for users migrating from them: every subscriber of the packet's
 * remote receives it, the sender included when it is a member of the group it writes to.
 */
@Component(configurationPid = EchoRoutingPolicy.PID,
        property = {RoutingPolicy.POLICY_NAME + "=echo", Constants.SERVICE_RANKING + ":Integer=0"})
@Designate(ocd = EchoRoutingPolicy.Config.class)
public final class EchoRoutingPolicy implements RoutingPolicy {

    static final String PID = "org.octopipes.policy.echo";

    @ObjectClassDefinition(id = PID, name = "Octopipes echo routing policy",
            description = "Routes like the reference Octopipes servers: the sender of a group packet receives it too.")
    @interface Config {

        @AttributeDefinition(name = "Service ranking", description = "The router uses the highest-ranked policy; the default policy spec has -1000.")
        int service_ranking() default 0;
    }

    @Override
    public void route(Frame packet, Subscriber origin, SubscriptionTable table, Recipients recipients) {
        List<Subscriber> subscribers = table.subscribersOf(packet);
        for (int i = 0, size = subscribers.size(); i < size; i++) {
            recipients.add(subscribers.get(i));
        }
    }
}
