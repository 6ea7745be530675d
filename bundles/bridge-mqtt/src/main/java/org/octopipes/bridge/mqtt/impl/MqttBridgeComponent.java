package org.octopipes.bridge.mqtt.impl;

import java.util.Map;
import org.octopipes.api.session.SessionRegistry;
import org.octopipes.api.transport.Sessions;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One MQTT bridge per factory configuration of {@code org.octopipes.bridge.mqtt}. Its session lives
 * in the sessions bundle, as the transports' clients do: while the router bundle is updated the
 * bridge keeps its session, its broker connections and its buffer, and the import waits. A
 * configuration change restarts the bridge (what it publishes and subscribes to may all change);
 * the broker keeps its persistent session meanwhile, so nothing published to it is lost.
 */
// No DS service: the bridge's status is registered by hand, as the bridge itself, once it runs.
@Component(service = {}, immediate = true, configurationPid = BridgeConfiguration.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = BridgeConfiguration.class, factory = true)
public final class MqttBridgeComponent {

    private final MqttBridge bridge;
    private final ServiceRegistration<BridgeStatus> status;
    private final AutoCloseable mbean;
    private final Logger logger;

    @Activate
    public MqttBridgeComponent(@Reference(name = "logger", service = LoggerFactory.class) Logger logger, BridgeConfiguration configuration,
            Map<String, Object> properties, BundleContext context, @Reference(name = "sessions") Sessions sessions,
            @Reference(name = "registry") SessionRegistry registry) throws Exception {
        this.logger = logger;
        BridgeSettings settings;
        try {
            settings = BridgeSettings.from(configuration, properties);
        } catch (IllegalArgumentException e) {
            logger.error("The MQTT bridge configuration {} is not usable: {}", properties.get("service.pid"), e.getMessage());
            throw e;
        }
        try {
            bridge = new MqttBridge(settings, sessions, registry, logger);
            bridge.start();
        } catch (Exception e) {
            // The TLS stores cannot be read, say, or the bridge's client name is taken.
            logger.error("MQTT bridge '{}' cannot start: {}", settings.name(), e.toString());
            throw e;
        }
        status = context.registerService(BridgeStatus.class, bridge, null);
        AutoCloseable registered = null;
        try {
            registered = BridgeMBean.register(bridge);
        } catch (Exception e) {
            // JMX is for watching; a bridge without its MBean still bridges.
            logger.warn("MQTT bridge '{}' has no MBean: {}", settings.name(), e.toString());
        }
        mbean = registered;
    }

    @Deactivate
    void deactivate() {
        if (mbean != null) {
            try {
                mbean.close();
            } catch (Exception e) {
                logger.warn("MQTT bridge '{}': its MBean could not be unregistered: {}", bridge.name(), e.toString());
            }
        }
        try {
            status.unregister();
        } catch (IllegalStateException alreadyGone) {
            // The framework unregisters a stopping bundle's services itself.
        }
        bridge.stop();
    }
}
