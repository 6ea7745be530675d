package org.octopipes.transport.fifo.impl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Tells whether anybody but the server holds a FIFO open, by the links in {@code /proc/PID/fd}.
 * A client killed with SIGKILL never unsubscribes, but the kernel closes its files: when no process
 * holds its FIFOs any more, its name can go to whoever subscribes with it next.
 */
final class FifoHolders {

    private static final Path PROC = Path.of("/proc");

    private FifoHolders() {
    }

    /**
     * Whether one of {@code fifos} is open anywhere but in the server's own descriptors
     * {@code serverFds} (of this process). Processes whose descriptors this user may not see are
     * passed over: with the default mode 0600 they cannot open the FIFOs anyway.
     */
    static boolean heldByOthers(Set<Path> fifos, Set<String> serverFds) {
        String me = Long.toString(ProcessHandle.current().pid());
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, FifoHolders::isProcess)) {
            for (Path process : processes) {
                Set<String> ignored = process.getFileName().toString().equals(me) ? serverFds : Set.of();
                if (holdsAny(process, fifos, ignored)) {
                    return true;
                }
            }
        } catch (IOException e) {
            // Without /proc nothing can be told: take the name as held, the safe side.
            return true;
        }
        return false;
    }

    private static boolean isProcess(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    private static boolean holdsAny(Path process, Set<Path> wanted, Set<String> ignored) {
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path descriptor : descriptors) {
                if (ignored.contains(descriptor.getFileName().toString())) {
                    continue;
                }
                try {
                    if (wanted.contains(Files.readSymbolicLink(descriptor))) {
                        return true;
                    }
                } catch (IOException closedMeanwhile) {
                    // The descriptor went away while we looked.
                }
            }
        } catch (IOException | SecurityException notVisibleOrGone) {
            // Another user's process, or one that ended while we looked.
        }
        return false;
    }
}
