package org.octopipes.itests.karaf;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.management.ObjectName;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.Repository;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The features repository in a stock Karaf: the README's lines install a running server, with its
 * shell commands and its MBeans because Karaf has a shell and JMX management, and the default
 * configuration lands in {@code etc/org.octopipes.server.cfg}, where an edit takes effect.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InstallFeaturesIT extends KarafTestSupport {

    @Test
    public void theReadmeLinesGiveARunningServerWithItsCommandsAndMBeans() throws Exception {
        // installOctopipes() has typed feature:repo-add and feature:install octopipes.
        for (String name : List.of("octopipes-api", "octopipes", "octopipes-shell", "octopipes-jmx")) {
            Feature feature = features.getFeature(name);
            assertNotNull(name + " is in the repository", feature);
            assertTrue(name + " is installed", features.isInstalled(feature));
        }
        SERVER_BUNDLES.forEach(this::assertActive);
        assertActive("org.octopipes.shell");
        assertActive("org.octopipes.jmx");

        awaitTransportAt(Path.of(System.getenv("OCTOPIPES_CAP")));
        // Karaf takes the first install's configuration file over a few seconds later: the server restarts once.
        assertEquals("no client is subscribed", awaitCommand("octopipes:clients").trim());
        ObjectName server = new ObjectName("org.octopipes:type=Server");
        await("the server's MBean").atMost(PATIENCE).until(() -> ManagementFactory.getPlatformMBeanServer().isRegistered(server));
    }

    @Test
    public void everyBundleIsListedInOneFeatureOnly() throws Exception {
        Repository repository = features.getRepository(URI.create(FEATURES_REPOSITORY));
        assertNotNull(FEATURES_REPOSITORY + " is added", repository);
        Map<String, String> featureOf = new HashMap<>();
        for (Feature feature : repository.getFeatures()) {
            for (BundleInfo bundle : feature.getBundles()) {
                assertNull(bundle.getLocation() + " is listed in " + feature.getName() + " and in another feature",
                        featureOf.put(bundle.getLocation(), feature.getName()));
            }
        }
        assertEquals("octopipes-shell", featureOf.get("mvn:org.octopipes/org.octopipes.shell/" + System.getProperty("octopipes.version")));
    }

    @Test
    public void theDefaultConfigurationIsInEtcAndAnEditThereMovesTheCap() throws Exception {
        Path file = Path.of(System.getProperty("karaf.etc"), "org.octopipes.server.cfg");
        assertTrue(file + " is written at the first install", Files.isRegularFile(file));
        String shipped = Files.readString(file);
        Properties defaults = load(file);
        assertEquals("", defaults.getProperty("cap.path"));
        assertEquals("", defaults.getProperty("clients.dir"));
        assertEquals("0600", defaults.getProperty("fifo.mode"));
        assertEquals("16777216", defaults.getProperty("max.payload"));
        assertEquals("1024", defaults.getProperty("max.clients"));
        assertEquals("128", defaults.getProperty("max.name.length"));
        assertEquals("1048576", defaults.getProperty("queue.bytes"));
        assertNull("no policy is pinned", defaults.getProperty("policy.target"));

        // Empty cap.path: the server's own default, here $OCTOPIPES_CAP.
        Path defaultCap = Path.of(System.getenv("OCTOPIPES_CAP"));
        awaitTransportAt(defaultCap);

        Path moved = defaultCap.resolveSibling("moved").resolve("cap.fifo");
        try {
            // As an operator would: edit the file; Karaf hands the change to Config Admin.
            replace(file, shipped.replaceFirst("(?m)^cap\\.path\\s*=.*$", "cap.path = " + moved));
            awaitTransportAt(moved);
            await("the old CAP is removed").atMost(PATIENCE).until(() -> !Files.exists(defaultCap));
        } finally {
            replace(file, shipped);
        }
        awaitTransportAt(defaultCap);
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        return properties;
    }

    /** Swaps the file's content in one step, so that Karaf never reads half of it. */
    private static void replace(Path file, String content) throws IOException {
        Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), content);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
