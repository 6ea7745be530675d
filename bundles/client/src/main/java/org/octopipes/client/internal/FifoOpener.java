package org.octopipes.client.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens FIFOs for one direction without ever hanging. Opening a FIFO read-only or write-only
 * blocks until the other end is open, and nothing interrupts that system call; so at the deadline
 * the watchdog opens the FIFO read-write itself, which never blocks on Linux and counts as the
 * missing end, the waiting open returns, and it is reported as {@link NoPeerException}.
 */
public final class FifoOpener {

    private FifoOpener() {
    }

    /** Opens {@code fifo} for reading. */
    public static FileChannel openForReading(Path fifo, Instant deadline) throws IOException {
        return open(fifo, StandardOpenOption.READ, deadline);
    }

    /** Opens {@code fifo} for writing. */
    public static FileChannel openForWriting(Path fifo, Instant deadline) throws IOException {
        return open(fifo, StandardOpenOption.WRITE, deadline);
    }

    private static FileChannel open(Path fifo, StandardOpenOption mode, Instant deadline) throws IOException {
        requireFifo(fifo);
        AtomicBoolean released = new AtomicBoolean();
        ScheduledFuture<?> release = Watchdog.after(Duration.between(Instant.now(), deadline), () -> {
            released.set(true);
            try (FileChannel peer = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                // Opening was all it takes: the waiting open has its peer now.
            } catch (IOException e) {
                // The FIFO is gone too; the waiting open fails on its own then.
            }
        });
        FileChannel channel;
        try {
            channel = FileChannel.open(fifo, mode);
        } finally {
            release.cancel(false);
        }
        if (released.get()) {
            channel.close();
            throw new NoPeerException("nobody has " + fifo + " open for " + (mode == StandardOpenOption.READ ? "writing" : "reading"));
        }
        return channel;
    }

    /**
     * Fails unless {@code path} is a FIFO: writing into a regular file by mistake would overwrite it.
     *
     * @throws NoSuchFileException if nothing is there
     */
    public static void requireFifo(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such FIFO");
        }
        if (!attributes.isOther()) {
            throw new IOException(path + " is not a FIFO but a " + (attributes.isDirectory() ? "directory" : "regular file"));
        }
    }

    /** The identity of the file at {@code path} (device and inode on Linux), or null if there is none or the platform has none. */
    public static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
