package org.octopipes.transport.unix.impl;

import java.io.IOException;
import java.util.Map;
import org.octopipes.api.transport.Sessions;
import org.octopipes.api.transport.Transport;
import org.octopipes.transport.support.TransportService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The Unix socket transport as an OSGi component: serves the socket of PID
 * {@code org.octopipes.transport.unix} and announces itself as a {@link Transport} service whose
 * address is the socket's path. Its clients' sessions live in the sessions bundle: when the router
 * is updated the connections stay open, unread while no router routes.
 */
// No DS service: the Transport service is registered by hand, with the resolved address.
// Also the server's PID, before its own, which overrides it: the socket goes beside the CAP that
// configuration names, and max.payload and queue.bytes follow the server's unless set here.
@Component(service = {}, immediate = true, configurationPid = {UnixTransportConfiguration.SERVER_PID, UnixTransportConfiguration.PID})
public final class UnixTransportComponent implements Transport {

    /** The server configuration's property that names the CAP, beside which the socket goes by default. */
    static final String CAP_PATH = "cap.path";

    private final Logger logger;
    private final TransportService service;
    /** Replaced when a configuration change moves the socket; read by management threads. */
    private volatile UnixServer server;
    private final Sessions sessions;

    @Activate
    public UnixTransportComponent(@Reference(name = "logger", service = LoggerFactory.class) Logger logger,
            @Reference(name = "sessions") Sessions sessions, UnixTransportConfiguration configuration, Map<String, Object> properties,
            BundleContext context) throws IOException {
        this.logger = logger;
        this.sessions = sessions;
        synchronized (this) {
            server = startServer(settings(configuration, properties));
        }
        // Registered by hand, not by DS, because the address is known only once the configuration is resolved.
        service = TransportService.register(context, this);
    }

    /** A configuration change: only a change of this transport's settings restarts it. */
    @Modified
    synchronized void modified(UnixTransportConfiguration configuration, Map<String, Object> properties) throws IOException {
        UnixSettings previous = server.settings();
        UnixSettings settings;
        try {
            settings = settings(configuration, properties);
        } catch (IllegalArgumentException unusable) {
            logger.error("Keeping the Unix socket transport as it is, at {}", previous.socketPath());
            return;
        }
        if (settings.equals(previous)) {
            return;
        }
        logger.info("Unix socket settings changed: restarting the Unix socket transport; its clients must connect again");
        server.stop();
        try {
            server = startServer(settings);
        } catch (IOException | RuntimeException e) {
            // A configuration that cannot work must not leave the transport down: go back to the last one that did.
            logger.error("Going back to the Unix socket settings that worked, at {}", previous.socketPath());
            server = startServer(previous);
        }
        service.addressChanged();
    }

    private UnixServer startServer(UnixSettings settings) throws IOException {
        UnixServer started = new UnixServer(settings, sessions, logger);
        try {
            started.start();
        } catch (IOException | RuntimeException e) {
            logger.error("The Unix socket transport cannot start at {}: {}", settings.socketPath(), e.getMessage(), e);
            throw e;
        }
        return started;
    }

    private UnixSettings settings(UnixTransportConfiguration configuration, Map<String, Object> properties) {
        Object capPath = properties.get(CAP_PATH);
        try {
            return UnixSettings.from(configuration, capPath == null ? null : capPath.toString());
        } catch (IllegalArgumentException e) {
            logger.error("The configuration {} is not usable: {}", UnixTransportConfiguration.PID, e.getMessage());
            throw e;
        }
    }

    @Deactivate
    synchronized void deactivate() {
        service.unregister();
        server.stop();
    }

    @Override
    public String name() {
        return UnixServer.TRANSPORT_NAME;
    }

    @Override
    public String address() {
        return server.settings().socketPath().toString();
    }

    @Override
    public int clientCount() {
        return server.clientCount();
    }
}
