package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import java.time.Duration;
import org.octopipes.api.transport.Sessions;
import org.octopipes.api.transport.Transport;
import org.octopipes.transport.handover.Handover;
import org.octopipes.transport.handover.Parcel;
import org.octopipes.transport.support.TransportService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The FIFO transport as an OSGi component: serves the CAP and the client FIFOs with the
 * server's configuration ({@link org.octopipes.api.ServerConfiguration#PID}), and announces itself as a {@link Transport}
 * service whose address is the CAP's path.
 *
 * <p>Built to be updated under traffic. The clients' sessions live in the sessions bundle, which
 * stays: a router update is no concern of the transport's (the sessions hold the clients up
 * meanwhile, and the transport reads nothing from a client held up). When this component stops
 * with its bundle (update,
 * refresh, stop), the server hands its state, FIFOs still open, to the {@link Handover} service
 * for the next instance, which adopts it; nobody adopting within {@link #HANDOVER_LEASE}, the
 * holder lets the clients go and deletes the FIFOs.
 */
// No DS service: the Transport service is registered by hand, with the resolved address.
@Component(service = {}, immediate = true, configurationPid = FifoServerConfiguration.PID)
@Designate(ocd = FifoServerConfiguration.class)
public final class FifoTransportComponent implements Transport {

    // ComponentConstants' values, fixed by the DS specification; spelled out so as not to import the DS API package for two ints.
    private static final int DEACTIVATION_REASON_REFERENCE = 5;
    private static final int DEACTIVATION_REASON_BUNDLE_STOPPED = 6;

    /** How long the holder keeps the state for the next instance before it lets the clients go. */
    static final Duration HANDOVER_LEASE = Duration.ofSeconds(30);

    private final Logger logger;
    private final Handover handover;
    private final TransportService service;
    private final Sessions sessions;
    /** Serialises configuration changes with stopping. */
    private final Object lifecycle = new Object();
    /** Replaced when a configuration change moves the FIFOs; read by management threads. */
    private volatile FifoServer server;

    @Activate
    public FifoTransportComponent(@Reference(name = "logger", service = LoggerFactory.class) Logger logger,
            @Reference(name = "handover") Handover handover, @Reference(name = "sessions") Sessions sessions, FifoServerConfiguration configuration,
            BundleContext context) throws IOException {
        this.logger = logger;
        this.handover = handover;
        this.sessions = sessions;
        FifoSettings settings = settings(configuration);
        synchronized (lifecycle) {
            server = startServer(settings, handover.take(key(settings)).orElse(null));
        }
        // Registered by hand, not by DS, because the address is known only once the configuration is resolved.
        service = TransportService.register(context, this);
    }

    /**
     * A configuration change: the router's limits share this PID, and Karaf rewrites the file it
     * keeps the configuration in, so most changes leave the FIFO settings as they were; then the
     * clients stay connected. Otherwise the server moves, and its clients must subscribe again.
     */
    @Modified
    void modified(FifoServerConfiguration configuration) throws IOException {
        FifoSettings previous = server.settings();
        FifoSettings settings;
        try {
            settings = settings(configuration);
        } catch (IllegalArgumentException unusable) {
            logger.error("Keeping the FIFO transport as it is, with CAP {}", previous.capPath());
            return;
        }
        if (settings.equals(previous)) {
            return;
        }
        logger.info("FIFO settings changed: restarting the FIFO transport; its clients must subscribe again");
        synchronized (lifecycle) {
            server.stop();
            try {
                server = startServer(settings, null);
            } catch (IOException | RuntimeException e) {
                // A configuration that cannot work must not leave the server down: go back to the last one that did.
                logger.error("Going back to the FIFO settings that worked, with CAP {}", previous.capPath());
                server = startServer(previous, null);
            }
        }
        service.addressChanged();
    }

    /** The key of a server's state in the holder: one per CAP. */
    private static String key(FifoSettings settings) {
        return "fifo:" + settings.capPath();
    }

    private FifoServer startServer(FifoSettings settings, Parcel previous) throws IOException {
        FifoServer started = new FifoServer(settings, sessions, logger);
        try {
            started.start(previous);
        } catch (IOException | RuntimeException e) {
            logger.error("The FIFO transport cannot start with CAP {} and clients folder {}: {}", settings.capPath(), settings.clientsDir(), e.getMessage(), e);
            throw e;
        }
        return started;
    }

    private FifoSettings settings(FifoServerConfiguration configuration) {
        try {
            return FifoSettings.from(configuration);
        } catch (IllegalArgumentException e) {
            logger.error("The configuration {} is not usable: {}", FifoServerConfiguration.PID, e.getMessage());
            throw e;
        }
    }

    /**
     * Stopping with the bundle (update, refresh, stop, framework shutdown) or because a reference
     * left: the state goes to the holder, for the next instance. Disabled or disposed for good:
     * the clients are let go and the FIFOs deleted at once.
     */
    @Deactivate
    void deactivate(int reason) {
        service.unregister();
        synchronized (lifecycle) {
            if (reason == DEACTIVATION_REASON_BUNDLE_STOPPED || reason == DEACTIVATION_REASON_REFERENCE) {
                Parcel state = server.handOver();
                if (state != null) {
                    handover.deposit(key(server.settings()), state, HANDOVER_LEASE);
                }
            } else {
                server.stop();
            }
        }
    }

    @Override
    public String name() {
        return FifoServer.TRANSPORT_NAME;
    }

    @Override
    public String address() {
        return server.settings().capPath().toString();
    }

    @Override
    public int clientCount() {
        return server.clientCount();
    }
}
