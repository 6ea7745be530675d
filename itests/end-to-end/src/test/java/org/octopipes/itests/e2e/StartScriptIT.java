package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.testsupport.TestProcess;

/**
 * The README's way to start the server, {@code launcher/octopipes}: the server is the script's
 * process (exec), with the broker's JVM defaults unless JAVA_OPTS replaces them, and it serves.
 */
class StartScriptIT {

    private static final Path SCRIPT = Path.of(System.getProperty("octopipes.launcher.script"));

    @Test
    void theScriptExecsTheLauncherWithASmallInitialHeapAndItServes() throws Exception {
        Path run = LauncherServer.runFolder("octopipes-script-");
        Path cap = run.resolve("cap.fifo");
        try (TestProcess server = startScript(run, environment(null, "-Dscript.test=extra"))) {
            server.awaitStdout(line -> line.endsWith("fifo transport at " + cap), "that it is ready");

            List<String> jvm = commandLine(server.pid());
            assertThat(Path.of(jvm.get(0)).getFileName().toString()).as("the script's process became the JVM").isEqualTo("java");
            assertThat(jvm).contains("-Xms32m", "-Dscript.test=extra");
            assertThat(jvm.subList(jvm.indexOf("-jar"), jvm.size())).contains(LauncherServer.LAUNCHER.toString(), "--no-console");
            try (OctopipesClient bob = OctopipesClient.builder(cap).name("bob").subscribeTimeout(LauncherServer.SUBSCRIBE_TIMEOUT).connect();
                    OctopipesClient alice = OctopipesClient.builder(cap).name("alice").subscribeTimeout(LauncherServer.SUBSCRIBE_TIMEOUT).connect()) {
                alice.send(Name.of("bob"), "through the script".getBytes(StandardCharsets.UTF_8));
                Packet packet = bob.receive(TestProcess.PATIENCE);
                assertThat(packet).as("a packet within " + TestProcess.PATIENCE).isNotNull();
                assertThat(new String(packet.payloadBytes(), StandardCharsets.UTF_8)).isEqualTo("through the script");
            }
            assertThat(server.terminate()).as("SIGTERM reaches the JVM itself: a clean stop").isZero();
        }
        assertThat(cap).as("the CAP is removed at stop").doesNotExist();
    }

    @Test
    void javaOptsReplacesTheDefaults() throws Exception {
        Path run = LauncherServer.runFolder("octopipes-script-");
        try (TestProcess server = startScript(run, environment("-Xms48m", null))) {
            server.awaitStdout(line -> line.endsWith("fifo transport at " + run.resolve("cap.fifo")), "that it is ready");

            assertThat(commandLine(server.pid())).contains("-Xms48m").doesNotContain("-Xms32m");
            assertThat(server.terminate()).isZero();
        }
    }

    @Test
    void withoutAJarTheScriptSaysHowToBuildIt() throws Exception {
        Path run = LauncherServer.runFolder("octopipes-script-");
        Map<String, String> environment = environment(null, null);
        environment.put("OCTOPIPES_JAR", run.resolve("missing.jar").toString());
        try (TestProcess script = startScript(run, environment)) {
            assertThat(script.awaitExit()).isEqualTo(1);
            assertThat(script.stderr()).anyMatch(line -> line.contains("no launcher jar at " + run.resolve("missing.jar"))
                    && line.contains("mvn -B -q package -DskipTests"));
        }
    }

    /** The test's own JVM, the launcher jar the build made, and JAVA_OPTS/EXTRA_JAVA_OPTS as given (null: unset). */
    private static Map<String, String> environment(String javaOpts, String extraJavaOpts) {
        Map<String, String> environment = new HashMap<>();
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("OCTOPIPES_JAR", LauncherServer.LAUNCHER.toString());
        environment.put("JAVA_OPTS", javaOpts);
        environment.put("EXTRA_JAVA_OPTS", extraJavaOpts);
        return environment;
    }

    private static TestProcess startScript(Path run, Map<String, String> environment) throws IOException {
        return TestProcess.start("script", List.of("sh", SCRIPT.toString(), "--no-console", "--cap", run.resolve("cap.fifo").toString(),
                "--clients", run.resolve("clients").toString(), "--deploy", run.resolve("deploy").toString()), environment);
    }

    private static List<String> commandLine(long pid) throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8);
        return Arrays.asList(raw.split("\0"));
    }
}
