package org.octopipes.transport.support;

import java.util.Dictionary;
import java.util.Hashtable;
import org.octopipes.api.transport.Transport;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A transport's {@link Transport} service, registered by hand, not by DS, because its address is
 * known only once the configuration is resolved, and announced again when the transport moves.
 */
public final class TransportService {

    private final Transport transport;
    private final ServiceRegistration<Transport> registration;

    private TransportService(Transport transport, ServiceRegistration<Transport> registration) {
        this.transport = transport;
        this.registration = registration;
    }

    /** Registers {@code transport} with its name and its address now. */
    public static TransportService register(BundleContext context, Transport transport) {
        return new TransportService(transport, context.registerService(Transport.class, transport, properties(transport)));
    }

    /** Announces the transport's address again, after a configuration change moved it. */
    public void addressChanged() {
        registration.setProperties(properties(transport));
    }

    public void unregister() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // The framework unregisters a stopping bundle's services itself.
        }
    }

    private static Dictionary<String, Object> properties(Transport transport) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Transport.TRANSPORT_NAME, transport.name());
        properties.put(Transport.TRANSPORT_ADDRESS, transport.address());
        return properties;
    }
}
