package org.octopipes.router.impl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.octopipes.api.Broker;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.PolicyInfo;
import org.octopipes.api.ServerConfiguration;
import org.octopipes.api.Tap;
import org.octopipes.api.TappedPacket;
import org.octopipes.api.TrafficCounters;
import org.octopipes.api.routing.AccessCheck;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.session.SessionRegistry;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The router as an OSGi component: routes the clients' sessions, which live in the sessions
 * bundle, through the highest-ranked {@link RoutingPolicy}, switching at once when a better one is
 * deployed or the active one leaves, and registers the {@link Broker} that management uses.
 * Setting {@code policy.target} in the configuration pins a policy by filter.
 */
@Component(service = Broker.class, immediate = true, configurationPid = ServerConfiguration.PID)
@Designate(ocd = RouterConfiguration.class)
public final class RouterComponent implements Broker {

    private final RouterCore core;
    private final Logger logger;
    private final SessionRegistry sessions;
    /** Routing the sessions since {@link #activate()}; null before. */
    private SessionRegistry.Routing routing;

    private final BundleContext context;

    /**
     * Greedy: a newly deployed policy with a higher ranking takes over without a restart. Injected
     * with its service properties, so that management can tell which policy is active.
     */
    private volatile Map.Entry<Map<String, Object>, RoutingPolicy> policy;

    @Reference(name = "policy", service = RoutingPolicy.class, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindPolicy(RoutingPolicy routing, Map<String, Object> properties) {
        Map.Entry<Map<String, Object>, RoutingPolicy> previous = policy;
        policy = Map.entry(properties, routing);
        // Said in the log, so that a policy deployed or removed under traffic never takes over silently.
        if (previous == null) {
            logger.info("Routing policy {} routes", describe(properties));
        } else if (ranking(properties) > ranking(previous.getKey())) {
            logger.info("Routing policy now {}, instead of {}: it ranks higher", describe(properties), describe(previous.getKey()));
        } else {
            // DS binds a replacement before it unbinds the one replaced: the previous one is going.
            logger.info("Routing policy now {}, instead of {}, which left or no longer matches policy.target", describe(properties),
                    describe(previous.getKey()));
        }
    }

    void updatedPolicy(RoutingPolicy routing, Map<String, Object> properties) {
        policy = Map.entry(properties, routing);
    }

    void unbindPolicy(RoutingPolicy routing, Map<String, Object> properties) {
        // Nothing to do: the reference is mandatory, so the replacement is bound already, or this
        // router is being deactivated for want of any policy.
    }

    private static String describe(Map<String, Object> properties) {
        Object name = properties.get(RoutingPolicy.POLICY_NAME);
        return "'" + (name == null ? "service " + properties.get(Constants.SERVICE_ID) : name) + "' (ranking " + ranking(properties) + ")";
    }

    private static int ranking(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
    }

    /** The access checks bound now, by the OSGi ranking rule (highest first); guarded by itself. */
    private final Map<ServiceReference<AccessCheck>, AccessCheck> accessChecks = new TreeMap<>(Comparator.reverseOrder());

    @Activate
    public RouterComponent(@Reference(name = "logger", service = LoggerFactory.class) Logger logger, BundleContext context,
            @Reference(name = "sessions") SessionRegistry sessions) {
        this.logger = logger;
        this.context = context;
        this.sessions = sessions;
        // The sessions, with their counters and the server's totals, live in the sessions bundle and outlive this router.
        this.core = new RouterCore(sessions, () -> policy.getValue());
        synchronized (accessChecks) {
            core.accessChecks(List.copyOf(accessChecks.values()));
        }
    }

    /**
     * Routing starts only now, once DS has bound the policy and every access check: a packet
     * routed earlier could pass before the ACL is in force.
     */
    @Activate
    void activate() {
        routing = sessions.route(core);
        logger.info("Router started; it routes {} sessions", sessions.sessions().size());
    }

    /**
     * Access checks are a whiteboard: every one is applied, before the routing policy, whatever
     * the policies' rankings. Dynamic and greedy, so that one deployed or removed takes effect at
     * the next packet.
     */
    @Reference(name = "accessCheck", service = AccessCheck.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindAccessCheck(ServiceReference<AccessCheck> reference, AccessCheck check) {
        synchronized (accessChecks) {
            accessChecks.put(reference, check);
            publishAccessChecks("in force", reference);
        }
    }

    void updatedAccessCheck(ServiceReference<AccessCheck> reference, AccessCheck check) {
        synchronized (accessChecks) {
            // A changed ranking moves the reference: take it out and put it back in its new place.
            accessChecks.values().removeIf(known -> known == check);
            accessChecks.put(reference, check);
            publishAccessChecks("re-ranked", reference);
        }
    }

    void unbindAccessCheck(ServiceReference<AccessCheck> reference, AccessCheck check) {
        synchronized (accessChecks) {
            accessChecks.values().removeIf(known -> known == check);
            publishAccessChecks("gone", reference);
        }
    }

    private void publishAccessChecks(String what, ServiceReference<AccessCheck> reference) {
        // The core exists once the constructor ran; DS binds dynamic references after it.
        if (core != null) {
            core.accessChecks(List.copyOf(accessChecks.values()));
        }
        Object name = reference.getProperty(AccessCheck.CHECK_NAME);
        logger.info("Access check '{}' {}; {} in front of routing", name == null ? reference.getProperty(Constants.SERVICE_ID) : name, what,
                accessChecks.size());
    }

    /** {@code policy.target} is applied by DS; nothing else of the configuration is the router's. */
    @Modified
    void modified() {
        // Declared so that a change of the shared PID does not restart the router.
    }

    /**
     * Stops routing and leaves the sessions open: the router bundle may be being updated, and the
     * next router re-reads them. Meanwhile the sessions hold their senders up.
     */
    @Deactivate
    void deactivate() {
        routing.close();
        logger.info("Router stopped; its {} sessions stay open for the next router", sessions.sessions().size());
    }

    @Override
    public List<ClientInfo> clients() {
        return core.clients();
    }

    @Override
    public Optional<ClientInfo> client(Name name) {
        return core.client(name);
    }

    @Override
    public Map<Name, Set<Name>> groups() {
        return core.groups();
    }

    @Override
    public void subscribe(Name client, Collection<Name> groups) {
        core.subscribe(client, groups);
    }

    @Override
    public void unsubscribe(Name client, Collection<Name> groups) {
        core.unsubscribe(client, groups);
    }

    @Override
    public boolean kick(Name client) {
        return core.kick(client);
    }

    @Override
    public int send(Packet packet) {
        return core.send(packet);
    }

    @Override
    public TrafficCounters counters() {
        return core.counters();
    }

    @Override
    public List<PolicyInfo> policies() {
        Map.Entry<Map<String, Object>, RoutingPolicy> active = policy;
        Object activeId = active == null ? null : active.getKey().get(Constants.SERVICE_ID);
        List<ServiceReference<RoutingPolicy>> references;
        try {
            references = new ArrayList<>(context.getServiceReferences(RoutingPolicy.class, null));
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
        // The OSGi ranking rule, as the framework applies it: ServiceReference order, highest first.
        references.sort(Comparator.reverseOrder());
        List<PolicyInfo> policies = new ArrayList<>();
        for (ServiceReference<RoutingPolicy> reference : references) {
            policies.add(info(reference, RoutingPolicy.POLICY_NAME, reference.getProperty(Constants.SERVICE_ID).equals(activeId)));
        }
        return policies;
    }

    @Override
    public List<PolicyInfo> accessChecks() {
        List<PolicyInfo> checks = new ArrayList<>();
        synchronized (accessChecks) {
            for (ServiceReference<AccessCheck> reference : accessChecks.keySet()) {
                checks.add(info(reference, AccessCheck.CHECK_NAME, true));
            }
        }
        return checks;
    }

    private static PolicyInfo info(ServiceReference<?> reference, String nameProperty, boolean active) {
        Object name = reference.getProperty(nameProperty);
        Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
        return new PolicyInfo(name == null ? String.valueOf(reference.getProperty(Constants.OBJECTCLASS)) : name.toString(),
                ranking instanceof Integer ? (Integer) ranking : 0, (Long) reference.getProperty(Constants.SERVICE_ID),
                reference.getBundle() == null ? "?" : reference.getBundle().getSymbolicName(), active);
    }

    @Override
    public Tap tap(Set<Name> names, Consumer<TappedPacket> listener) {
        return core.tap(names, listener);
    }
}
