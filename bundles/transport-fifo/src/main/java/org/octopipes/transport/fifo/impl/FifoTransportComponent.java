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
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The FIFO transport as an OSGi component: serves the CAP and the client FIFOs with the
 * configuration of PID {@code org.octopipes.server}, and announces itself as a {@link Transport}
 * service whose address is the CAP's path. A configuration change restarts it.
 */
// No DS service: the Transport service is registered by hand, with the resolved address.
@Component(service = {}, immediate = true, configurationPid = FifoServerConfiguration.PID)
@Designate(ocd = FifoServerConfiguration.class)
public final class FifoTransportComponent implements Transport {

    private final FifoServer server;
    private final ServiceRegistration<Transport> registration;

    @Activate
    public FifoTransportComponent(@Reference(name = "router") Router router,
            @Reference(name = "logger", service = LoggerFactory.class) Logger logger,
            FifoServerConfiguration configuration, BundleContext context) throws IOException {
        FifoSettings settings;
        try {
            settings = FifoSettings.from(configuration);
        } catch (IllegalArgumentException e) {
            logger.error("The configuration {} is not usable: {}", FifoServerConfiguration.PID, e.getMessage());
            throw e;
        }
        server = new FifoServer(settings, router, logger);
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            logger.error("The FIFO transport cannot start with CAP {} and clients folder {}: {}", settings.capPath(), settings.clientsDir(), e.getMessage(), e);
            throw e;
        }
        // Registered by hand, not by DS, because the address is known only once the configuration is resolved.
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(TRANSPORT_NAME, name());
        properties.put(TRANSPORT_ADDRESS, address());
        registration = context.registerService(Transport.class, this, properties);
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
