package org.octopipes.benchmarks.pipes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.octopipes.posix.Posix;

/**
 * What one system call costs from the JVM through the posix bundle (jnr-ffi): splice(2) from an
 * empty non-blocking FIFO (EAGAIN at once) and ioctl(FIONREAD), each {@code CALLS} times, three
 * rounds (the first warms up). Compare with {@code src/main/c/call_cost.c}, the same calls from C,
 * and {@code src/main/java25/FfmCallCost.java}, through the FFM API of Java 22 and later.
 *
 * <p>Usage: {@code CallCost FOLDER [CALLS]}
 */
public final class CallCost {

    private CallCost() {
    }

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        long calls = args.length > 1 ? Long.parseLong(args[1]) : 2_000_000;
        Posix posix = Posix.get();
        int from = fifo(posix, folder.resolve("cost-from"));
        int to = fifo(posix, folder.resolve("cost-to"));
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            long moved = 0;
            for (long i = 0; i < calls; i++) {
                moved += posix.splice(from, to, 1, Posix.SPLICE_F_NONBLOCK);
            }
            double spliceNs = (System.nanoTime() - start) / (double) calls;
            start = System.nanoTime();
            long available = 0;
            for (long i = 0; i < calls; i++) {
                available += posix.bytesAvailable(from);
            }
            System.out.printf(Locale.ROOT, "jnr: splice (EAGAIN) %.0f ns, ioctl(FIONREAD) %.0f ns per call%s%n", spliceNs,
                    (System.nanoTime() - start) / (double) calls, moved + available == 0 ? "" : " (the FIFO was not empty)");
        }
    }

    private static int fifo(Posix posix, Path path) throws IOException {
        Files.deleteIfExists(path);
        posix.mkfifo(path, 0600);
        return posix.open(path, Posix.O_RDWR | Posix.O_NONBLOCK, 0);
    }
}
