package org.octopipes.bridge.mqtt.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.octopipes.codec.Name;

class BridgeSettingsTest {

    /** The configuration DS would make of {@code values}: each property not given has its default. */
    private static BridgeConfiguration configuration(Map<String, Object> values) {
        return (BridgeConfiguration) Proxy.newProxyInstance(BridgeConfiguration.class.getClassLoader(), new Class<?>[] {BridgeConfiguration.class},
                (proxy, method, arguments) -> values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    private static Map<String, Object> minimal() {
        Map<String, Object> values = new HashMap<>();
        values.put("broker_uri", "tcp://127.0.0.1:1883");
        values.put("export_groups", new String[] {"team, ops", "admins"});
        return values;
    }

    @Test
    void theNameComesFromTheFactoryConfigurationAndTheGroupsFromCommaSeparatedLists() {
        BridgeSettings settings = BridgeSettings.from(configuration(minimal()),
                Map.of("service.pid", "org.octopipes.bridge.mqtt~site", "felix.fileinstall.filename", "file:/srv/deploy/org.octopipes.bridge.mqtt-site.cfg"));
        assertThat(settings.name()).isEqualTo("site");
        assertThat(settings.clientName()).isEqualTo(Name.of("mqtt-bridge.site"));
        assertThat(settings.clientId()).startsWith("octopipes-").endsWith("-site");
        assertThat(settings.exportGroups()).containsExactlyInAnyOrder(Name.of("team"), Name.of("ops"), Name.of("admins"));
        assertThat(settings.importGroups()).isEmpty();
        assertThat(settings.qos()).isEqualTo(1);
        assertThat(BridgeSettings.from(configuration(minimal()), Map.of("service.pid", "org.octopipes.bridge.mqtt~karaf")).name())
                .isEqualTo("karaf");
    }

    @Test
    void severalBrokerUrisAreKeptInOrder() {
        Map<String, Object> values = minimal();
        values.put("broker_uri", "tcp://mq1:1883, ssl://mq2:8883");
        assertThat(BridgeSettings.from(configuration(values), Map.of()).brokerUris()).containsExactly("tcp://mq1:1883", "ssl://mq2:8883");
    }

    @Test
    void unusableValuesAreRefusedWithTheirName() {
        Map<String, Object> badUri = minimal();
        badUri.put("broker_uri", "http://broker");
        assertThatThrownBy(() -> BridgeSettings.from(configuration(badUri), Map.of())).hasMessageContaining("broker.uri");

        Map<String, Object> nothingBridged = minimal();
        nothingBridged.put("export_groups", new String[0]);
        assertThatThrownBy(() -> BridgeSettings.from(configuration(nothingBridged), Map.of())).hasMessageContaining("would do nothing");

        Map<String, Object> badQos = minimal();
        badQos.put("qos", 2);
        assertThatThrownBy(() -> BridgeSettings.from(configuration(badQos), Map.of())).hasMessageContaining("qos");

        Map<String, Object> badClientId = minimal();
        badClientId.put("client_id", "with/slash");
        assertThatThrownBy(() -> BridgeSettings.from(configuration(badClientId), Map.of())).hasMessageContaining("client.id");

        Map<String, Object> badPrefix = minimal();
        badPrefix.put("topic_prefix", "octo/+");
        assertThatThrownBy(() -> BridgeSettings.from(configuration(badPrefix), Map.of())).hasMessageContaining("prefix");
    }
}
