package org.octopipes.jmx.impl;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.octopipes.api.Broker;
import org.octopipes.api.ClientInfo;
import org.octopipes.codec.Name;
import org.osgi.service.log.Logger;

/**
 * Our MBeans in one MBeanServer: the Server MBean, and one Client MBean per subscribed client,
 * which {@link #synchronizeClients()} brings in step with the broker's clients. The router has
 * no events for clients coming and going, and listening to every packet would cost it, so the set
 * is compared with {@link Broker#clients()} instead, when the owner asks.
 */
final class OctopipesMBeans {

    private final Broker broker;
    private final MBeanServer server;
    private final Logger logger;

    /** Client name to its MBean's name; null for a client whose MBean could not be registered. */
    private final Map<Name, ObjectName> clientMBeans = new LinkedHashMap<>();
    private boolean open;

    OctopipesMBeans(Broker broker, MBeanServer server, Logger logger) {
        this.broker = broker;
        this.server = server;
        this.logger = logger;
    }

    /**
     * Registers the Server MBean and the MBeans of the clients subscribed now.
     *
     * @throws JMException if the Server MBean cannot be registered, e.g. another Octopipes server
     *     in this JVM has it
     */
    synchronized void open() throws JMException {
        server.registerMBean(new DescribedMXBean<>(new ServerView(broker, this::synchronizeClients), ServerMXBean.class),
                MBeanNames.SERVER);
        open = true;
        try {
            synchronizeClients();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Registers an MBean for each client that has none and unregisters those of clients gone. */
    synchronized void synchronizeClients() {
        if (!open) {
            return;
        }
        Set<Name> subscribed = new LinkedHashSet<>();
        for (ClientInfo client : broker.clients()) {
            subscribed.add(client.name());
        }
        for (Iterator<Map.Entry<Name, ObjectName>> known = clientMBeans.entrySet().iterator(); known.hasNext();) {
            Map.Entry<Name, ObjectName> client = known.next();
            if (!subscribed.contains(client.getKey())) {
                unregister(client.getValue());
                known.remove();
            }
        }
        for (Name client : subscribed) {
            if (!clientMBeans.containsKey(client)) {
                clientMBeans.put(client, register(client));
            }
        }
    }

    /** Unregisters every MBean of ours; nothing is registered again after. */
    synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        for (ObjectName client : clientMBeans.values()) {
            unregister(client);
        }
        clientMBeans.clear();
        unregister(MBeanNames.SERVER);
    }

    /** The MBean's name, or null if it could not be registered; not retried until the client leaves, so as to warn once. */
    private ObjectName register(Name client) {
        ObjectName name = MBeanNames.client(client);
        try {
            server.registerMBean(new DescribedMXBean<>(new ClientView(broker, client), ClientMXBean.class), name);
            logger.debug("Registered MBean {}", name);
            return name;
        } catch (JMException | RuntimeException e) {
            logger.warn("No MBean for client '{}': {} cannot be registered", client, name, e);
            return null;
        }
    }

    private void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            server.unregisterMBean(name);
            logger.debug("Unregistered MBean {}", name);
        } catch (InstanceNotFoundException alreadyGone) {
            // Someone else unregistered it; what we wanted is done.
        } catch (JMException | RuntimeException e) {
            logger.warn("Could not unregister MBean {}", name, e);
        }
    }
}
