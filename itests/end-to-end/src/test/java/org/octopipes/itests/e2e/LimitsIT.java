package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.octopipes.itests.e2e.Talk.RECEIVE_TIMEOUT;
import static org.octopipes.itests.e2e.Talk.assertTalk;
import static org.octopipes.itests.e2e.Talk.payloadOf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.octopipes.client.Message;
import org.octopipes.client.OctopipesClient;
import org.octopipes.client.SubscriptionException;
import org.octopipes.codec.Packet;

/**
 * Each configurable limit of {@code org.octopipes.server}, enforced by the launcher in its own
 * process: {@code max.clients} and {@code max.groups} refuse a subscription with ASSIGNMENT error 2,
 * {@code max.payload} drops a packet as MALFORMED (TOO_LARGE), {@code queue.bytes} drops what a
 * client that does not read has no room for as QUEUE_FULL; each drop is counted and logged, and
 * the others go on. The tests run one after another, so the clients of one never count in another.
 */
class LimitsIT {

    private static final int MAX_CLIENTS = 4;
    private static final int MAX_GROUPS = 3;
    private static final int MAX_PAYLOAD = 1024;
    private static final int QUEUE_BYTES = 65536;

    private static LauncherServer server;

    @BeforeAll
    static void startServer() throws IOException, InterruptedException {
        Path run = LauncherServer.runFolder("octopipes-limits-");
        server = LauncherServer.start("LimitsIT", run, run.resolve("clients"), "max.clients=" + MAX_CLIENTS + "\nmax.groups=" + MAX_GROUPS
                + "\nmax.payload=" + MAX_PAYLOAD + "\nqueue.bytes=" + QUEUE_BYTES + "\n");
    }

    @AfterAll
    static void stopServer() throws Exception {
        assertThat(server.stop()).as("exit status after SIGTERM").isZero();
        assertThat(server.clients.toFile().list()).as("no client FIFO is left behind").isEmpty();
    }

    @Test
    void subscriptionsBeyondMaxClientsAreRefusedWithError2() throws Exception {
        List<OctopipesClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CLIENTS; i++) {
                clients.add(server.connect("client-" + i));
            }
            assertRefusedWithError2("one-too-many");
            server.awaitLog("Refused a subscription as 'one-too-many': the server has its maximum of " + MAX_CLIENTS + " clients");
            assertTalk(clients.get(0), clients.get(MAX_CLIENTS - 1), "the others are fine");

            clients.remove(0).close();
            try (OctopipesClient now = server.connect("one-too-many")) {
                assertTalk(now, clients.get(0), "a place came free");
            }
        } finally {
            clients.forEach(OctopipesClient::close);
        }
    }

    @Test
    void subscriptionsWithMoreThanMaxGroupsAreRefusedWithError2() throws Exception {
        assertThatThrownBy(() -> server.connect("greedy", "g1", "g2", "g3", "g4"))
                .isInstanceOfSatisfying(SubscriptionException.class,
                        e -> assertThat(e.reason()).isEqualTo(SubscriptionException.Reason.SERVER_FS_ERROR));
        server.awaitLog("Refused a subscription as 'greedy': it asked for 4 groups; the server allows " + MAX_GROUPS + " per client");

        try (OctopipesClient modest = server.connect("greedy", "g1", "g2", "g3");
                OctopipesClient sender = server.connect("group-sender")) {
            sender.send("g3", "to the third group".getBytes(StandardCharsets.UTF_8));
            assertThat(payloadOf(modest.receive(RECEIVE_TIMEOUT))).isEqualTo("to the third group");
        }
    }

    @Test
    void aPayloadAboveMaxPayloadIsDroppedCountedAndLogged() throws Exception {
        try (OctopipesClient sender = server.connect("big-sender");
                OctopipesClient receiver = server.connect("big-receiver")) {
            sender.send("big-receiver", new byte[MAX_PAYLOAD + 1]);
            sender.send("big-receiver", new byte[MAX_PAYLOAD]);

            Packet packet = receiver.receive(RECEIVE_TIMEOUT);
            assertThat(packet).isNotNull();
            assertThat(packet.payloadLength()).as("the first packet that arrives is the one of max.payload").isEqualTo(MAX_PAYLOAD);
            server.awaitLog("Dropped 1 packet(s) for client 'big-sender': MALFORMED (TOO_LARGE)");
        }
    }

    @Test
    void whatDoesNotFitTheQueueOfAClientThatDoesNotReadIsDroppedCountedAndLogged() throws Exception {
        int count = 300;
        // The sleeper takes one packet and never reads again: its RX FIFO (64 KiB) and its queue
        // on the server (queue.bytes, 64 KiB) fill up, and the rest is dropped.
        try (OctopipesClient sleeper = OctopipesClient.builder(server.cap).name("sleeper").receiveQueueCapacity(1)
                        .subscribeTimeout(LauncherServer.SUBSCRIBE_TIMEOUT).connect();
                OctopipesClient publisher = server.connect("publisher");
                OctopipesClient other = server.connect("other")) {
            for (int i = 0; i < count; i++) {
                publisher.send(Message.to("sleeper").payload(new byte[1000]).ttl(0));
            }
            server.awaitLog("Dropped 1 packet(s) for client 'sleeper': QUEUE_FULL");
            assertTalk(publisher, other, "others are not held up");

            int received = 0;
            while (sleeper.receive(Duration.ofSeconds(2)) != null) {
                received++;
            }
            assertThat(received).as("what the sleeper got once it read again: its FIFO and queue, not all").isBetween(64, count - 1);
        }
    }


    private static void assertRefusedWithError2(String name) {
        assertThatThrownBy(() -> server.connect(name)).as(name)
                .isInstanceOfSatisfying(SubscriptionException.class,
                        e -> assertThat(e.reason()).isEqualTo(SubscriptionException.Reason.SERVER_FS_ERROR));
    }


}
