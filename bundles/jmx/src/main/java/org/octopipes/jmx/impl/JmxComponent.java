package org.octopipes.jmx.impl;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import org.octopipes.api.Broker;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Publishes the broker as MXBeans in the platform MBeanServer, the one JConsole attaches to and
 * the one Karaf's JMX connector serves, and keeps the client MBeans in step with the clients
 * once a second. The broker is a static reference: when the router goes, the MBeans go with it.
 */
@Component
public final class JmxComponent {

    /** A client that subscribes shows up in JConsole's tree within this time; a kick through JMX removes its MBean at once. */
    static final long CLIENT_REFRESH_MILLIS = 1000;

    private final OctopipesMBeans mbeans;
    private final ScheduledExecutorService refresher;
    private final Logger logger;

    @Activate
    public JmxComponent(@Reference(name = "broker") Broker broker, @Reference(name = "logger", service = LoggerFactory.class) Logger logger)
            throws JMException {
        this.logger = logger;
        this.mbeans = new OctopipesMBeans(broker, ManagementFactory.getPlatformMBeanServer(), logger);
        mbeans.open();
        refresher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "octopipes-jmx-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::refreshClients, CLIENT_REFRESH_MILLIS, CLIENT_REFRESH_MILLIS, TimeUnit.MILLISECONDS);
        logger.info("MBeans registered under {} in the platform MBeanServer", MBeanNames.DOMAIN);
    }

    @Deactivate
    void deactivate() {
        refresher.shutdownNow();
        mbeans.close();
        logger.info("MBeans under {} unregistered", MBeanNames.DOMAIN);
    }

    /** A scheduled task that throws is never run again, so a failed refresh is logged and the next one tries anew. */
    private void refreshClients() {
        try {
            mbeans.synchronizeClients();
        } catch (RuntimeException e) {
            logger.warn("Could not bring the client MBeans in step with the clients", e);
        }
    }
}
