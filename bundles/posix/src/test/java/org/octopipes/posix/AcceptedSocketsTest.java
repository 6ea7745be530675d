package org.octopipes.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sockets a JDK server accepted on a path, found with what the kernel says of their peers. */
class AcceptedSocketsTest {

    @TempDir
    Path folder;

    @Test
    void eachAcceptedSocketIsFoundWithItsPeerAndTheListenerAndOtherPathsAreNot() throws Exception {
        Path path = folder.resolve("s.sock");
        Path other = folder.resolve("other.sock");
        Posix posix = Posix.get();
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path));
                ServerSocketChannel elsewhere = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(other));
                SocketChannel first = SocketChannel.open(UnixDomainSocketAddress.of(path));
                SocketChannel accepted = listener.accept();
                SocketChannel toOther = SocketChannel.open(UnixDomainSocketAddress.of(other));
                SocketChannel acceptedElsewhere = elsewhere.accept()) {
            assertThat(posix.acceptedSockets(other)).as("the other path's accepted socket, not the listener").hasSize(1);

            Map<Integer, PeerCredentials> found = posix.acceptedSockets(path);
            PeerCredentials peer = found.values().iterator().next();
            assertThat(peer.pid()).as("the client is this very process").isEqualTo(ProcessHandle.current().pid());
            assertThat(peer.uid()).isEqualTo(posix.geteuid());

            try (SocketChannel second = SocketChannel.open(UnixDomainSocketAddress.of(path)); SocketChannel acceptedToo = listener.accept()) {
                Map<Integer, PeerCredentials> both = posix.acceptedSockets(path);
                assertThat(both).hasSize(2).containsKeys(found.keySet().iterator().next());
            }
        }
    }
}
