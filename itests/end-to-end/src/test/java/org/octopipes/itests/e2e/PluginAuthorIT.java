package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.Packet;
import org.octopipes.testsupport.TestProcess;

/**
 * What a plugin author does, with real processes: generates a project from the archetype with Maven
 * (offline, from a local repository), builds it with {@code mvn package}, configures it and copies
 * its jar into a running launcher's {@code deploy/} as the generated README says, and sees with real
 * clients that it routes as that README says: each packet to a group of workers reaches one worker
 * matching the pattern, a busy worker gets few, a member outside the pattern none. Deleting the jar
 * brings {@code spec} back. The log lines are taken from the generated README itself.
 */
class PluginAuthorIT {

    /** This build's archetype and API, laid out as {@code mvn install} would have put them. */
    private static final Path AUTHOR_REPOSITORY = Path.of(System.getProperty("octopipes.author.repository"));
    /** The local repository of the Maven running these tests: every other plugin and library. */
    private static final Path MAVEN_REPOSITORY = Path.of(System.getProperty("octopipes.maven.repository"));
    private static final Path MAVEN = Path.of(System.getProperty("octopipes.maven.home"), "bin", "mvn");
    private static final String VERSION = System.getProperty("octopipes.version");
    private static final String ARCHETYPE_PLUGIN = System.getProperty("octopipes.archetype.plugin");
    private static final Duration BUILD_PATIENCE = Duration.ofMinutes(5);

    private static final String PACKAGE = "com.example.workers";
    private static final String ARTIFACT = "worker-policy";
    private static final int BUSY_JOBS = 50;
    /**
     * 8 KiB each, 256 KiB: more than worker-1's FIFO and its client's buffer hold, so that the rest
     * waits in the server's queue, which is what the policy sees; and less than 256 KiB waits there,
     * past which the server would hold alice up.
     */
    private static final int DIRECT_CHUNKS = 32;

    @Test
    void aPolicyGeneratedFromTheArchetypeBuildsDeploysRoutesAsItsReadmeSaysAndLeaves() throws Exception {
        Path run = LauncherServer.runFolder("octopipes-plugin-author-");
        Path settings = authorSettings(run);

        Path workspace = Files.createDirectory(run.resolve("workspace"));
        maven("generate", workspace, settings, ARCHETYPE_PLUGIN + ":generate", "-DarchetypeGroupId=org.octopipes",
                "-DarchetypeArtifactId=octopipes-policy-archetype", "-DarchetypeVersion=" + VERSION, "-DgroupId=com.example",
                "-DartifactId=" + ARTIFACT, "-Dversion=1.0.0", "-Dpackage=" + PACKAGE);
        Path project = workspace.resolve(ARTIFACT);
        List<String> build = maven("package", project, settings, "package");
        assertThat(build).as("the generated unit tests ran and passed").anyMatch(line -> line.matches(".*Tests run: [1-9]\\d*, Failures: 0, Errors: 0.*"));
        Path jar = project.resolve("target/" + ARTIFACT + "-1.0.0.jar");
        assertThat(jar).exists();

        Readme readme = new Readme(Files.readAllLines(project.resolve("README.md")));
        Path deploy = Files.createDirectory(run.resolve("deploy"));
        try (LauncherServer server = LauncherServer.start("plugin-author", run, run.resolve("clients"),
                // A FIFO that is never grown: grown to 1 MiB, busy worker-1's would hold all it is sent.
                "fifo.pipe.budget = 0\n")) {
            author(server, readme, deploy, jar);
            assertThat(server.stop()).as("exit status after SIGTERM").isZero();
        }
    }

    private static void author(LauncherServer server, Readme readme, Path deploy, Path jar) throws Exception {
        try (Member worker1 = new Member(server, "worker-1");
                Member worker2 = new Member(server, "worker-2");
                Member auditor = new Member(server, "auditor");
                OctopipesClient alice = server.connect("alice")) {
            send(alice, "jobs", "before the plugin");
            for (Member member : List.of(worker1, worker2, auditor)) {
                member.await("before the plugin");
            }

            // As the README says: configure, then copy the jar.
            Files.writeString(deploy.resolve(readme.configurationFile), readme.configuration + "\n");
            server.awaitLog("Creating configuration {" + PACKAGE + ".LeastQueuedPolicy}");
            Path deployed = Files.copy(jar, deploy.resolve(jar.getFileName()));
            server.awaitLog(readme.takesOver);

            List<String> jobs = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                jobs.add("job " + i);
                send(alice, "jobs", "job " + i);
            }
            await("each job at one worker").atMost(TestProcess.PATIENCE).until(() -> worker1.count("job ") + worker2.count("job ") >= jobs.size());
            assertThat(merged(worker1.received("job "), worker2.received("job "))).as("every job once, at one worker or the other")
                    .containsExactlyInAnyOrderElementsOf(jobs);
            assertThat(worker1.count("job ")).as("idle workers take turns: worker-1's share").isPositive();
            assertThat(worker2.count("job ")).as("idle workers take turns: worker-2's share").isPositive();

            // worker-1 gets busy with what is sent to it by name: it reads nothing more, its FIFO
            // fills and its queue in the server grows (below the mark where the server holds alice up).
            worker1.busy.set(true);
            for (int i = 1; i <= DIRECT_CHUNKS; i++) {
                byte[] chunk = new byte[8 * 1024];
                byte[] label = ("for worker-1 " + i).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(label, 0, chunk, 0, label.length);
                alice.send("worker-1", chunk);
            }
            // The policy reads each worker's queue as the server publishes it, once per round of
            // reads: jobs read in the same round as the chunks would still see worker-1 idle. A
            // packet to worker-2 by name, routed after the chunks, ends that round; once it arrived,
            // what alice writes next is read in a later round.
            send(alice, "worker-2", "worker-1 is busy now");
            worker2.await("worker-1 is busy now");
            for (int i = 1; i <= BUSY_JOBS; i++) {
                send(alice, "jobs", "busy " + i);
            }
            await("worker-2 takes every job while worker-1 is busy").atMost(TestProcess.PATIENCE)
                    .until(() -> worker2.count("busy ") >= BUSY_JOBS);
            worker1.free.countDown();
            await("worker-1 catches up").atMost(TestProcess.PATIENCE).until(() -> worker1.count("for worker-1 ") >= DIRECT_CHUNKS);
            assertThat(worker1.received("busy ")).as("the busy worker's jobs").isEmpty();
            assertThat(worker2.received("busy ")).as("every job once, all at worker-2").hasSize(BUSY_JOBS).doesNotHaveDuplicates();

            // Routed in order: had any job gone to the auditor, it would arrive before this.
            send(alice, "auditor", "to the auditor by name");
            auditor.await("to the auditor by name");
            assertThat(auditor.received("")).as("the auditor does not match worker-*: no job, only what is sent to it by name")
                    .containsExactly("before the plugin", "to the auditor by name");

            Files.delete(deployed);
            server.awaitLog(readme.fallsBack);
            send(alice, "jobs", "after the plugin");
            for (Member member : List.of(worker1, worker2, auditor)) {
                member.await("after the plugin");
            }
            for (Member member : List.of(worker1, worker2, auditor)) {
                assertThat(member.client.isOpen()).as(member.client.name() + " stayed subscribed throughout").isTrue();
            }
            assertThat(server.stop()).as("exit status after SIGTERM").isZero();
        }
    }

    /**
     * The settings of the author's Maven: offline, its local repository this build's artifacts, and
     * the local repository of the Maven running the tests read as a repository behind it (a file
     * URL, which offline Maven may read when told so), for releases only, so that a stale
     * Octopipes snapshot there is never taken.
     */
    private static Path authorSettings(Path run) throws IOException {
        String repository = "<url>" + MAVEN_REPOSITORY.toUri() + "</url><releases><checksumPolicy>ignore</checksumPolicy></releases>"
                + "<snapshots><enabled>false</enabled></snapshots>";
        return Files.writeString(run.resolve("settings.xml"), """
                <settings>
                  <localRepository>%s</localRepository>
                  <offline>true</offline>
                  <profiles>
                    <profile>
                      <id>this-machine</id>
                      <repositories><repository><id>central</id>%s</repository></repositories>
                      <pluginRepositories><pluginRepository><id>central</id>%s</pluginRepository></pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>this-machine</activeProfile></activeProfiles>
                </settings>
                """.formatted(AUTHOR_REPOSITORY, repository, repository));
    }

    /** Runs the author's Maven in {@code folder} and returns what it printed; fails unless it succeeds. */
    private static List<String> maven(String label, Path folder, Path settings, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(MAVEN.toString(), "-B", "-o", "-s", settings.toString(), "-Daether.offline.protocols=file"));
        command.addAll(List.of(arguments));
        try (TestProcess maven = TestProcess.start("mvn " + label, command, Map.of("JAVA_HOME", System.getProperty("java.home")), folder)) {
            int status = maven.awaitExit(BUILD_PATIENCE);
            assertThat(status).as("mvn " + label + ":\n" + String.join("\n", maven.stdout())).isZero();
            return maven.stdout();
        }
    }

    private static void send(OctopipesClient sender, String remote, String text) throws IOException {
        sender.send(remote, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> merged(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }

    /** What the generated README tells the author: the configuration to write and the log lines to expect. */
    private static final class Readme {
        final String configurationFile;
        final String configuration;
        final String takesOver;
        final String fallsBack;

        Readme(List<String> lines) {
            // e.g.     echo 'members = worker-*' > deploy/com.example.workers.LeastQueuedPolicy.cfg
            String echo = lines.stream().map(String::strip).filter(line -> line.startsWith("echo '") && line.contains("> deploy/")).findFirst()
                    .orElseThrow(() -> new AssertionError("the README tells how to configure the policy in deploy/"));
            configuration = echo.substring("echo '".length(), echo.indexOf('\'', "echo '".length()));
            configurationFile = echo.substring(echo.indexOf("> deploy/") + "> deploy/".length());
            List<String> logged = lines.stream().map(String::strip).filter(line -> line.startsWith("Routing policy now ")).toList();
            assertThat(logged).as("the README quotes the log of the switch and of the fall back").hasSize(2);
            takesOver = logged.get(0);
            fallsBack = logged.get(1);
        }
    }

    /** A member of the group {@code jobs}, which records what it receives and can play a busy worker. */
    private static final class Member implements AutoCloseable {
        final OctopipesClient client;
        final List<String> received = new CopyOnWriteArrayList<>();
        /** Once set, the next packet keeps the member busy until {@link #free}: it reads nothing meanwhile. */
        final AtomicBoolean busy = new AtomicBoolean();
        final CountDownLatch free = new CountDownLatch(1);

        Member(LauncherServer server, String name) throws IOException {
            this.client = OctopipesClient.builder(server.cap).name(name).groups("jobs").subscribeTimeout(LauncherServer.SUBSCRIBE_TIMEOUT)
                    .onMessage(this::take).connect();
        }

        private void take(Packet packet) {
            String text = new String(packet.payloadBytes(), StandardCharsets.UTF_8);
            int end = text.indexOf('\0');
            received.add((end < 0 ? text : text.substring(0, end)).strip());
            if (busy.get()) {
                try {
                    free.await(TestProcess.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        List<String> received(String prefix) {
            return received.stream().filter(text -> text.startsWith(prefix)).toList();
        }

        int count(String prefix) {
            return received(prefix).size();
        }

        void await(String text) {
            org.awaitility.Awaitility.await(client.name() + " receives '" + text + "'").atMost(TestProcess.PATIENCE)
                    .until(() -> received.contains(text));
        }

        @Override
        public void close() {
            free.countDown();
            client.close();
        }
    }
}
