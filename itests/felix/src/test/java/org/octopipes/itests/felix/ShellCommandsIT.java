package org.octopipes.itests.felix;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Job;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.octopipes.api.Broker;
import org.octopipes.api.transport.Transport;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The shell's commands in Felix, run through Gogo's {@link CommandProcessor} as a console runs
 * them, against a real server on FIFOs in a temporary folder, with real clients: Java clients in
 * this framework and one client in a process of its own. Each test asserts what the commands print.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellCommandsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String[] COMMANDS = {
        "clients", "client", "groups", "subscribe", "unsubscribe", "kick", "send", "monitor", "stats", "policies", "config"};

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
                OurBundles.newRunFolder("octopipes-shell-it"));
    }

    /** Serves the temporary folder's CAP (configured once: a change restarts the transport) and waits for every command. */
    @Before
    public void serveAndAwaitTheCommands() throws Exception {
        Path run = OurBundles.runFolder();
        cap = run.resolve("cap.fifo");
        clients = run.resolve("clients");
        if (transportAt(cap, 0) == null) {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("cap.path", cap.toString());
            properties.put("clients.dir", clients.toString());
            configurationAdmin.getConfiguration("org.octopipes.server", "?").update(properties);
            assertNotNull("a FIFO transport serving " + cap, transportAt(cap, PATIENCE.toMillis()));
        }
        for (String command : COMMANDS) {
            awaitService("(&(" + CommandProcessor.COMMAND_SCOPE + "=octopipes)(" + CommandProcessor.COMMAND_FUNCTION + "=" + command + "))");
        }
    }

    @Test
    public void clientsListsEachClientWithItsGroupsAndClientShowsOne() throws Exception {
        try (OctopipesClient alice = connect("alice", "team");
                OctopipesClient bob = connect("bob", "team", "ops")) {
            List<String> lines = run("octopipes:clients");

            assertTrue(lines.get(0), lines.get(0).matches("NAME +GROUPS +TRANSPORT +PEER +QUEUED +QUEUED BYTES +RECEIVED +DELIVERED +DROPPED +IDLE"));
            assertLine(lines, "alice +team +fifo +- +0 +0 +0 +0 +0 +\\d+s");
            assertLine(lines, "bob +ops, team +fifo +- +0 +0 +0 +0 +0 +\\d+s");

            List<String> alone = run("octopipes:client bob");
            assertLine(alone, "groups +ops, team");
            assertLine(alone, "address +" + Pattern.quote(clients.resolve("bob_rx.fifo").toString()));
            assertLine(alone, "peer +unknown \\(fifo cannot tell\\)");
            assertLine(alone, "QUEUE_FULL +0");
        }
    }

    @Test
    public void groupsListsEachGroupAndItsMembers() throws Exception {
        try (OctopipesClient first = connect("gina", "choir");
                OctopipesClient second = connect("hugo", "choir", "band")) {
            List<String> lines = run("octopipes:groups");

            assertTrue(lines.get(0), lines.get(0).matches("GROUP +MEMBERS +NAMES"));
            assertLine(lines, "band +1 +hugo");
            assertLine(lines, "choir +2 +gina, hugo");
        }
    }

    @Test
    public void subscribeAndUnsubscribeChangeALiveClientsGroupsAndRoutingFollows() throws Exception {
        try (OctopipesClient carol = connect("carol")) {
            assertEquals(List.of("carol: groups night"), run("octopipes:subscribe carol night"));
            assertLine(run("octopipes:groups"), "night +1 +carol");

            assertEquals(List.of("night: queued for 1 recipient"), run("octopipes:send night \"good evening\""));
            Packet received = carol.receive(PATIENCE);
            assertNotNull("carol gets what is sent to her new group", received);
            assertEquals("good evening", new String(received.payloadBytes(), StandardCharsets.UTF_8));

            assertEquals(List.of("carol: groups -"), run("octopipes:unsubscribe carol night"));
            assertEquals(List.of("night: queued for 0 recipients"), run("octopipes:send night \"anyone there?\""));
        }
    }

    @Test
    public void sendInjectsAPacketFromTheServerToASubscribedClient() throws Exception {
        try (OctopipesClient erin = OctopipesClient.builder(cap).name("erin").autoAck(false).connect()) {
            assertEquals(List.of("erin: queued for 1 recipient"), run("octopipes:send --ttl 30 --rck erin hello erin"));
            Packet text = erin.receive(PATIENCE);
            assertNotNull(text);
            assertEquals(Name.SERVER, text.origin());
            assertEquals(30, text.ttl());
            assertTrue(text.hasOption(Protocol.OPTION_RCK));
            assertEquals("hello erin", new String(text.payloadBytes(), StandardCharsets.UTF_8));

            assertEquals(List.of("erin: queued for 1 recipient"), run("octopipes:send --hex erin 48 69 0a"));
            Packet hex = erin.receive(PATIENCE);
            assertNotNull(hex);
            assertArrayEquals(new byte[] {0x48, 0x69, 0x0A}, hex.payloadBytes());
            assertEquals(Protocol.DEFAULT_MESSAGE_TTL, hex.ttl());
        }
    }

    @Test
    public void monitorShowsARoutedPacketUntilItIsInterrupted() throws Exception {
        SessionOutput output = new SessionOutput();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), output.printStream(), output.printStream());
                OctopipesClient frank = connect("frank");
                OctopipesClient grace = connect("grace", "watched")) {
            Thread console = new Thread(() -> {
                try {
                    session.execute("octopipes:monitor watched");
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "monitor console");
            console.start();
            // The header is printed once the tap is in place.
            output.await(text -> text.contains("PAYLOAD"));

            frank.send("watched", "seen by the monitor".getBytes(StandardCharsets.UTF_8));

            String line = output.await(text -> text.contains("seen by the monitor")).lines()
                    .filter(l -> l.contains("seen by the monitor")).findFirst().orElseThrow();
            assertTrue(line, line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +frank +- +watched +19 +60 +- +1 +seen by the monitor"));
            assertNotNull("grace is sent the packet too", grace.receive(PATIENCE));

            // What Ctrl-C does in Gogo's line editor and in Karaf: interrupt the foreground job.
            Job job = session.foregroundJob();
            assertNotNull("the monitor runs as the session's foreground job", job);
            job.interrupt();

            // Gogo cancels the job's task; what the command prints after that may or may not reach
            // the session, so the proof that it stopped is the command returning.
            console.join(PATIENCE.toMillis());
            assertFalse("the monitor stopped and the console thread is free again", console.isAlive());
            assertFalse("nothing was skipped", output.text().contains("skipped:"));
        }
    }

    @Test
    public void statsShowsTheCountsAndTheirRates() throws Exception {
        long receivedBefore = broker.counters().received();
        try (OctopipesClient henry = connect("henry");
                OctopipesClient iris = connect("iris")) {
            henry.send("iris", "counted".getBytes(StandardCharsets.UTF_8));
            assertNotNull(iris.receive(PATIENCE));

            List<String> lines = run("octopipes:stats");

            assertTrue(lines.get(0), lines.get(0).matches("COUNTER +TOTAL +PER SECOND"));
            assertTrue(String.join("\n", lines), total(lines, "received") >= receivedBefore + 1);
            assertTrue(String.join("\n", lines), total(lines, "delivered") >= 1);
            assertLine(lines, "dropped QUEUE_FULL +\\d+ +\\d+\\.\\d");
            assertLine(lines, "\\d+ clients subscribed, \\d+ groups? with members; rates over 1\\.\\d s");
        }
    }

    @Test
    public void policiesShowsTheSpecPolicyActive() throws Exception {
        List<String> lines = run("octopipes:policies");

        assertTrue(lines.get(0), lines.get(0).matches("NAME +RANKING +SERVICE ID +BUNDLE +ACTIVE"));
        assertLine(lines, "spec +-?\\d+ +\\d+ +org.octopipes.router +yes");
    }

    @Test
    public void configShowsEachValueAndWhereItCameFrom() throws Exception {
        List<String> lines = run("octopipes:config");

        assertTrue(lines.get(0), lines.get(0).matches("PROPERTY +VALUE +SOURCE +READ BY"));
        assertLine(lines, "cap.path +" + Pattern.quote(cap.toString()) + " +configuration +org.octopipes.transport.fifo");
        assertLine(lines, "clients.dir +" + Pattern.quote(clients.toString()) + " +configuration +org.octopipes.transport.fifo");
        assertLine(lines, "fifo.mode +0600 +default +org.octopipes.transport.fifo");
        assertLine(lines, "max.payload +16777216 +default +org.octopipes.transport.fifo");
        // The sessions' and the router's parts of the same PID, each described by its bundle's own metatype.
        assertLine(lines, "max.clients +1024 +default +org.octopipes.sessions");
        assertLine(lines, "max.groups +255 +default +org.octopipes.sessions");
        assertLine(lines, "policy.target +\\(objectClass=\\*\\) +default +org.octopipes.router");
        assertEquals("each property once", 1, lines.stream().filter(line -> line.startsWith("max.clients ")).count());
        assertEquals("the server's PID is the default", lines, run("octopipes:config org.octopipes.server"));
        assertEquals(List.of("PID org.example.nothing has no configuration in Config Admin: every value is a default",
                "no bundle declares a metatype for PID org.example.nothing: the defaults cannot be shown"),
                run("octopipes:config org.example.nothing"));
    }

    @Test
    public void mistakesAreOneLineErrors() throws Exception {
        try (OctopipesClient judy = connect("judy")) {
            assertOneLineError("no client is subscribed as 'nobody'", "octopipes:client nobody");
            assertOneLineError("no client is subscribed as 'nobody'", "octopipes:kick nobody");
            assertOneLineError("no client is subscribed as 'nobody'", "octopipes:subscribe nobody team");
            assertOneLineError("bad group name '': the empty name is the server's", "octopipes:subscribe judy \"\"");
            assertOneLineError("bad hex payload: 'z' is not a hex digit", "octopipes:send --hex judy zz");
            assertOneLineError("bad TTL 256: must be 0 to 255", "octopipes:send --ttl 256 judy hi");
        }
    }

    private void assertOneLineError(String message, String command) {
        Exception error = assertThrows(command, Exception.class, () -> run(command));
        // Felix Gogo prints "gogo: CommandException: <message>"; Karaf prints the message alone.
        assertEquals(command, "CommandException", error.getClass().getSimpleName());
        assertEquals(command, message, error.getMessage());
    }

    /** Runs one command line in a new session, as a console does, and returns what it printed. */
    private List<String> run(String command) throws Exception {
        SessionOutput output = new SessionOutput();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), output.printStream(), output.printStream())) {
            Object result = session.execute(command);
            assertEquals("commands print rather than return", null, result);
        }
        return output.text().lines().toList();
    }

    private OctopipesClient connect(String name, String... groups) throws IOException {
        return OctopipesClient.builder(cap).name(name).groups(groups).connect();
    }

    private static void assertLine(List<String> lines, String regex) {
        assertTrue("a line matching " + regex + " in\n" + String.join("\n", lines), lines.stream().anyMatch(line -> line.matches(regex)));
    }

    private static long total(List<String> lines, String counter) {
        for (String line : lines) {
            Matcher matcher = Pattern.compile(Pattern.quote(counter) + " +(\\d+) .*").matcher(line);
            if (matcher.matches()) {
                return Long.parseLong(matcher.group(1));
            }
        }
        throw new AssertionError("no " + counter + " row in\n" + String.join("\n", lines));
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

    private void awaitService(String filter) throws Exception {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, context.createFilter(filter), null);
        tracker.open();
        try {
            assertNotNull("a service " + filter, tracker.waitForService(PATIENCE.toMillis()));
        } finally {
            tracker.close();
        }
    }

    /** What a session prints, readable while a command still runs, with a wait for what is expected. */
    private static final class SessionOutput extends OutputStream {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final PrintStream printStream = new PrintStream(this, true, StandardCharsets.UTF_8);

        PrintStream printStream() {
            return printStream;
        }

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            notifyAll();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** Waits, woken by each write, until the text printed so far satisfies {@code expected}; returns it. */
        synchronized String await(Predicate<String> expected) throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!expected.test(text())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("not printed within " + PATIENCE + "; printed so far:\n" + text());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return text();
        }
    }
}
