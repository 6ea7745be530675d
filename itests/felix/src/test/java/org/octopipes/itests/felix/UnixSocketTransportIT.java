package org.octopipes.itests.felix;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Set;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.octopipes.api.Broker;
import org.octopipes.api.ClientInfo;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.testsupport.NumberedStream;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The Unix socket transport beside the FIFO transport in a bare Felix: clients of either reach
 * each other through the one router, a group spans both, stopping the socket transport's bundle
 * leaves the FIFO clients as they were, and socket clients outlive updates of the router bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UnixSocketTransportIT {

    private static final String UNIX_BUNDLE = "org.octopipes.transport.unix";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    private Path cap;
    private Path socket;

    @Configuration
    public Option[] configuration() throws IOException {
        return options(
                OurBundles.inFelix(),
                OurBundles.awaitility(),
                OurBundles.newRunFolder("octopipes-unix-it"));
    }

    @Before
    public void bothTransportsServe() throws Exception {
        Path run = OurBundles.runFolder();
        cap = run.resolve("cap.fifo");
        socket = run.resolve("octopipes.sock");
        Dictionary<String, Object> fifo = new Hashtable<>();
        fifo.put("cap.path", cap.toString());
        fifo.put("clients.dir", run.resolve("clients").toString());
        configurationAdmin.getConfiguration("org.octopipes.server", "?").update(fifo);
        // No configuration of its own: the socket goes beside the CAP of the server's configuration.
        // Installed by the test once its configuration is in place, so that it never serves the default path.
        Bundle transport = ProbeSupport.find(context, UNIX_BUNDLE).orElse(null);
        if (transport == null) {
            transport = context.installBundle(OurBundles.location(UNIX_BUNDLE));
        }
        if (transport.getState() != Bundle.ACTIVE) {
            transport.start();
        }
        ProbeSupport.awaitTransport(context, "fifo", cap, WAIT);
        ProbeSupport.awaitTransport(context, "unix", socket, WAIT);
    }

    @Test
    public void fifoAndSocketClientsReachEachOtherAndShareAGroup() throws Exception {
        Broker broker = ProbeSupport.awaitService(context, Broker.class, WAIT);
        try (OctopipesClient fifo = OctopipesClient.builder(cap).name("fifo-ann").groups("mixed").connect();
                OctopipesClient sock = OctopipesClient.socketBuilder(socket).name("sock-ben").groups("mixed").connect();
                OctopipesClient sender = OctopipesClient.socketBuilder(socket).name("sock-cid").connect()) {
            Set<String> transports = new HashSet<>();
            for (ClientInfo client : broker.clients()) {
                transports.add(client.name() + "=" + client.transport());
            }
            assertTrue(transports.toString(), transports.containsAll(Set.of("fifo-ann=fifo", "sock-ben=unix", "sock-cid=unix")));
            // Who is on the other end: the kernel tells it for a socket client, nobody can for a FIFO client.
            assertEquals(System.getProperty("user.name"), broker.client(Name.of("sock-ben")).orElseThrow().credentials().orElseThrow().user());
            assertTrue(broker.client(Name.of("fifo-ann")).orElseThrow().credentials().isEmpty());

            fifo.send("sock-ben", "from the FIFO".getBytes(UTF_8));
            assertPayload("from the FIFO", sock.receive(WAIT));
            sock.send("fifo-ann", "from the socket".getBytes(UTF_8));
            assertPayload("from the socket", fifo.receive(WAIT));

            sender.send("mixed", "to both transports".getBytes(UTF_8));
            assertPayload("to both transports", fifo.receive(WAIT));
            assertPayload("to both transports", sock.receive(WAIT));

            // An ACK crosses the transports too: the FIFO client acknowledges automatically.
            sock.send(org.octopipes.client.Message.to("fifo-ann").payload("ack me".getBytes(UTF_8)).requestAck());
            assertPayload("ack me", fifo.receive(WAIT));
            Packet ack = sock.receive(WAIT);
            assertNotNull("the ACK came back over the socket", ack);
            assertTrue(org.octopipes.client.Message.isAck(ack));
        }
        await().atMost(WAIT).until(() -> broker.clients().isEmpty());
    }

    @Test
    public void stoppingTheSocketTransportLeavesTheFifoClientsAlone() throws Exception {
        Broker broker = ProbeSupport.awaitService(context, Broker.class, WAIT);
        try (OctopipesClient fifoA = OctopipesClient.builder(cap).name("fifo-dee").connect();
                OctopipesClient fifoB = OctopipesClient.builder(cap).name("fifo-eve").connect();
                OctopipesClient sock = OctopipesClient.socketBuilder(socket).name("sock-fay").onMessage(packet -> { }).connect()) {
            ProbeSupport.installed(context, UNIX_BUNDLE).stop();

            await().atMost(WAIT).until(() -> !sock.isOpen());
            assertFalse("the socket is removed", Files.exists(socket));
            await().atMost(WAIT).until(() -> broker.client(Name.of("sock-fay")).isEmpty());
            fifoA.send("fifo-eve", "still routed".getBytes(UTF_8));
            assertPayload("still routed", fifoB.receive(WAIT));
            assertTrue(fifoA.isOpen());
            assertTrue(broker.client(Name.of("fifo-dee")).isPresent());

            ProbeSupport.installed(context, UNIX_BUNDLE).start();
            ProbeSupport.awaitTransport(context, "unix", socket, WAIT);
            try (OctopipesClient back = OctopipesClient.socketBuilder(socket).name("sock-fay").connect()) {
                fifoA.send("sock-fay", "welcome back".getBytes(UTF_8));
                assertPayload("welcome back", back.receive(WAIT));
            }
        }
    }

    @Test
    public void updatingTheFifoTransportLeavesTheSocketClientsAlone() throws Exception {
        try (OctopipesClient kit = OctopipesClient.socketBuilder(socket).name("sock-kit").connect();
                OctopipesClient lee = OctopipesClient.socketBuilder(socket).name("sock-lee").connect()) {
            ProbeSupport.installed(context, "org.octopipes.transport.fifo").update();
            ProbeSupport.awaitTransport(context, "fifo", cap, WAIT);

            kit.send("sock-lee", "after the FIFO transport's update".getBytes(UTF_8));
            assertPayload("after the FIFO transport's update", lee.receive(WAIT));
            assertTrue(kit.isOpen());
            assertTrue(ProbeSupport.awaitService(context, Broker.class, WAIT).client(Name.of("sock-kit")).isPresent());
        }
    }

    @Test
    public void socketClientsOutliveARouterUpdateWithTheirGroupsAndWhatTheyWroteMeanwhile() throws Exception {
        try (OctopipesClient gus = OctopipesClient.socketBuilder(socket).name("sock-gus").connect();
                OctopipesClient hal = OctopipesClient.socketBuilder(socket).name("sock-hal").connect()) {
            // Management puts hal in a group after he subscribed: the next router must know it.
            ProbeSupport.awaitService(context, Broker.class, WAIT).subscribe(Name.of("sock-hal"), Set.of(Name.of("crew")));
            Bundle router = ProbeSupport.installed(context, "org.octopipes.router");

            router.stop();
            // No router now: what gus writes waits in the kernel until the next router is bound.
            gus.send("crew", "written while the router was away".getBytes(UTF_8));
            router.start();

            assertPayload("written while the router was away", hal.receive(WAIT));
            Broker next = ProbeSupport.awaitService(context, Broker.class, WAIT);
            assertEquals(Set.of(Name.of("crew")), next.client(Name.of("sock-hal")).orElseThrow().groups());
            assertTrue(gus.isOpen());
            assertTrue(hal.isOpen());

            router.update();
            hal.send("sock-gus", "after bundle:update".getBytes(UTF_8));
            assertPayload("after bundle:update", gus.receive(WAIT));
        }
    }

    @Test
    public void aStreamCrossesRouterUpdatesWithNothingLostDuplicatedOrReorderedAndItsCountsGoOnInEveryPairingOfTransports() throws Exception {
        // Socket to socket, socket to FIFO, FIFO to socket: what a transport read after the router
        // stopped waits in the sender's session, and reaches the recipient through the other
        // transport's inbox once the next router routes.
        streamThroughRouterUpdates(OctopipesClient.socketBuilder(socket).name("sock-ivy"), OctopipesClient.socketBuilder(socket).name("sock-jon"));
        streamThroughRouterUpdates(OctopipesClient.socketBuilder(socket).name("sock-kim"), OctopipesClient.builder(cap).name("fifo-kim"));
        streamThroughRouterUpdates(OctopipesClient.builder(cap).name("fifo-lou"), OctopipesClient.socketBuilder(socket).name("sock-lou"));
    }

    private void streamThroughRouterUpdates(OctopipesClient.Builder sender, OctopipesClient.Builder receiver) throws Exception {
        try (OctopipesClient from = sender.connect();
                OctopipesClient to = receiver.connect();
                NumberedStream stream = NumberedStream.start(from, to, WAIT)) {
            String pairing = from.name() + " to " + to.name();
            Bundle router = ProbeSupport.installed(context, "org.octopipes.router");
            for (int update = 0; update < 3; update++) {
                router.update();
                ProbeSupport.awaitService(context, Broker.class, WAIT);
                stream.awaitFlow();
                // The clients' counters, kept by the sessions, go on under the new router.
                stream.assertCountedByTheServerOf(context, pairing + ", after router update " + (update + 1));
            }
            long sent = stream.stopAndCheck();
            assertTrue(pairing + ": the stream ran through the updates: " + sent + " packets", sent > 0);
            assertTrue(from.isOpen());
        }
    }

    private static void assertPayload(String expected, Packet packet) {
        assertNotNull("a packet with '" + expected + "' came", packet);
        assertEquals(expected, new String(packet.payloadBytes(), UTF_8));
    }
}
