package org.octopipes.itests.felix;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.octopipes.api.DropReason;
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
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The JMX bundle in Felix, seen as JConsole sees it, through the platform MBeanServer: the
 * Server MBean's counters, a Client MBean per real client that subscribes through the CAP, a kick
 * through the Server MBean, and nothing left behind when the bundle stops.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JmxMBeansIT {

    private static final ObjectName SERVER = objectName("org.octopipes:type=Server");
    /** A colon cannot stand in an unquoted ObjectName value: this name tests the quoting end to end. */
    private static final String RECEIVER = "alice:1";
    private static final ObjectName RECEIVER_MBEAN = objectName("org.octopipes:type=Client,name=\"alice:1\"");
    private static final String SENDER = "bob";
    private static final ObjectName SENDER_MBEAN = objectName("org.octopipes:type=Client,name=bob");
    private static final String[] ONE_STRING = {String.class.getName()};
    private static final String[] TWO_STRINGS = {String.class.getName(), String.class.getName()};

    private final MBeanServer platform = ManagementFactory.getPlatformMBeanServer();

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] configuration() {
        return options(OurBundles.inFelix(),
                OurBundles.awaitility());
    }

    @Test
    public void theMBeansFollowARealClientFromSubscriptionToKick() throws Exception {
        Path cap = serverInTemporaryFolder();
        awaitUntil("the Server MBean is registered", () -> platform.isRegistered(SERVER));
        long receivedBefore = (Long) platform.getAttribute(SERVER, "Received");
        long deliveredBefore = (Long) platform.getAttribute(SERVER, "Delivered");

        try (OctopipesClient receiver = OctopipesClient.builder(cap).name(RECEIVER).groups("team").connect();
                OctopipesClient sender = OctopipesClient.builder(cap).name(SENDER).connect()) {
            awaitUntil("both clients have an MBean", () -> platform.isRegistered(RECEIVER_MBEAN) && platform.isRegistered(SENDER_MBEAN));
            assertEquals(RECEIVER, platform.getAttribute(RECEIVER_MBEAN, "Name"));
            assertArrayEquals(new String[] {"team"}, (String[]) platform.getAttribute(RECEIVER_MBEAN, "Groups"));
            assertEquals("fifo", platform.getAttribute(RECEIVER_MBEAN, "Transport"));
            assertEquals(receiver.rxPath().toString(), platform.getAttribute(RECEIVER_MBEAN, "Address"));

            sender.send(RECEIVER, "hello over JMX".getBytes(StandardCharsets.US_ASCII));
            Packet packet = receiver.receive(Duration.ofSeconds(10));
            assertNotNull("the packet arrives", packet);

            awaitUntil("the receiver's MBean counts the delivery", () -> (Long) platform.getAttribute(RECEIVER_MBEAN, "Delivered") == 1);
            assertEquals(0L, platform.getAttribute(RECEIVER_MBEAN, "Received"));
            assertEquals(0L, platform.getAttribute(RECEIVER_MBEAN, "DroppedTotal"));
            assertEquals(1L, platform.getAttribute(SENDER_MBEAN, "Received"));
            assertEquals(1L, platform.getAttribute(SENDER_MBEAN, "Routed"));
            awaitUntil("the Server MBean counts the delivery", () -> (Long) platform.getAttribute(SERVER, "Delivered") == deliveredBefore + 1);
            assertEquals(receivedBefore + 1, platform.getAttribute(SERVER, "Received"));
            assertEquals(2, platform.getAttribute(SERVER, "ClientCount"));
            assertArrayEquals(new String[] {RECEIVER, SENDER}, (String[]) platform.getAttribute(SERVER, "ClientNames"));
            assertEquals("spec", platform.getAttribute(SERVER, "ActivePolicy"));
            TabularData dropped = (TabularData) platform.getAttribute(SERVER, "Dropped");
            assertEquals("every drop reason has a row", DropReason.values().length, dropped.size());
            assertTrue(dropped.containsKey(new Object[] {"QUEUE_FULL"}));

            platform.invoke(SERVER, "subscribe", new Object[] {SENDER, "ops"}, TWO_STRINGS);
            assertArrayEquals(new String[] {"ops"}, (String[]) platform.getAttribute(SENDER_MBEAN, "Groups"));
            CompositeData ops = ((TabularData) platform.getAttribute(SERVER, "Groups")).get(new Object[] {"ops"});
            assertArrayEquals(new String[] {SENDER}, (String[]) ops.get("value"));

            assertEquals(true, platform.invoke(SERVER, "kick", new Object[] {RECEIVER}, ONE_STRING));
            assertFalse("a kick through JMX removes the client's MBean at once", platform.isRegistered(RECEIVER_MBEAN));
            assertTrue(platform.isRegistered(SENDER_MBEAN));
            assertEquals(1, platform.getAttribute(SERVER, "ClientCount"));
            assertEquals(false, platform.invoke(SERVER, "kick", new Object[] {RECEIVER}, ONE_STRING));
        }
        awaitUntil("the sender's MBean goes once it unsubscribes", () -> !platform.isRegistered(SENDER_MBEAN));
    }

    @Test
    public void stoppingTheBundleUnregistersEveryMBeanAndStartingItRegistersThemAgain() throws Exception {
        Path cap = serverInTemporaryFolder();
        Bundle jmx = ProbeSupport.installed(context, "org.octopipes.jmx");
        try (OctopipesClient client = OctopipesClient.builder(cap).name("carol").connect()) {
            ObjectName carol = objectName("org.octopipes:type=Client,name=carol");
            awaitUntil("carol has an MBean", () -> platform.isRegistered(carol));

            jmx.stop();
            assertEquals("no MBean of ours is left", 0, platform.queryNames(objectName("org.octopipes:*"), null).size());

            jmx.start();
            awaitUntil("the MBeans are back", () -> platform.isRegistered(SERVER) && platform.isRegistered(carol));
        }
    }

    /** Moves the server's CAP and client FIFOs into a new private folder, and returns the CAP once it is served. */
    private Path serverInTemporaryFolder() throws Exception {
        Path run = Files.createTempDirectory("octopipes-jmx-it", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path cap = run.resolve("cap.fifo");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("cap.path", cap.toString());
        properties.put("clients.dir", run.resolve("clients").toString());
        configurationAdmin.getConfiguration("org.octopipes.server", "?").update(properties);

        ProbeSupport.awaitTransport(context, null, cap, Duration.ofSeconds(30));
        return cap;
    }

    private static ObjectName objectName(String text) {
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void awaitUntil(String what, Callable<Boolean> condition) throws Exception {
        await(what).atMost(Duration.ofSeconds(30)).until(condition);
    }
}
