package org.octopipes.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datagrams to a Unix socket, as systemd's notification socket receives them: the receiver is a
 * real socket bound by another process (Python's standard library, which the JDK cannot do).
 */
@Timeout(60)
class UnixDatagramTest {

    /** Binds a datagram socket at the address given (a leading @: abstract), prints READY, then each datagram received. */
    private static final String RECEIVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "a = sys.argv[1]",
            "s.bind('\\0' + a[1:] if a.startswith('@') else a)",
            "print('READY', flush=True)",
            "for _ in range(int(sys.argv[2])):",
            "    print(s.recv(4096).decode(), flush=True)");

    @TempDir
    Path temp;

    @Test
    void aDatagramReachesASocketAtAPath() throws Exception {
        assertReceived(temp.resolve("notify.sock").toString());
    }

    @Test
    void aDatagramReachesASocketWithAnAbstractName() throws Exception {
        assertReceived("@octopipes-test-" + ProcessHandle.current().pid());
    }

    @Test
    void aSocketThatIsNotThereIsAnError() {
        assertThatThrownBy(() -> Posix.get().sendDatagram(temp.resolve("nobody.sock").toString(), new byte[] {1}))
                .isInstanceOf(IOException.class).hasMessageContaining("sendto");
        assertThatThrownBy(() -> Posix.get().sendDatagram("", new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Posix.get().sendDatagram("/" + "x".repeat(200), new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertReceived(String address) throws Exception {
        Process receiver = new ProcessBuilder("python3", "-c", RECEIVER, address, "2").redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).as("the receiver bound " + address).isEqualTo("READY");
            Posix.get().sendDatagram(address, "READY=1".getBytes(StandardCharsets.UTF_8));
            Posix.get().sendDatagram(address, "STATUS=2 clients\nMAINPID=1".getBytes(StandardCharsets.UTF_8));
            assertThat(lines.readLine()).isEqualTo("READY=1");
            assertThat(lines.readLine()).isEqualTo("STATUS=2 clients");
            assertThat(lines.readLine()).as("one datagram, newlines and all").isEqualTo("MAINPID=1");
            assertThat(receiver.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            receiver.destroyForcibly();
        }
    }
}
