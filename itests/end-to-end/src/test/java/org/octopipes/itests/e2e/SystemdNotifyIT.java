package org.octopipes.itests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.octopipes.testsupport.TestProcess;

/**
 * The launcher under systemd's notification protocol, with a real Unix datagram socket (bound by
 * a Python process, as the JDK cannot) standing in for systemd's: READY=1 once both transports
 * serve, STATUS= as clients come, WATCHDOG=1 when asked for, STOPPING=1 at SIGTERM, in that order.
 */
class SystemdNotifyIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("octopipes.launcher.jar"));
    private static final Path CLIENT = Path.of(System.getProperty("octopipes.client.jar"));

    /** Binds the datagram socket given (a leading @: abstract), prints READY, then each datagram on a line, newlines as \n. */
    private static final String RECEIVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "a = sys.argv[1]",
            "s.bind('\\0' + a[1:] if a.startswith('@') else a)",
            "print('BOUND', flush=True)",
            "while True:",
            "    print(s.recv(4096).decode().replace('\\n', '\\\\n'), flush=True)");

    @Test
    void readyStatusWatchdogAndStoppingReachTheNotificationSocketInOrder() throws Exception {
        Path run = Files.createTempDirectory("octopipes-notify-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path cap = run.resolve("cap.fifo");
        // An abstract name, as systemd gives most services.
        String socket = "@octopipes-notify-it-" + ProcessHandle.current().pid();
        try (TestProcess systemd = TestProcess.start("notification socket", List.of("python3", "-c", RECEIVER, socket))) {
            systemd.awaitStdout(line -> line.equals("BOUND"), "that it is bound");
            try (TestProcess server = TestProcess.start("server", TestProcess.java(LAUNCHER, "--no-console", "--cap", cap.toString(),
                    "--clients", run.resolve("clients").toString(), "--deploy", run.resolve("deploy").toString()),
                    Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "2000000"))) {
                systemd.awaitStdout(line -> line.startsWith("READY=1"), "READY=1");
                assertThat(server.stdout()).as("READY=1 comes once both transports serve")
                        .anyMatch(line -> line.contains("fifo transport at")).anyMatch(line -> line.contains("unix transport at"));
                systemd.awaitStdout(line -> line.equals("WATCHDOG=1"), "the watchdog's sign of life");

                try (TestProcess sub = TestProcess.start("sub", TestProcess.java(CLIENT, "sub", "--cap", cap.toString(), "--name", "bob", "--count", "1"))) {
                    systemd.awaitStdout(line -> line.equals("STATUS=1 client"), "the client count");
                    sub.close();
                }
                assertThat(server.terminate()).as("exit status after SIGTERM").isZero();
                systemd.awaitStdout(line -> line.equals("STOPPING=1"), "STOPPING=1");
            }
            List<String> told = systemd.stdout().stream().filter(line -> !line.equals("WATCHDOG=1") && !line.equals("BOUND")).toList();
            assertThat(told.get(0)).isEqualTo("READY=1\\nSTATUS=serving");
            assertThat(told).as("in order: ready, the count as clients come, stopping last")
                    .containsSubsequence("READY=1\\nSTATUS=serving", "STATUS=1 client", "STOPPING=1")
                    .last().isEqualTo("STOPPING=1");
        }
    }

    @Test
    void withoutNotifySocketNothingIsSentAndNothingComplains() throws Exception {
        Path run = Files.createTempDirectory("octopipes-notify-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Map<String, String> environment = new java.util.HashMap<>();
        environment.put("NOTIFY_SOCKET", null);
        try (TestProcess server = TestProcess.start("server", TestProcess.java(LAUNCHER, "--no-console", "--cap", run.resolve("cap.fifo").toString(),
                "--clients", run.resolve("clients").toString(), "--deploy", run.resolve("deploy").toString()), environment)) {
            server.awaitStdout(line -> line.contains("unix transport at"), "that it serves");
            assertThat(server.terminate()).isZero();
            assertThat(server.stderr()).noneMatch(line -> line.contains("systemd"));
        }
    }
}
