package org.octopipes.launcher;

import java.io.IOException;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.octopipes.api.ServerConfiguration;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Puts the server's configuration, {@link ServerConfiguration#PID}, into Config Admin, through
 * its API: the launcher's class path carries {@code org.osgi.service.cm} and the system bundle
 * exports it ({@link #SYSTEM_PACKAGES}), so Config Admin and the launcher share one copy of it,
 * as Felix's embedding guide has a host application share the packages it talks through.
 */
final class ServerConfigurationPublisher {

    /** Compiled in as a constant: the launcher's class path has no Octopipes API classes at run time. */
    static final String SERVER_PID = ServerConfiguration.PID;

    /**
     * What the system bundle exports for the launcher: the Config Admin API at the version of the
     * {@code org.osgi.service.cm} artifact shaded into the launcher (see its pom). Higher than the
     * 1.6.0 that Felix Config Admin exports from its own copy, and inside the range it imports, so
     * the resolver wires Config Admin and every bundle to the launcher's copy.
     */
    static final String SYSTEM_PACKAGES = "org.osgi.service.cm;version=1.6.1";

    /** The multi-location that lets whichever bundle holds a component bind its configuration. */
    static final String ANY_LOCATION = "?";

    /** Work done with Config Admin. */
    @FunctionalInterface
    interface WithConfigurationAdmin {
        void run(ConfigurationAdmin configurationAdmin) throws IOException;
    }

    private final BundleContext context;

    ServerConfigurationPublisher(BundleContext context) {
        this.context = context;
    }

    /**
     * Creates or replaces the configuration with exactly these properties. Called even with none,
     * so that the server always sees a configuration and its own defaults apply.
     */
    void publish(Map<String, String> properties, Duration timeout) throws IOException, InterruptedException {
        withConfigurationAdmin(context, timeout, configurationAdmin -> {
            Configuration configuration = configurationAdmin.getConfiguration(SERVER_PID, ANY_LOCATION);
            Dictionary<String, Object> dictionary = new Hashtable<>(properties);
            configuration.update(dictionary);
        });
    }

    /** Runs {@code work} with Config Admin once it is there, waiting for it up to {@code timeout}. */
    static void withConfigurationAdmin(BundleContext context, Duration timeout, WithConfigurationAdmin work)
            throws IOException, InterruptedException {
        ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker = new ServiceTracker<>(context, ConfigurationAdmin.class, null);
        tracker.open();
        try {
            ConfigurationAdmin configurationAdmin = tracker.waitForService(timeout.toMillis());
            if (configurationAdmin == null) {
                throw new IllegalStateException("Config Admin did not start within " + timeout.toSeconds() + " s");
            }
            work.run(configurationAdmin);
        } finally {
            tracker.close();
        }
    }
}
