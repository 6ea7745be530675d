package org.octopipes.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.testsupport.LocalPorts;
import org.octopipes.testsupport.TestProcess;

/** The executable jar, started as an operator would start it: options, bundles, configuration, stop. */
class LauncherIT {

    private static final Pattern EMBEDDED_OCTOPIPES_BUNDLE =
            Pattern.compile("bundles/(org\\.octopipes\\.[^/]+?)-\\d[^/]*\\.jar");
    private static final String FIFO_TRANSPORT = "org.octopipes.transport.fifo";
    private static final Pattern READY_LINE = Pattern.compile("Octopipes \\S+ ready: \\S+ transport at .+");

    @TempDir
    Path tempDir;

    private Path cap;
    private Path clients;
    private Path deploy;
    private TestProcess launcher;

    /** The jar the build made, as the README runs it. */
    private static final Path JAR = Path.of(System.getProperty("octopipes.launcher.jar", "target/octopipes-launcher.jar"));

    @BeforeEach
    void realPaths() throws IOException {
        // The real path, so that what the server reports compares equal to what the test passed.
        tempDir = tempDir.toRealPath();
        cap = tempDir.resolve("cap.fifo");
        clients = tempDir.resolve("clients");
        deploy = tempDir.resolve("deploy");
    }

    @AfterEach
    void killLeftover() throws InterruptedException {
        if (launcher != null) {
            launcher.close();
        }
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() throws Exception {
        launcher = launch("--help");

        assertThat(launcher.awaitExit(TestProcess.PATIENCE)).isZero();
        assertThat(String.join("\n", launcher.stdout()))
                .startsWith("Usage: java -jar octopipes-launcher.jar [options]")
                .contains("--cap PATH", "--clients DIR", "--config FILE", "--deploy DIR", "--storage DIR",
                        "--http [HOST:]PORT", "--no-console", "--help");
        assertThat(launcher.stderr()).isEmpty();
    }

    @Test
    void anUnknownOptionExitsTwoWithAClearMessage() throws Exception {
        launcher = launch("--cap", cap.toString(), "--colour");

        assertThat(launcher.awaitExit(TestProcess.PATIENCE)).isEqualTo(2);
        assertThat(launcher.stderr()).containsExactly(
                "octopipes-launcher: unknown option '--colour'",
                "Try 'java -jar octopipes-launcher.jar --help' for the options.");
        assertThat(launcher.stdout()).isEmpty();
    }

    @Test
    void anOptionWithoutItsValueExitsTwo() throws Exception {
        launcher = launch("--no-console", "--cap");

        assertThat(launcher.awaitExit(TestProcess.PATIENCE)).isEqualTo(2);
        assertThat(launcher.stderr()).first().isEqualTo("octopipes-launcher: option --cap needs a value");
    }

    @Test
    void aPortOutOfRangeForHttpExitsTwoWithAClearMessage() throws Exception {
        launcher = launch("--no-console", "--http", "localhost:70000");

        assertThat(launcher.awaitExit(TestProcess.PATIENCE)).isEqualTo(2);
        assertThat(launcher.stderr()).first().isEqualTo("octopipes-launcher: --http localhost:70000: the port must be from 0 to 65535");
    }

    @Test
    void withoutHttpTheServerListensOnNoPortAndInstallsNoHttpBundle() throws Exception {
        launcher = startServer();
        launcher.awaitStdout(line -> line.endsWith(" transport at " + cap), "a ready line for the FIFO transport");
        awaitStarted("org.octopipes.jmx");

        assertThat(LocalPorts.listenedOnBy(launcher.pid())).as("TCP sockets the server listens on").isEmpty();
        assertThat(launcher.stderr()).noneMatch(line -> line.contains("started org.apache.felix.http")
                || line.contains("started org.apache.felix.webconsole") || line.contains("started org.octopipes.metrics"));
    }

    @Test
    void withHttpAndNoHostItListensOnTheLoopbackOnlyAndSaysWhere() throws Exception {
        launcher = startServer("--http", "0");

        String ready = launcher.awaitStdout(line -> line.contains(" ready: Web Console at "), "a ready line for the Web Console");
        Matcher url = Pattern.compile("ready: Web Console at http://127\\.0\\.0\\.1:(\\d+)/system/console/octopipes,"
                + " metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(ready);
        assertThat(url.find()).as(ready).isTrue();
        int port = Integer.parseInt(url.group(1));

        assertThat(LocalPorts.listenedOnBy(launcher.pid())).containsExactly(new InetSocketAddress("127.0.0.1", port));
        assertThat(launcher.stderr()).as("no errors while starting").noneMatch(line -> line.contains(" ERROR "));
    }

    @Test
    void anEtcFolderAndTheServerOptionsTogetherExitTwo() throws Exception {
        Path etc = Files.createDirectories(tempDir.resolve("etc"));
        launcher = launch("--no-console", "--etc", etc.toString(), "--cap", cap.toString());

        assertThat(launcher.awaitExit(TestProcess.PATIENCE)).isEqualTo(2);
        assertThat(launcher.stderr()).first().isEqualTo("octopipes-launcher: with --etc, the server's configuration is "
                + etc.resolve("org.octopipes.server.cfg") + ": set cap.path and clients.dir there, not with --cap, --clients or --config");
    }

    @Test
    void startsTheInfrastructureAndEveryEmbeddedOctopipesBundle() throws Exception {
        List<String> octopipesBundles = embeddedOctopipesBundles();
        assertThat(octopipesBundles).contains("org.octopipes.codec", "org.octopipes.api");

        launcher = startServer();

        for (String bundle : List.of("org.apache.felix.scr", "org.apache.felix.configadmin",
                "org.apache.felix.fileinstall", "org.apache.felix.log", "org.apache.felix.metatype",
                "org.apache.felix.gogo.runtime", "org.apache.felix.gogo.command")) {
            awaitStarted(bundle);
        }
        for (String bundle : octopipesBundles) {
            awaitStarted(bundle);
        }
        assertThat(launcher.stderr()).as("no errors while starting").noneMatch(line -> line.contains(" ERROR "));
        assertThat(launcher.stdout()).as("standard output is for the ready lines")
                .allMatch(line -> READY_LINE.matcher(line).matches());
        assertThat(deploy).as("the deploy folder is created").isDirectory();
    }

    @Test
    void putsTheConfigFileAndTheCommandLineIntoConfigAdmin() throws Exception {
        Path configFile = tempDir.resolve("server.properties");
        Files.writeString(configFile, "cap.path=/somewhere/else.fifo\nmax.clients=7\nfifo.mode=0600\n");

        launcher = startServer("--config", configFile.toString());

        awaitLauncherLog("INFO", "configuration org.octopipes.server: cap.path=" + cap + ", clients.dir="
                + clients + ", fifo.mode=0600, max.clients=7");
    }

    @Test
    void startsABundleDroppedIntoTheDeployFolder() throws Exception {
        Files.createDirectories(deploy);
        writeEmptyBundle(deploy.resolve("plugin.jar"), "org.example.plugin", "1.2.3");

        launcher = startServer();

        awaitLauncherLog("INFO", "started org.example.plugin 1.2.3");
    }

    @Test
    void announcesTheFifoTransportOnceItAcceptsClients() throws Exception {
        assumeTrue(embeddedOctopipesBundles().contains(FIFO_TRANSPORT),
                "the launcher holds no " + FIFO_TRANSPORT + " yet");

        launcher = startServer();

        launcher.awaitStdout(line -> READY_LINE.matcher(line).matches() && line.endsWith(" transport at " + cap),
                "a ready line for the transport at " + cap);
        assertThat(cap).as("the CAP exists once ready").exists();

        launcher.signalTerminate();

        assertThat(launcher.awaitExit(TestProcess.PATIENCE)).as("exit status after SIGTERM").isZero();
        assertThat(launcher.stderr()).anyMatch(line -> line.endsWith(" INFO octopipes-launcher: stopped"));
        assertThat(Files.exists(cap, LinkOption.NOFOLLOW_LINKS)).as("the CAP is deleted at stop").isFalse();
    }

    private TestProcess startServer(String... moreOptions) throws IOException {
        List<String> options = new ArrayList<>(List.of("--no-console",
                "--cap", cap.toString(),
                "--clients", clients.toString(),
                "--deploy", deploy.toString(),
                "--storage", tempDir.resolve("cache").toString()));
        options.addAll(List.of(moreOptions));
        return launch(options.toArray(String[]::new));
    }

    /** Starts {@code java -jar octopipes-launcher.jar args} in the test's folder, standard input at EOF as under systemd. */
    private TestProcess launch(String... args) throws IOException {
        return TestProcess.start("launcher", TestProcess.java(JAR, args), Map.of(), tempDir);
    }

    /** Waits until standard error has a log line from the launcher whose message is {@code message}. */
    private void awaitLauncherLog(String level, String message) throws InterruptedException {
        launcher.awaitStderr(line -> line.endsWith(" " + level + " octopipes-launcher: " + message), level + " octopipes-launcher: " + message);
    }

    private void awaitStarted(String symbolicName) throws InterruptedException {
        launcher.awaitStderr(line -> line.contains(" INFO octopipes-launcher: started " + symbolicName + " "),
                "started " + symbolicName);
    }

    /** The symbolic names of our bundles in the jar: the build names each file after its artifactId. */
    private static List<String> embeddedOctopipesBundles() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            return jar.stream()
                    .map(entry -> EMBEDDED_OCTOPIPES_BUNDLE.matcher(entry.getName()))
                    .filter(Matcher::matches)
                    .map(match -> match.group(1))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static void writeEmptyBundle(Path file, String symbolicName, String version) throws IOException {
        Manifest manifest = new Manifest();
        Attributes attributes = manifest.getMainAttributes();
        attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.putValue("Bundle-ManifestVersion", "2");
        attributes.putValue("Bundle-SymbolicName", symbolicName);
        attributes.putValue("Bundle-Version", version);
        try (OutputStream out = Files.newOutputStream(file)) {
            new JarOutputStream(out, manifest).close();
        }
    }
}
