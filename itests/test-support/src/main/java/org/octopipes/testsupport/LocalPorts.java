package org.octopipes.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** TCP ports on this machine: a free one for a server a test starts, and those a process listens on. */
public final class LocalPorts {

    /** The state of a listening socket in /proc/net/tcp. */
    private static final String LISTEN = "0A";

    private LocalPorts() {
    }

    /** A loopback port free now: the kernel's pick, released at once for the server about to take it. */
    public static int freeLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /**
     * The TCP addresses process {@code pid} listens on, IPv4 and IPv6: its socket descriptors
     * (/proc/PID/fd) matched by inode with the listening sockets of /proc/net/tcp and tcp6.
     */
    public static Set<InetSocketAddress> listenedOnBy(long pid) throws IOException {
        Set<String> inodes;
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            inodes = descriptors.map(LocalPorts::socketInode).filter(inode -> inode != null).collect(Collectors.toSet());
        }
        Set<InetSocketAddress> listening = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals(LISTEN) && inodes.contains(fields[9])) {
                    listening.add(address(fields[1]));
                }
            }
        }
        return listening;
    }

    /** {@code 0100007F:1F90} as 127.0.0.1:8080: the kernel prints the address's 32-bit words in host (little-endian) order. */
    private static InetSocketAddress address(String hex) throws IOException {
        String address = hex.substring(0, hex.indexOf(':'));
        byte[] bytes = new byte[address.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = (word * 4 + 3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(address.substring(at, at + 2), 16);
            }
        }
        return new InetSocketAddress(InetAddress.getByAddress(bytes), Integer.parseInt(hex.substring(hex.indexOf(':') + 1), 16));
    }

    private static String socketInode(Path descriptor) {
        try {
            String target = Files.readSymbolicLink(descriptor).toString();
            return target.startsWith("socket:[") ? target.substring("socket:[".length(), target.length() - 1) : null;
        } catch (IOException closedMeanwhile) {
            return null;
        }
    }
}
