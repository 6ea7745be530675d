package org.octopipes.launcher;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.octopipes.api.ServerConfiguration;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Puts the server's configuration, {@link ServerConfiguration#PID}, into Config Admin.
 *
 * <p>Like {@link LogForwarder} it calls Config Admin reflectively, through the API classes of the
 * bundle that registered it, so that the launcher's class path carries no second copy of
 * {@code org.osgi.service.cm} and the system bundle exports nothing extra.
 */
final class ServerConfigurationPublisher {

    /** Compiled in as a constant: the launcher's class path has no API classes at run time. */
    static final String SERVER_PID = ServerConfiguration.PID;

    private static final String CONFIGURATION_ADMIN = "org.osgi.service.cm.ConfigurationAdmin";
    private static final String CONFIGURATION = "org.osgi.service.cm.Configuration";
    /** The multi-location that lets whichever bundle holds the server component bind it. */
    private static final String ANY_LOCATION = "?";

    private final BundleContext context;

    ServerConfigurationPublisher(BundleContext context) {
        this.context = context;
    }

    /**
     * Creates or replaces the configuration with exactly these properties. Called even with none,
     * so that the server always sees a configuration and its own defaults apply.
     */
    void publish(Map<String, String> properties, Duration timeout) throws Exception {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, CONFIGURATION_ADMIN, null);
        tracker.open();
        try {
            Object configurationAdmin = tracker.waitForService(timeout.toMillis());
            if (configurationAdmin == null) {
                throw new IllegalStateException("Config Admin did not start within " + timeout.toSeconds() + " s");
            }
            Bundle provider = tracker.getServiceReference().getBundle();
            Object configuration = provider.loadClass(CONFIGURATION_ADMIN)
                    .getMethod("getConfiguration", String.class, String.class)
                    .invoke(configurationAdmin, SERVER_PID, ANY_LOCATION);
            Dictionary<String, Object> dictionary = new Hashtable<>(properties);
            provider.loadClass(CONFIGURATION).getMethod("update", Dictionary.class).invoke(configuration, dictionary);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            tracker.close();
        }
    }
}
