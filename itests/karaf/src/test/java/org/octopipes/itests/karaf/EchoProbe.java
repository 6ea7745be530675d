package org.octopipes.itests.karaf;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Packet;

/**
 * Two clients, alice and bob, in group {@code team}, that tell whether the active routing policy
 * echoes a group packet to its sender. Loaded only once the client library is installed.
 */
final class EchoProbe implements AutoCloseable {

    private final OctopipesClient alice;
    private final OctopipesClient bob;
    private final Duration patience;
    private int probes;

    private EchoProbe(OctopipesClient alice, OctopipesClient bob, Duration patience) {
        this.alice = alice;
        this.bob = bob;
        this.patience = patience;
    }

    static EchoProbe connect(Path cap, Duration patience) throws IOException {
        OctopipesClient alice = OctopipesClient.builder(cap).name("alice").groups("team").connect();
        try {
            return new EchoProbe(alice, OctopipesClient.builder(cap).name("bob").groups("team").connect(), patience);
        } catch (IOException | RuntimeException e) {
            alice.close();
            throw e;
        }
    }

    /**
     * Alice writes to her group; once bob has it, bob writes alice a marker. Under the echo policy
     * alice's own copy was queued to her before bob could see the packet, so it arrives before the
     * marker; under spec the marker is the next thing she reads.
     */
    boolean aliceGetsHerOwnGroupPacket() throws Exception {
        String probe = "probe " + ++probes;
        alice.send("team", probe.getBytes(UTF_8));
        assertEquals(probe, text(bob.receive(patience)));
        String marker = "marker after " + probe;
        bob.send("alice", marker.getBytes(UTF_8));
        String next = text(alice.receive(patience));
        if (next.equals(marker)) {
            return false;
        }
        assertEquals(probe, next);
        assertEquals(marker, text(alice.receive(patience)));
        return true;
    }

    boolean bothOpen() {
        return alice.isOpen() && bob.isOpen();
    }

    private String text(Packet packet) {
        assertNotNull("a packet within " + patience, packet);
        return new String(packet.payloadBytes(), UTF_8);
    }

    @Override
    public void close() {
        try {
            alice.close();
        } finally {
            bob.close();
        }
    }
}
