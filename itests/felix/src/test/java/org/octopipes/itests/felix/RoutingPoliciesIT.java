package org.octopipes.itests.felix;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.octopipes.api.Broker;
import org.octopipes.api.DropReason;
import org.octopipes.api.PolicyInfo;
import org.octopipes.api.transport.Transport;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Packet;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The routing plugins installed into a running server with real clients subscribed: the plugin
 * becomes the active policy at once and routing follows it; stopping or uninstalling it falls back
 * to {@code spec}; {@code policy.target} pins a policy against a higher-ranked newcomer.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RoutingPoliciesIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private CommandProcessor processor;

    @Inject
    private Broker broker;

    private Path cap;
    private Path clients;

    @Configuration
    public Option[] configuration() throws IOException {
        return options(OurBundles.inFelix(),
                OurBundles.awaitility(),
                OurBundles.newRunFolder("octopipes-policies-it"));
    }

    @Before
    public void serve() throws Exception {
        Path run = OurBundles.runFolder();
        cap = run.resolve("cap.fifo");
        clients = run.resolve("clients");
        if (transportAt(cap, 0) == null) {
            configureServer(null);
            assertNotNull("a FIFO transport serving " + cap, transportAt(cap, PATIENCE.toMillis()));
        }
        awaitActive("spec");
    }

    @Test
    public void anycastGivesEachGroupPacketToOneMemberInTurnUntilItIsStopped() throws Exception {
        try (OctopipesClient first = connect("worker1", "workers");
                OctopipesClient second = connect("worker2", "workers");
                OctopipesClient boss = connect("boss")) {
            Bundle anycast = install("org.octopipes.policy.anycast");
            try {
                awaitActive("anycast");
                assertTrue(String.join("\n", policiesCommand()), policiesCommand().stream()
                        .anyMatch(line -> line.matches("anycast +0 +\\d+ +org.octopipes.policy.anycast +yes")));

                for (int i = 1; i <= 6; i++) {
                    boss.send("workers", ("job " + i).getBytes(StandardCharsets.UTF_8));
                }
                // A packet to a client's own name still reaches it; after boss's jobs, as it comes from boss too.
                boss.send("worker1", "done".getBytes(StandardCharsets.UTF_8));
                boss.send("worker2", "done".getBytes(StandardCharsets.UTF_8));
                List<String> toFirst = receiveUntilDone(first);
                List<String> toSecond = receiveUntilDone(second);

                assertEquals("each job to exactly one worker: " + toFirst + " " + toSecond, 6, toFirst.size() + toSecond.size());
                assertEquals("round-robin alternates: " + toFirst + " " + toSecond, 3, toFirst.size());
                int firstParity = Integer.parseInt(toFirst.get(0).substring(4)) % 2;
                for (String job : toFirst) {
                    assertEquals("round-robin alternates: " + toFirst + " " + toSecond, firstParity, Integer.parseInt(job.substring(4)) % 2);
                }

                anycast.stop();
                awaitActive("spec");
                boss.send("workers", "to all".getBytes(StandardCharsets.UTF_8));
                assertEquals("to all", text(first.receive(PATIENCE)));
                assertEquals("to all", text(second.receive(PATIENCE)));
            } finally {
                anycast.uninstall();
            }
        }
    }

    @Test
    public void aclDeniesInFrontOfWhicheverPolicyIsActiveAndThePolicyDeliversTheRest() throws Exception {
        Dictionary<String, Object> acl = new Hashtable<>();
        acl.put("rules", new String[] {"deny origin=guest* remote=admin"});
        org.osgi.service.cm.Configuration configuration = configurationAdmin.getConfiguration("org.octopipes.policy.acl", "?");
        configuration.update(acl);
        try (OctopipesClient admin = connect("admin", "staff");
                OctopipesClient guest = connect("guest7", "staff");
                OctopipesClient carol = connect("carol", "staff")) {
            // Echo installed after the ACL and the only policy above spec: the active one. The ACL is
            // no policy but an access check, so no ranking or install order puts it behind echo.
            Bundle aclBundle = install("org.octopipes.policy.acl");
            Bundle echo = install("org.octopipes.policy.echo");
            try {
                awaitActive("echo");
                await("the router applies the acl access check").atMost(PATIENCE)
                        .until(() -> broker.accessChecks().stream().anyMatch(check -> check.name().equals("acl")));
                long deniedBefore = broker.counters().dropped(DropReason.POLICY_DENIED);

                guest.send("admin", "let me in".getBytes(StandardCharsets.UTF_8));
                await("the denied packet is counted").atMost(PATIENCE)
                        .until(() -> broker.counters().dropped(DropReason.POLICY_DENIED) == deniedBefore + 1);
                carol.send("admin", "hello admin".getBytes(StandardCharsets.UTF_8));
                Packet first = admin.receive(PATIENCE);
                assertEquals("the guest's packet never arrives", "carol", first.origin().toString());

                // Allowed group packets are delivered by echo, the active policy: the sender gets its own.
                guest.send("staff", "hi staff".getBytes(StandardCharsets.UTF_8));
                assertEquals("hi staff", text(guest.receive(PATIENCE)));
                assertEquals("hi staff", text(carol.receive(PATIENCE)));
            } finally {
                aclBundle.uninstall();
                echo.uninstall();
                configuration.delete();
            }
            awaitActive("spec");
            guest.send("admin", "let me in now".getBytes(StandardCharsets.UTF_8));
            assertEquals("let me in now", text(nextNotFrom(admin, "guest7", "hi staff")));
        }
    }

    @Test
    public void policyTargetPinsAPolicySoThatAHigherRankedOneDoesNotTakeOver() throws Exception {
        try (OctopipesClient alice = connect("pinned-alice", "pinned");
                OctopipesClient bob = connect("pinned-bob", "pinned")) {
            configureServer("(octopipes.policy.name=spec)");
            Bundle echo = install("org.octopipes.policy.echo");
            try {
                await("echo is registered").atMost(PATIENCE).until(() -> broker.policies().stream().anyMatch(p -> p.name().equals("echo")));
                assertEquals("spec", active());
                alice.send("pinned", "still spec".getBytes(StandardCharsets.UTF_8));
                assertEquals("still spec", text(bob.receive(PATIENCE)));
                assertNextIsAMarker(alice, "the pinned spec policy does not echo");

                configureServer(null);
                awaitActive("echo");
                alice.send("pinned", "now echo".getBytes(StandardCharsets.UTF_8));
                assertEquals("now echo", text(bob.receive(PATIENCE)));
                assertEquals("now echo", text(alice.receive(PATIENCE)));
            } finally {
                echo.uninstall();
                configureServer(null);
            }
        }
    }

    /** Sends {@code client} a marker from the server and checks it is the next packet it receives. */
    private void assertNextIsAMarker(OctopipesClient client, String message) throws Exception {
        assertEquals(1, broker.send(Packet.builder().remote(client.name()).payload("marker".getBytes(StandardCharsets.UTF_8)).build()));
        Packet next = client.receive(PATIENCE);
        assertNotNull(next);
        assertEquals(message, "marker", text(next));
    }

    private static Packet nextNotFrom(OctopipesClient client, String origin, String payloadToSkip) throws Exception {
        Packet packet = client.receive(PATIENCE);
        while (packet != null && text(packet).equals(payloadToSkip)) {
            packet = client.receive(PATIENCE);
        }
        assertNotNull(packet);
        assertEquals(origin, packet.origin().toString());
        return packet;
    }

    private static List<String> receiveUntilDone(OctopipesClient client) throws Exception {
        List<String> jobs = new ArrayList<>();
        for (Packet packet = client.receive(PATIENCE); ; packet = client.receive(PATIENCE)) {
            assertNotNull("'done' arrives at " + client.name() + " after " + jobs, packet);
            if (text(packet).equals("done")) {
                return jobs;
            }
            jobs.add(text(packet));
        }
    }

    private static String text(Packet packet) {
        assertNotNull("a packet", packet);
        return new String(packet.payloadBytes(), StandardCharsets.UTF_8);
    }

    private Bundle install(String symbolicName) throws Exception {
        assertTrue(symbolicName + " is one of the plugins the pom copies", java.util.Arrays.asList(OurBundles.POLICY_PLUGINS).contains(symbolicName));
        Bundle bundle = context.installBundle(OurBundles.location(symbolicName));
        bundle.start();
        return bundle;
    }

    private String active() {
        return broker.policies().stream().filter(PolicyInfo::active).map(PolicyInfo::name).findFirst().orElse("none");
    }

    private void awaitActive(String name) {
        await("the " + name + " policy active").atMost(PATIENCE).until(() -> active().equals(name));
    }

    private List<String> policiesCommand() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute("octopipes:policies");
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private void configureServer(String policyTarget) throws IOException {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("cap.path", cap.toString());
        properties.put("clients.dir", clients.toString());
        if (policyTarget != null) {
            properties.put("policy.target", policyTarget);
        }
        configurationAdmin.getConfiguration("org.octopipes.server", "?").update(properties);
    }

    private OctopipesClient connect(String name, String... groups) throws IOException {
        return OctopipesClient.builder(cap).name(name).groups(groups).connect();
    }

    private Transport transportAt(Path address, long waitMillis) throws Exception {
        String filter = "(&(" + Constants.OBJECTCLASS + "=" + Transport.class.getName() + ")(" + Transport.TRANSPORT_ADDRESS + "=" + address + "))";
        ServiceTracker<Transport, Transport> tracker = new ServiceTracker<>(context, context.createFilter(filter), null);
        tracker.open();
        try {
            return waitMillis == 0 ? tracker.getService() : tracker.waitForService(waitMillis);
        } finally {
            tracker.close();
        }
    }
}
