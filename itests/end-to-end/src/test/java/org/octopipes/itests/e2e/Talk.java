package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Packet;

/** Assertions on Java clients that talk through a server under test. */
final class Talk {

    static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(20);

    private Talk() {
    }

    /** {@code from} sends {@code text} to {@code to}, which receives it as the next packet. */
    static void assertTalk(OctopipesClient from, OctopipesClient to, String text) throws Exception {
        from.send(to.name(), text.getBytes(StandardCharsets.UTF_8));
        Packet packet = to.receive(RECEIVE_TIMEOUT);
        assertThat(payloadOf(packet)).as(to.name() + " receives what " + from.name() + " sent").isEqualTo(text);
        assertThat(packet.origin()).isEqualTo(from.name());
    }

    /** The payload as UTF-8, after asserting that a packet came. */
    static String payloadOf(Packet packet) {
        assertThat(packet).as("a packet within " + RECEIVE_TIMEOUT).isNotNull();
        return new String(packet.payloadBytes(), StandardCharsets.UTF_8);
    }
}
