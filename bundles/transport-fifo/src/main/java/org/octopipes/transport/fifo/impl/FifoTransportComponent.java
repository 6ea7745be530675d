package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import org.octopipes.api.transport.Router;
import org.octopipes.api.transport.Transport;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
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
 * configuration of PID {@code org.octopipes.server}, and announces itself as a {@link Transport}
 * service whose address is the CAP's path.
 */
// No DS service: the Transport service is registered by hand, with the resolved address.
@Component(service = {}, immediate = true, configurationPid = FifoServerConfiguration.PID)
@Designate(ocd = FifoServerConfiguration.class)
public final class FifoTransportComponent implements Transport {

    private final Router router;
    private final Logger logger;
    private final ServiceRegistration<Transport> registration;
    /** Replaced when a configuration change moves the FIFOs; read by management threads. */
    private volatile FifoServer server;

    @Activate
    public FifoTransportComponent(@Reference(name = "router") Router router,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger,
            FifoServerConfiguration configuration, BundleContext context) throws IOException {
        this.router = router;
        this.logger = logger;
        server = startServer(settings(configuration));
        // Registered by hand, not by DS, because the address is known only once the configuration is resolved.
        registration = context.registerService(Transport.class, this, serviceProperties());
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
        server.stop();
        try {
            server = startServer(settings);
        } catch (IOException | RuntimeException e) {
            // A configuration that cannot work must not leave the server down: go back to the last one that did.
            logger.error("Going back to the FIFO settings that worked, with CAP {}", previous.capPath());
            server = startServer(previous);
        }
        registration.setProperties(serviceProperties());
    }

    private FifoServer startServer(FifoSettings settings) throws IOException {
        FifoServer started = new FifoServer(settings, router, logger);
        try {
            started.start();
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

    private Dictionary<String, Object> serviceProperties() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(TRANSPORT_NAME, name());
        properties.put(TRANSPORT_ADDRESS, address());
        return properties;
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // The framework unregisters a stopping bundle's services itself.
        }
        server.stop();
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
