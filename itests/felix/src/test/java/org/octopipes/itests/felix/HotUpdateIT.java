package org.octopipes.itests.felix;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.octopipes.api.Broker;
import org.octopipes.api.PolicyInfo;
import org.octopipes.client.Message;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Packet;
import org.octopipes.testsupport.NumberedStream;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The transport and router bundles updated, the routing policy swapped and a plugin updated,
 * while a client streams sequence-numbered packets to another through real FIFOs: every packet
 * arrives exactly once and in order, the clients stay subscribed with their groups, and each
 * policy routes as it should before and after each change.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotUpdateIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TRANSPORT = "org.octopipes.transport.fifo";
    private static final String ROUTER = "org.octopipes.router";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    private Path cap;
    private ServiceTracker<Broker, Broker> brokers;
    private int probes;

    @Configuration
    public Option[] configuration() throws IOException {
        return options(OurBundles.inFelix(),
                OurBundles.awaitility(),
                OurBundles.newRunFolder("octopipes-hot-update-it"));
    }

    @Test
    public void updatesAndPolicySwapsUnderTrafficLoseDuplicateAndReorderNothing() throws Exception {
        Path run = OurBundles.runFolder();
        cap = run.resolve("cap.fifo");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("cap.path", cap.toString());
        properties.put("clients.dir", run.resolve("clients").toString());
        configurationAdmin.getConfiguration("org.octopipes.server", "?").update(properties);
        // The server's log on the test's output, to tell what happened when this test fails.
        ServiceTracker<LogReaderService, LogReaderService> logs = new ServiceTracker<>(context, LogReaderService.class, null);
        logs.open();
        logs.waitForService(PATIENCE.toMillis()).addLogListener(entry -> {
            if (entry.getBundle() != null && entry.getBundle().getSymbolicName().startsWith("org.octopipes")) {
                System.out.println("LOG " + entry.getLogLevel() + " " + entry.getBundle().getSymbolicName() + ": " + entry.getMessage()
                        + (entry.getException() == null ? "" : " " + entry.getException()));
            }
        });
        ServiceTracker<LoggerAdmin, LoggerAdmin> loggerAdmin = new ServiceTracker<>(context, LoggerAdmin.class, null);
        loggerAdmin.open();
        LoggerAdmin admin = loggerAdmin.waitForService(PATIENCE.toMillis());
        if (admin != null) {
            admin.getLoggerContext(null).setLogLevels(Map.of(Logger.ROOT_LOGGER_NAME, LogLevel.INFO));
        }
        awaitTransport();
        brokers = new ServiceTracker<>(context, Broker.class, null);
        brokers.open();
        awaitActive("spec");

        try (OctopipesClient a = connect("seq-a");
                OctopipesClient b = connect("seq-b");
                OctopipesClient x = connect("probe-x", "probe");
                OctopipesClient y = connect("probe-y", "probe");
                OctopipesClient z = connect("probe-z", "probe")) {
            NumberedStream stream = NumberedStream.start(a, b, PATIENCE);
            expectRouting("spec", x, y, z);

            update(TRANSPORT, stream);
            expectRouting("spec", x, y, z);

            // Swap 1: echo outranks spec.
            Bundle echo = install("org.octopipes.policy.echo");
            awaitActive("echo");
            stream.awaitFlow();
            expectRouting("echo", x, y, z);

            // The plugin itself updated: spec routes for a moment, then echo again.
            update("org.octopipes.policy.echo", stream);
            awaitActive("echo");
            expectRouting("echo", x, y, z);

            update(ROUTER, stream);
            expectRouting("echo", x, y, z);
            update(TRANSPORT, stream);
            expectRouting("echo", x, y, z);

            // Swap 2: anycast comes, echo goes.
            Bundle anycast = install("org.octopipes.policy.anycast");
            echo.uninstall();
            awaitActive("anycast");
            stream.awaitFlow();
            expectRouting("anycast", x, y, z);

            update(ROUTER, stream);
            expectRouting("anycast", x, y, z);
            update(TRANSPORT, stream);
            expectRouting("anycast", x, y, z);
            stream.awaitFlow();

            // Swap 3: back to spec.
            anycast.uninstall();
            awaitActive("spec");
            stream.awaitFlow();
            expectRouting("spec", x, y, z);

            update(ROUTER, stream);
            expectRouting("spec", x, y, z);

            long sent = stream.stopAndCheck();
            System.out.println("HotUpdateIT: seq-a sent " + sent + " packets through 3 transport updates, 3 router updates and 3 policy swaps");
            assertTrue("the stream ran through every change: " + sent + " packets", sent > 0);
            assertEquals("the clients are still subscribed", 5, broker().clients().size());
        } finally {
            brokers.close();
        }
    }

    /**
     * {@code x} sends to the group {@code probe} (x, y, z), then to y and z by name: those come
     * after the group packet, from the same FIFO. Once they are in, the server sends x a marker:
     * anything x gets before it is its own group packet.
     */
    private void expectRouting(String policy, OctopipesClient x, OctopipesClient y, OctopipesClient z) throws Exception {
        String probe = "probe " + ++probes;
        String end = "end " + probes;
        x.send(Message.to("probe").payload(probe));
        x.send(Message.to("probe-y").payload(end));
        x.send(Message.to("probe-z").payload(end));
        List<String> toY = until(y, end);
        List<String> toZ = until(z, end);
        broker().send(Packet.builder().remote(x.name()).payload(end.getBytes(StandardCharsets.UTF_8)).build());
        List<String> toX = until(x, end);
        String seen = policy + ": x got " + toX + ", y " + toY + ", z " + toZ;
        switch (policy) {
            case "spec" -> {
                assertEquals(seen, List.of(probe), toY);
                assertEquals(seen, List.of(probe), toZ);
                assertEquals(seen, List.of(), toX);
            }
            case "echo" -> {
                assertEquals(seen, List.of(probe), toY);
                assertEquals(seen, List.of(probe), toZ);
                assertEquals(seen, List.of(probe), toX);
            }
            case "anycast" -> {
                assertEquals(seen, 1, toY.size() + toZ.size());
                assertEquals(seen, List.of(), toX);
            }
            default -> throw new AssertionError(policy);
        }
    }

    private static List<String> until(OctopipesClient client, String last) throws Exception {
        List<String> before = new ArrayList<>();
        for (;;) {
            Packet packet = client.receive(PATIENCE);
            assertNotNull(client.name() + " receives '" + last + "' after " + before, packet);
            String text = new String(packet.payloadBytes(), StandardCharsets.UTF_8);
            if (text.equals(last)) {
                return before;
            }
            before.add(text);
        }
    }

    /** Bundle.update() then a refresh of the bundle, as {@code bundle:update} and {@code refresh} do; the stream must go on. */
    private void update(String symbolicName, NumberedStream stream) throws Exception {
        Bundle bundle = ProbeSupport.installed(context, symbolicName);
        bundle.update();
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        assertTrue("the refresh of " + symbolicName + " ends", refreshed.await(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(symbolicName + " is active again", Bundle.ACTIVE, ProbeSupport.installed(context, symbolicName).getState());
        awaitTransport();
        stream.awaitFlow();
        stream.assertCountedBy(broker(), "after the update of " + symbolicName);
    }

    private Bundle install(String symbolicName) throws Exception {
        Bundle bundle = context.installBundle(OurBundles.location(symbolicName));
        bundle.start();
        return bundle;
    }

    private Broker broker() {
        Broker broker = null;
        try {
            broker = brokers.waitForService(PATIENCE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertNotNull("a Broker service", broker);
        return broker;
    }

    private void awaitActive(String name) {
        await("the " + name + " policy active").atMost(PATIENCE).until(() -> broker().policies().stream()
                .filter(PolicyInfo::active).map(PolicyInfo::name).findFirst().orElse("none").equals(name));
    }

    private void awaitTransport() throws Exception {
        ProbeSupport.awaitTransport(context, null, cap, PATIENCE);
    }

    private OctopipesClient connect(String name, String... groups) throws IOException {
        return OctopipesClient.builder(cap).name(name).groups(groups).connect();
    }
}
