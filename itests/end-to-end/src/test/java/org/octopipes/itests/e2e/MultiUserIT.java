package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.testsupport.TestProcess;

/**
 * A server shared by two users: root runs the launcher with its socket opened to others
 * ({@code socket.mode=0666}), names {@code admin*} owned by root, two clients per user, and an ACL
 * rule on user {@code nobody}; the Java command line runs as root and, through {@code setpriv}, as
 * {@code nobody}. Needs root, to be two users; skipped with a message otherwise.
 */
class MultiUserIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("octopipes.launcher.jar"));
    private static final Path CLIENT = Path.of(System.getProperty("octopipes.client.jar"));
    private static final Path ACL = Path.of(System.getProperty("octopipes.policy.acl.jar"));
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    /** nobody and nogroup on Debian: a user and group with no rights of their own. */
    private static final String NOBODY = "65534";

    private Path run;
    private Path socket;
    private Path cap;
    /** The client's jar where nobody can read it (the build folder may be in root's home). */
    private Path client;
    private TestProcess server;

    @BeforeEach
    void startServer() throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")), "MultiUserIT needs root, to run clients as root and as nobody");
        assumeTrue(Files.isExecutable(SETPRIV), "MultiUserIT needs setpriv (Debian package util-linux) to run a client as nobody");
        // Others may enter the folder (to reach the socket) but not write it: the server accepts that.
        run = Files.createTempDirectory("octopipes-users-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        cap = run.resolve("cap.fifo");
        socket = run.resolve("octopipes.sock");
        client = Files.copy(CLIENT, run.resolve("client.jar"));
        Path etc = Files.createDirectory(run.resolve("etc"));
        Files.writeString(etc.resolve("org.octopipes.server.cfg"), "cap.path = " + cap + "\nclients.dir = " + run.resolve("clients")
                + "\nnames.owners = admin*=root\nquota.clients.per.user = 2\n");
        Files.writeString(etc.resolve("org.octopipes.transport.unix.cfg"), "socket.path = " + socket + "\nsocket.mode = 0666\n");
        Files.writeString(etc.resolve("org.octopipes.policy.acl.cfg"), "rules = deny user=nobody remote=ops\n");
        Path deploy = Files.createDirectory(run.resolve("deploy"));
        Files.copy(ACL, deploy.resolve(ACL.getFileName()));
        server = TestProcess.start("server", TestProcess.java(LAUNCHER, "--no-console", "--etc", etc.toString(), "--deploy", deploy.toString(),
                "--storage", run.resolve("cache").toString()));
        server.awaitStdout(line -> line.endsWith("unix transport at " + socket), "that its socket is ready");
        server.awaitStderr(line -> line.contains("ACL in force: 1 rules"), "the ACL with its rule");
    }

    @AfterEach
    void stopServer() throws IOException, InterruptedException {
        if (server == null) {
            return;
        }
        server.terminate();
        Files.write(Path.of("target", "multi-user-server.log"), server.stderr());
        try (Stream<Path> files = Files.walk(run)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private TestProcess asRoot(String label, String... arguments) throws IOException {
        return TestProcess.start(label + " (root)", TestProcess.java(client, arguments));
    }

    private TestProcess asNobody(String label, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        command.addAll(TestProcess.java(client, arguments));
        return TestProcess.start(label + " (nobody)", command);
    }

    private void awaitLog(String text) {
        await("the server logs \"" + text + "\"").atMost(TestProcess.PATIENCE)
                .until(() -> server.stderr().stream().anyMatch(line -> line.contains(text)));
    }

    @Test
    void aNameOwnedByRootIsRefusedToNobodyAndAcceptedToRoot() throws Exception {
        try (TestProcess impostor = asNobody("sub admin-1", "sub", "--socket", socket.toString(), "--name", "admin-1", "--count", "1")) {
            assertThat(impostor.awaitExit()).as("nobody's subscription as admin-1").isNotZero();
        }
        awaitLog("'admin-1' belongs to root (names.owners admin*), not to user nobody, group nogroup");

        try (TestProcess admin = asRoot("sub admin-1", "sub", "--socket", socket.toString(), "--name", "admin-1", "--count", "1")) {
            awaitLog("Client 'admin-1' subscribed through unix");
            assertThat(server.stderr()).anyMatch(line -> line.contains("Client 'admin-1' subscribed through unix")
                    && line.contains("(user root, group root, pid " + admin.pid() + ")"));
            try (TestProcess note = asNobody("send", "send", "--socket", socket.toString(), "--name", "guest", "admin-1", "hello admin")) {
                assertThat(note.awaitExit()).isZero();
            }
            assertThat(admin.awaitExit()).isZero();
            assertThat(admin.stdout()).containsExactly("guest -> admin-1: hello admin");
        }
    }

    @Test
    void nobodysPacketsAreDeniedByAUserRuleAndRootsGoThrough() throws Exception {
        try (TestProcess ops = asRoot("sub ops", "sub", "--socket", socket.toString(), "--name", "ops", "--count", "1")) {
            awaitLog("Client 'ops' subscribed through unix");
            try (TestProcess guest = asNobody("send", "send", "--socket", socket.toString(), "--name", "guest", "ops", "from nobody")) {
                assertThat(guest.awaitExit()).isZero();
            }
            awaitLog("acl rule 'deny user=nobody remote=ops': guest -> ops");
            try (TestProcess root = asRoot("send", "send", "--socket", socket.toString(), "--name", "root-sender", "ops", "from root")) {
                assertThat(root.awaitExit()).isZero();
            }
            assertThat(ops.awaitExit()).isZero();
            assertThat(ops.stdout()).as("only root's packet").containsExactly("root-sender -> ops: from root");
        }
    }

    @Test
    void aUsersQuotaOfClientsIsReachedWithoutTouchingRootsClients() throws Exception {
        try (TestProcess keeper = asRoot("sub keeper", "sub", "--socket", socket.toString(), "--name", "keeper", "--count", "1");
                TestProcess first = asNobody("sub guest-1", "sub", "--socket", socket.toString(), "--name", "guest-1", "--count", "1");
                TestProcess second = asNobody("sub guest-2", "sub", "--socket", socket.toString(), "--name", "guest-2", "--count", "1")) {
            awaitLog("Client 'keeper' subscribed through unix");
            awaitLog("Client 'guest-1' subscribed through unix");
            awaitLog("Client 'guest-2' subscribed through unix");
            try (TestProcess third = asNobody("sub guest-3", "sub", "--socket", socket.toString(), "--name", "guest-3", "--count", "1")) {
                assertThat(third.awaitExit()).as("nobody's third client").isNotZero();
            }
            awaitLog("user nobody has its quota of 2 clients (quota.clients.per.user)");
            for (String name : List.of("keeper", "guest-1", "guest-2")) {
                try (TestProcess note = asRoot("send", "send", "--socket", socket.toString(), "--name", "root-sender", name, "for " + name)) {
                    assertThat(note.awaitExit()).isZero();
                }
            }
            assertThat(keeper.awaitExit()).isZero();
            assertThat(keeper.stdout()).containsExactly("root-sender -> keeper: for keeper");
            assertThat(first.awaitExit()).isZero();
            assertThat(second.awaitExit()).isZero();
        }
    }

    @Test
    void anUnsubscriptionOnTheCapForASocketClientIsIgnored() throws Exception {
        try (TestProcess sam = asRoot("sub sam", "sub", "--socket", socket.toString(), "--name", "sam", "--count", "1")) {
            awaitLog("Client 'sam' subscribed through unix");
            // Anybody who can write the CAP can write this; it must not end sam's session.
            try (FileChannel channel = FileChannel.open(cap, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(CapMessage.Unsubscription.INSTANCE.toPacket(Name.of("sam")).toBytes()));
            }
            awaitLog("an UNSUBSCRIPTION from 'sam', who is not subscribed");
            try (TestProcess note = asRoot("send", "send", "--socket", socket.toString(), "--name", "other", "sam", "still yours")) {
                assertThat(note.awaitExit()).isZero();
            }
            assertThat(sam.awaitExit()).isZero();
            assertThat(sam.stdout()).containsExactly("other -> sam: still yours");
        }
    }
}
