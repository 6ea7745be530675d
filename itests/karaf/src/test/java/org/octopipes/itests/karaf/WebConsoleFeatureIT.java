package org.octopipes.itests.karaf;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.octopipes.testsupport.HeadlessChromium;
import org.octopipes.testsupport.LocalPorts;
import org.octopipes.testsupport.OctopipesConsolePage;
import org.octopipes.testsupport.TestProcess;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * octopipes-webconsole and octopipes-metrics in a stock Karaf, installed as the README says: a
 * real headless Chromium logs in to Karaf's Web Console as a user of etc/users.properties, finds
 * the client processes on the Octopipes page and the chart drawn, and kicks one; /metrics on
 * Karaf's HTTP port counts the packets delivered. Karaf's HTTP port is a free one, on the loopback.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebConsoleFeatureIT extends KarafTestSupport {

    /** A user of Karaf's JAAS realm with the role Karaf's console asks for (admin). */
    private static final String USER = "octopipes-admin";
    private static final String PASSWORD = "a-password-for-the-test";
    private static final int PACKETS = 3;

    @Override
    protected List<Option> beforeInstall(Path run) {
        int port;
        try {
            port = LocalPorts.freeLoopbackPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Option> options = new ArrayList<>(fifosIn(run));
        options.add(editConfigurationFilePut("etc/users.properties", USER, PASSWORD + ",admin"));
        options.add(editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(port)));
        options.add(editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses", "127.0.0.1"));
        options.add(editConfigurationFilePut("etc/system.properties", "octopipes.it.http.base", "http://127.0.0.1:" + port));
        // The screenshot is kept in target/, not in the Karaf folder Pax Exam deletes.
        options.add(editConfigurationFilePut("etc/system.properties", "octopipes.it.screenshots", System.getProperty("octopipes.it.screenshots")));
        return options;
    }

    private static Path cap() {
        return run().resolve("cap.fifo");
    }

    @Test
    public void thePageShowsTheClientsAndTheChartAndKicksAndMetricsCountTheDeliveries() throws Exception {
        assertTrue(HeadlessChromium.MISSING, HeadlessChromium.executable().isPresent());
        execute("feature:install octopipes-webconsole octopipes-metrics");
        assertActive("org.octopipes.webconsole");
        assertActive("org.octopipes.metrics.prometheus");
        String base = System.getProperty("octopipes.it.http.base");
        awaitTransportAt(cap());

        // dave waits for one packet more than erin sends, so he is still subscribed when the page kicks him.
        try (TestProcess dave = ClientProcess.sub(cap(), "dave", PACKETS + 1)) {
            await("dave subscribed").atMost(PATIENCE).until(() -> Files.exists(run().resolve("clients").resolve("dave_rx.fifo")));
            for (int i = 0; i < PACKETS; i++) {
                try (TestProcess erin = ClientProcess.send(cap(), "erin", "dave", "packet " + i)) {
                    assertEquals(erin.toString(), 0, erin.awaitExit());
                }
            }
            await("dave received " + PACKETS).atMost(PATIENCE).until(() -> dave.stdout().size() == PACKETS);

            await("/metrics counts the deliveries").atMost(PATIENCE)
                    .until(() -> OctopipesConsolePage.get(base, "/metrics").body(),
                            body -> body.contains("octopipes_delivered_total " + (double) PACKETS)
                                    && body.contains("octopipes_client_delivered_total{client=\"dave\",transport=\"fifo\"} " + (double) PACKETS));

            Path folder = Files.createTempDirectory(run(), "chromium-");
            try (HeadlessChromium chromium = HeadlessChromium.start(folder); HeadlessChromium.Page browser = chromium.newPage()) {
                OctopipesConsolePage page = OctopipesConsolePage.open(browser, base, USER, PASSWORD);

                await("the page lists dave").atMost(PATIENCE).until(page::clients, rows -> rows.equals(List.of("dave")));
                await("the chart draws a delivery rate above zero").atMost(PATIENCE).until(page::chartDrawn);
                browser.screenshot(Path.of(System.getProperty("octopipes.it.screenshots"), "monitoring-karaf-webconsole.png"));

                assertEquals("a kick without the console's login", 401, OctopipesConsolePage.postKick(base, "dave", page.token(), null, null));
                assertEquals("dave is still listed", List.of("dave"), page.clients());

                page.kick("dave");

                await("dave's FIFOs deleted").atMost(PATIENCE).until(() -> !Files.exists(run().resolve("clients").resolve("dave_rx.fifo")));
                assertEquals("kicked 'dave'", page.message());
                assertNotEquals("a kicked sub has lost its server: " + dave, 0, dave.awaitExit());
            }
        }
    }
}
