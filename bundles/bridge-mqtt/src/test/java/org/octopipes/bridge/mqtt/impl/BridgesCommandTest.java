package org.octopipes.bridge.mqtt.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BridgesCommandTest {

    /** A bridge's status at one moment. */
    private record Status(String name, String broker, String clientId, boolean connected, int queuedPackets, long queuedBytes,
            long sent, long received, long dropped, int remoteNames, int importersWaitedFor, long importersGivenUp) implements BridgeStatus {
    }

    @Test
    void oneAlignedRowPerBridgeTextToTheLeftCountsToTheRight() {
        String table = BridgesCommand.table(List.of(
                new Status("site", "tcp://mq:1883", "octopipes-a-site", true, 0, 0, 21, 1, 0, 1, 2, 0),
                new Status("backup", "ssl://mq2:8883", "octopipes-a-backup", false, 1200, 48000, 3, 0, 7, 0, 0, 1)));
        assertThat(table.lines()).containsExactly(
                "NAME    BROKER          CLIENT ID           CONNECTED  QUEUED  QUEUED BYTES  SENT  RECEIVED  DROPPED  REMOTES  IMPORTERS  GIVEN UP",
                "site    tcp://mq:1883   octopipes-a-site    yes             0             0    21         1        0        1          2         0",
                "backup  ssl://mq2:8883  octopipes-a-backup  no           1200         48000     3         0        7        0          0         1");
    }

    @Test
    void withoutABridgeItSaysHowToConfigureOne() {
        assertThat(BridgesCommand.table(List.of())).contains("org.octopipes.bridge.mqtt");
    }
}
