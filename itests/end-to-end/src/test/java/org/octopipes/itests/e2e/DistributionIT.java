package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.octopipes.testsupport.TestProcess;

/**
 * The distribution as an operator uses it: the tarball unpacked with {@code tar} into a folder of
 * its own, the CAP and the socket placed in {@code etc/}, the server started with
 * {@code bin/octopipes} from another folder; then clients, an edit of {@code etc/} applied while
 * it runs, a plugin dropped into {@code deploy/}, and the systemd units checked by
 * {@code systemd-analyze verify} where it is installed; and {@code etc/} checked against the
 * metatypes of the bundles.
 */
class DistributionIT {

    private static final Path TARBALL = Path.of(System.getProperty("octopipes.distribution"));
    private static final Path CLIENT = Path.of(System.getProperty("octopipes.client.jar"));
    private static final Path ECHO_PLUGIN = Path.of(System.getProperty("octopipes.policy.echo.jar"));
    private static final Path REFERENCE_CLIENT = Path.of(System.getProperty("octopipes.reference.client"));

    private static Path run;
    private static Path home;
    private static Path cap;
    private static Path socket;
    private static TestProcess server;

    @BeforeAll
    static void unpackAndStart() throws IOException, InterruptedException {
        run = Files.createTempDirectory("octopipes-dist-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path installed = Files.createDirectory(run.resolve("opt"));
        try (TestProcess tar = TestProcess.start("tar", List.of("tar", "-xzf", TARBALL.toString(), "-C", installed.toString()))) {
            assertThat(tar.awaitExit()).as("tar -xzf " + TARBALL + "; " + tar).isZero();
        }
        try (Stream<Path> unpacked = Files.list(installed)) {
            List<Path> folders = unpacked.toList();
            assertThat(folders).as("one folder, octopipes-<version>").hasSize(1);
            home = folders.get(0);
        }
        assertThat(home.getFileName().toString()).startsWith("octopipes-");
        for (String expected : List.of("bin/octopipes", "lib/octopipes-launcher.jar", "etc/org.octopipes.server.cfg",
                "etc/org.octopipes.transport.unix.cfg", "deploy", "systemd/octopipes.service", "systemd/octopipes-user.service",
                "LICENSE", "README.md")) {
            assertThat(home.resolve(expected)).as(expected).exists();
        }
        assertThat(Files.isExecutable(home.resolve("bin/octopipes"))).as("bin/octopipes is executable").isTrue();

        cap = run.resolve("cap.fifo");
        socket = run.resolve("octopipes.sock");
        append(home.resolve("etc/org.octopipes.server.cfg"), "cap.path = " + cap);
        append(home.resolve("etc/org.octopipes.transport.unix.cfg"), "socket.path = " + socket);

        // From another folder, as systemd or an operator's shell would start it.
        Path elsewhere = Files.createDirectory(run.resolve("elsewhere"));
        server = TestProcess.start("distribution", List.of(home.resolve("bin/octopipes").toString(), "--no-console"),
                Map.of("JAVA_HOME", System.getProperty("java.home")), elsewhere);
        server.awaitStdout(line -> line.endsWith("fifo transport at " + cap), "the FIFO transport at the CAP set in etc/");
        server.awaitStdout(line -> line.endsWith("unix transport at " + socket), "the socket set in etc/");
    }

    @AfterAll
    static void stop() throws InterruptedException, IOException {
        if (server != null) {
            int status = server.terminate();
            Files.write(Path.of("target", "distribution-server.log"), server.stderr());
            assertThat(status).as("exit status after SIGTERM").isZero();
        }
    }

    @Test
    void clientsOfTheCommandLineAndTheReferenceStyleClientTalkThroughIt() throws Exception {
        try (TestProcess bob = client("sub bob", "sub", "--cap", cap.toString(), "--name", "bob", "--count", "2")) {
            server.awaitStderr(line -> line.contains("Client 'bob' subscribed"), "bob's subscription");
            assertThat(client("send alice", "send", "--socket", socket.toString(), "--name", "alice", "bob", "over the socket").awaitExit())
                    .isZero();
            try (TestProcess python = TestProcess.start("reference client", List.of("python3", REFERENCE_CLIENT.toString(), "--cap",
                    cap.toString(), "--name", "snake", "--send", "bob", "over the FIFOs"))) {
                assertThat(python.awaitExit()).as(python.toString()).isZero();
            }
            assertThat(bob.awaitExit()).isZero();
            assertThat(bob.stdout()).containsExactly("alice -> bob: over the socket", "snake -> bob: over the FIFOs");
        }
    }

    @Test
    void anEditOfEtcAppliesWhileTheServerRuns() throws Exception {
        append(home.resolve("etc/org.octopipes.server.cfg"), "max.groups = 100");

        server.awaitStderr(line -> line.contains("Sessions reconfigured; at most 1024 clients, 100 groups each"), "the sessions taking the edit");
    }

    @Test
    void aPluginDroppedIntoDeployStarts() throws Exception {
        Files.copy(ECHO_PLUGIN, home.resolve("deploy").resolve(ECHO_PLUGIN.getFileName()), StandardCopyOption.REPLACE_EXISTING);

        server.awaitStderr(line -> line.contains("started org.octopipes.policy.echo "), "the echo plugin started");
    }

    @Test
    void theSystemdUnitsPassSystemdAnalyzeVerify() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed (Debian package systemd): the units are not verified");
        // Where the units expect the distribution, /opt/octopipes, and %h/octopipes: here instead.
        Path units = Files.createDirectory(run.resolve("units"));
        for (String unit : List.of("octopipes.service", "octopipes-user.service")) {
            String text = Files.readString(home.resolve("systemd").resolve(unit))
                    .replace("/opt/octopipes", home.toString()).replace("%h/octopipes", home.toString());
            Path copy = Files.writeString(units.resolve(unit), text);
            try (TestProcess verify = TestProcess.start("systemd-analyze verify " + unit,
                    List.of(analyze.toString(), "verify", "--man=no", copy.toString()))) {
                assertThat(verify.awaitExit()).as(verify.toString()).isZero();
                assertThat(verify.stderr()).as("what systemd-analyze has to say about " + unit)
                        .noneMatch(line -> line.contains(unit) && !line.contains("Failed to resolve user") && !line.contains("Failed to resolve group"));
            }
        }
    }

    /**
     * Every property that a bundle of the launcher describes in its metatype is in {@code etc/}, in
     * the file of its PID ({@code <pid>.cfg}, or the {@code .cfg.example} of a factory PID): commented
     * out with the metatype's default, or set as an example. So etc/ cannot drift from the code.
     */
    @Test
    void etcHasEveryPropertyOfTheLaunchersMetatypesWithItsDefault() throws Exception {
        int checked = 0;
        for (Metatypes.Configuration configuration : Metatypes.ofLauncher(home.resolve("lib/octopipes-launcher.jar"))) {
            checked += assertDescribedInEtc(configuration);
        }
        assertThat(checked).as("properties checked").isGreaterThan(20);
    }

    /** Checks one configuration's properties against etc/; returns how many. */
    private static int assertDescribedInEtc(Metatypes.Configuration configuration) throws IOException {
        String pid = configuration.pid();
        Path file = !configuration.factory()
                ? (Files.exists(home.resolve("etc/" + pid + ".cfg")) ? home.resolve("etc/" + pid + ".cfg") : home.resolve("etc/" + pid + ".cfg.example"))
                : home.resolve("etc/" + pid + "-site.cfg.example");
        assertThat(file).as("the etc/ file of " + configuration.bundle() + "'s configuration").exists();
        List<String> lines = Files.readAllLines(file);
        for (Metatypes.Property property : configuration.properties()) {
            String id = property.id();
            String commentedDefault = ("# " + id + " = " + property.defaultValue()).strip();
            assertThat(lines).as(id + " in " + file.getFileName() + ": '" + commentedDefault + "', or set").anyMatch(line -> line.strip()
                    .equals(commentedDefault) || line.startsWith(id + " ="));
        }
        return configuration.properties().size();
    }

    private static TestProcess client(String label, String... arguments) throws IOException {
        return TestProcess.start(label, TestProcess.java(CLIENT, arguments));
    }

    private static void append(Path file, String line) throws IOException {
        Files.writeString(file, System.lineSeparator() + line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
