package org.octopipes.sessions.impl;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.octopipes.api.Credentials;
import org.octopipes.api.DropReason;
import org.octopipes.api.ServerConfiguration;
import org.octopipes.api.TrafficCounters;
import org.octopipes.api.session.ClientSession;
import org.octopipes.api.session.RoutingEngine;
import org.octopipes.api.session.SessionRegistry;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.Session;
import org.octopipes.api.transport.Sessions;
import org.octopipes.api.transport.TrafficCounter;
import org.octopipes.codec.Name;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The clients' sessions as OSGi services: {@link Sessions} for the transports, {@link SessionRegistry}
 * for the router and management, both over one {@link SessionBook}. This bundle stays while the
 * router and the transports are updated, so the sessions, their counters and the server's totals
 * outlive them.
 */
// Immediate: a delayed component would be deactivated, and every session with it, whenever its
// last user let go of it, as the router does when it is updated.
@Component(service = {Sessions.class, SessionRegistry.class}, immediate = true, configurationPid = ServerConfiguration.PID)
@Designate(ocd = SessionsConfiguration.class)
public final class SessionsComponent implements Sessions, SessionRegistry {

    private final SessionBook book;
    private final Logger logger;

    @Activate
    public SessionsComponent(@Reference(name = "logger", service = LoggerFactory.class) Logger logger, SessionsConfiguration configuration) {
        this.logger = logger;
        this.book = new SessionBook(logger, configuration.max_clients(), configuration.max_groups());
        book.owners(owners(configuration));
        book.quotas(configuration.quota_clients_per_user(), configuration.quota_bytes_per_user());
        logger.info("Sessions started; at most {} clients, {} groups each; {}", configuration.max_clients(), configuration.max_groups(),
                book.owners());
    }

    @Modified
    void modified(SessionsConfiguration configuration) {
        book.limits(configuration.max_clients(), configuration.max_groups());
        book.owners(owners(configuration));
        book.quotas(configuration.quota_clients_per_user(), configuration.quota_bytes_per_user());
        logger.info("Sessions reconfigured; at most {} clients, {} groups each; {}", configuration.max_clients(), configuration.max_groups(),
                book.owners());
    }

    /**
     * Rules that cannot be read keep every name that could be owned from being taken: fail
     * closed, as the ACL does, rather than hand reserved names to anybody.
     */
    private NameOwners owners(SessionsConfiguration configuration) {
        try {
            return NameOwners.parse(configuration.names_owners());
        } catch (IllegalArgumentException e) {
            logger.error("names.owners is invalid, so only the Unix socket's root may subscribe until it is fixed: {}", e.getMessage());
            return NameOwners.parse("*=root");
        }
    }

    @Deactivate
    void deactivate() {
        // The transports, which hold this service, stopped before it and closed their sessions.
        logger.info("Sessions stopped; {} still open", book.sessions().size());
    }

    @Override
    public Session open(Name name, Collection<Name> groups, Outlet outlet, Sender sender, Credentials credentials) {
        return book.open(name, groups, outlet, sender, credentials);
    }

    @Override
    public void dropped(DropReason reason, int packets, String detail) {
        book.dropped(reason, packets, detail);
    }

    @Override
    public Routing route(RoutingEngine engine) {
        return book.route(engine);
    }

    @Override
    public List<ClientSession> sessions() {
        return book.sessions();
    }

    @Override
    public Optional<ClientSession> session(Name name) {
        return book.session(name);
    }

    @Override
    public void changeGroups(Name client, Collection<Name> groups, boolean add) {
        book.changeGroups(client, groups, add);
    }

    @Override
    public TrafficCounter sentByServer() {
        return book.sentByServer();
    }

    @Override
    public TrafficCounters counters() {
        return book.counters();
    }
}
