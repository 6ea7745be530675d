package org.octopipes.itests.felix;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.octopipes.api.Broker;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.transport.Sessions;
import org.octopipes.api.transport.Transport;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Our bundles in a bare Felix: they resolve and start, Declarative Services wires the router to
 * the FIFO transport and the default policy to the router, and a configuration change through
 * Config Admin moves the CAP.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ServerWiringIT {

    private static final String[] OUR_BUNDLES = OurBundles.SYMBOLIC_NAMES;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] configuration() throws IOException {
        return options(
                OurBundles.inFelix(),
                OurBundles.newRunFolder("octopipes-felix-it"));
    }

    @Test
    public void everyBundleOfOursIsActive() {
        for (String symbolicName : OUR_BUNDLES) {
            Bundle bundle = ProbeSupport.installed(context, symbolicName);
            assertEquals(symbolicName + " is active", Bundle.ACTIVE, bundle.getState());
        }
    }

    @Test
    public void theSessionsTheRouterTheDefaultPolicyAndTheFifoTransportAreServices() throws Exception {
        Path run = OurBundles.runFolder();
        configure(run.resolve("cap.fifo"), run.resolve("clients"));

        Transport transport = ProbeSupport.awaitTransport(context, null, run.resolve("cap.fifo").toString(), Duration.ofSeconds(30));
        assertEquals("fifo", transport.name());
        assertTrue(Files.exists(run.resolve("cap.fifo")));
        assertNotNull(ProbeSupport.awaitService(context, Sessions.class, Duration.ofSeconds(30)));
        assertEquals(0, ProbeSupport.awaitService(context, Broker.class, Duration.ofSeconds(30)).clients().size());

        ServiceReference<RoutingPolicy> policy = context.getServiceReference(RoutingPolicy.class);
        assertEquals("spec", policy.getProperty(RoutingPolicy.POLICY_NAME));
        java.util.List<org.octopipes.api.PolicyInfo> policies = ProbeSupport.awaitService(context, Broker.class, Duration.ofSeconds(30)).policies();
        assertEquals(1, policies.size());
        assertEquals("spec", policies.get(0).name());
        assertTrue("the only policy is the active one", policies.get(0).active());
        assertEquals("org.octopipes.router", policies.get(0).bundle());
    }

    @Test
    public void aConfigurationChangeMovesTheCap() throws Exception {
        Path run = OurBundles.runFolder();
        configure(run.resolve("first.fifo"), run.resolve("clients"));
        ProbeSupport.awaitTransport(context, null, run.resolve("first.fifo").toString(), Duration.ofSeconds(30));

        configure(run.resolve("second.fifo"), run.resolve("clients"));

        ProbeSupport.awaitTransport(context, null, run.resolve("second.fifo").toString(), Duration.ofSeconds(30));
        assertTrue(Files.exists(run.resolve("second.fifo")));
        assertTrue("the old CAP is removed", !Files.exists(run.resolve("first.fifo")));
    }

    @Test
    public void aChangeThatLeavesTheFifosAloneOrCannotWorkKeepsTheClientsConnected() throws Exception {
        Path run = OurBundles.runFolder();
        Path cap = run.resolve("steady.fifo");
        configure(cap, run.resolve("clients"));
        ProbeSupport.awaitTransport(context, null, cap.toString(), Duration.ofSeconds(30));
        Broker broker = ProbeSupport.awaitService(context, Broker.class, Duration.ofSeconds(30));
        try (org.octopipes.client.OctopipesClient client = org.octopipes.client.OctopipesClient.builder(cap).name("steady").connect()) {
            configure(cap, run.resolve("clients"), "max.clients", "500");
            configure(cap, run.resolve("clients"), "fifo.mode", "not octal");

            assertEquals(1, broker.send(org.octopipes.codec.Packet.builder().remote(org.octopipes.codec.Name.of("steady"))
                    .payload("still here".getBytes()).build()));
            org.octopipes.codec.Packet received = client.receive(java.time.Duration.ofSeconds(30));
            assertNotNull("the client is still subscribed", received);
            assertEquals("still here", new String(received.payloadBytes()));
            assertTrue(broker.client(org.octopipes.codec.Name.of("steady")).isPresent());
        }
    }

    private void configure(Path cap, Path clients, String... more) throws IOException {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("cap.path", cap.toString());
        properties.put("clients.dir", clients.toString());
        for (int i = 0; i + 1 < more.length; i += 2) {
            properties.put(more[i], more[i + 1]);
        }
        configurationAdmin.getConfiguration("org.octopipes.server", "?").update(properties);
    }
}
