package org.octopipes.benchmarks.pipes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.posix.Posix;

/**
 * The C relay ({@code fifo_relay.c}) written in Java on the posix bundle, two ways, to measure in
 * isolation what moving large payloads from FIFO to FIFO costs the JVM (issue 15, item 4):
 *
 * <ul>
 *   <li>{@code --mode copy}: what the relay and our server do: read up to 64 KiB, write what was
 *       read to every output. Nothing is parsed.</li>
 *   <li>{@code --mode splice}: reads each packet's header alone (one read when the names are as
 *       long as the last packet's, else up to three, never past the header unless a guess was
 *       long), writes it to every output, and moves the payload and its ETX with splice(2), never
 *       into the JVM: to one output straight; to several, tee(2) from the input into a staging
 *       FIFO per output but the last, splice to the last, then splice from each staging FIFO to
 *       its output (a tee always starts at the input's first byte, so a tee that an output took
 *       only in part could not be resumed; a staging FIFO as large as the input always takes all).
 *       Payloads below {@code --splice-min} (1024) bytes are read and written.</li>
 * </ul>
 *
 * <p>Usage: {@code JavaFifoRelay --mode copy|splice [--splice-min BYTES] IN:OUT[,OUT...]}. Every
 * FIFO is opened read-write and blocking, as the C relay opens them; {@code FIFO_RELAY_PIPE_SIZE}
 * resizes them all, the staging FIFOs (made beside the input) included. Warms up on FIFOs of its
 * own, prints {@code READY}, and runs until killed. A benchmark tool: it neither checks nor counts anything, the C
 * subscribers check every packet.
 */
public final class JavaFifoRelay {

    private static final int CHUNK = 64 * 1024;
    /** The longest header: SOH, VER, LNS, 255 bytes of origin, RNS, 255 of remote, TTL, DSZ (8), OPT, CHK, STX. */
    private static final int MAX_HEADER = 16 + 255 + 255;

    private final Posix posix = Posix.get();
    private final int in;
    private final int[] outs;
    /** One per output but the last, for fan-out in splice mode. */
    private final int[] stages;
    private final int spliceMin;
    /** Bytes read from the input and not yet written: at most a header, or a small packet, or a chunk. */
    private final ByteBuffer pending = ByteBuffer.allocateDirect(2 * 1024 * 1024 + MAX_HEADER).order(ByteOrder.BIG_ENDIAN);
    /** How long the last packet's header was: read that much at once, since names repeat. */
    private int headerGuess = 16;

    private JavaFifoRelay(int in, int[] outs, int[] stages, int spliceMin) {
        this.in = in;
        this.outs = outs;
        this.stages = stages;
        this.spliceMin = spliceMin;
    }

    public static void main(String[] args) throws IOException {
        String mode = "copy";
        int spliceMin = 1024;
        String route = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = args[++i];
                case "--splice-min" -> spliceMin = Integer.parseInt(args[++i]);
                default -> route = args[i];
            }
        }
        if (route == null || !route.contains(":") || !(mode.equals("copy") || mode.equals("splice"))) {
            System.err.println("usage: JavaFifoRelay --mode copy|splice [--splice-min BYTES] IN:OUT[,OUT...]");
            System.exit(2);
        }
        String[] parts = route.split(":", 2);
        Path input = Path.of(parts[0]);
        String[] outputs = parts[1].split(",");
        int[] outs = new int[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            outs[i] = open(Path.of(outputs[i]));
        }
        int[] stages = new int[mode.equals("splice") ? outputs.length - 1 : 0];
        for (int i = 0; i < stages.length; i++) {
            Path stage = input.resolveSibling(input.getFileName() + ".stage" + i);
            Files.deleteIfExists(stage);
            Posix.get().mkfifo(stage, 0600);
            stages[i] = open(stage);
        }
        boolean splice = mode.equals("splice");
        warmUp(input.resolveSibling("warm-up"), outs.length, splice, spliceMin);
        JavaFifoRelay relay = new JavaFifoRelay(open(input), outs, stages, spliceMin);
        System.out.println("READY");
        System.out.flush();
        relay.move(splice, Long.MAX_VALUE);
    }

    /** Moves {@code packets} packets (splice) or bytes of packets (copy), the same code either way. */
    private void move(boolean splice, long amount) throws IOException {
        if (splice) {
            splicePackets(amount);
        } else {
            copyBytes(amount);
        }
    }

    /**
     * Moves 20,000 packets of 4 KiB and 64 KiB payloads through FIFOs of its own, with the code
     * that then moves the measured ones, so that what is measured is compiled code, as in a
     * server that has run a while (the harness warms our server up the same way).
     */
    private static void warmUp(Path folder, int outCount, boolean splice, int spliceMin) throws IOException {
        Files.createDirectories(folder);
        int in = open(fifo(folder.resolve("in")));
        int[] outs = new int[outCount];
        int[] stages = new int[splice ? outCount - 1 : 0];
        for (int i = 0; i < outCount; i++) {
            outs[i] = open(fifo(folder.resolve("out" + i)));
        }
        for (int i = 0; i < stages.length; i++) {
            stages[i] = open(fifo(folder.resolve("stage" + i)));
        }
        int packets = 20_000;
        byte[] small = Packet.wrap(Name.of("warm"), Name.of("up"), 0, 0, ByteBuffer.allocate(4096)).toBytes();
        byte[] large = Packet.wrap(Name.of("warm"), Name.of("up"), 0, 0, ByteBuffer.allocate(65536)).toBytes();
        long bytes = (long) packets / 2 * (small.length + large.length);
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            for (int i = 0; i < packets; i++) {
                writeAllUnchecked(in, ByteBuffer.wrap(i % 2 == 0 ? small : large));
            }
        }));
        for (int out : outs) {
            threads.add(new Thread(() -> {
                ByteBuffer sink = ByteBuffer.allocateDirect(1024 * 1024);
                for (long left = bytes; left > 0; ) {
                    left -= readUnchecked(out, sink.clear());
                }
            }));
        }
        threads.forEach(Thread::start);
        new JavaFifoRelay(in, outs, stages, spliceMin).move(splice, splice ? packets : bytes);
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while warming up", e);
            }
        }
        Posix posix = Posix.get();
        posix.close(in);
        for (int fd : outs) {
            posix.close(fd);
        }
        for (int fd : stages) {
            posix.close(fd);
        }
        try (var files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.delete(file);
            }
        }
        Files.delete(folder);
    }

    private static Path fifo(Path path) throws IOException {
        Posix.get().mkfifo(path, 0600);
        return path;
    }

    private static void writeAllUnchecked(int fd, ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) {
                Posix.get().write(fd, bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int readUnchecked(int fd, ByteBuffer into) {
        try {
            return Posix.get().read(fd, into);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int open(Path fifo) throws IOException {
        int fd = Posix.get().open(fifo, Posix.O_RDWR | Posix.O_CLOEXEC, 0);
        String size = System.getenv("FIFO_RELAY_PIPE_SIZE");
        if (size != null && Integer.parseInt(size) > 0) {
            Posix.get().setPipeSize(fd, Integer.parseInt(size));
        }
        return fd;
    }

    private void copyBytes(long bytes) throws IOException {
        for (long left = bytes; left > 0; ) {
            pending.clear().limit((int) Math.min(CHUNK, left));
            int read = posix.read(in, pending);
            if (read < 0) {
                return;
            }
            left -= read;
            pending.flip();
            for (int out : outs) {
                writeAll(out, pending.duplicate());
            }
        }
    }

    private void splicePackets(long packets) throws IOException {
        pending.clear().flip();
        for (long packet = 0; packet < packets; packet++) {
            int headerLength = readHeader();
            long payloadLength = pending.getLong(headerLength - 11);
            long packetLength = headerLength + payloadLength + 1;
            if (payloadLength < spliceMin) {
                readAtLeast((int) packetLength);
                writePendingToAll((int) packetLength);
                headerGuess = headerLength;
                continue;
            }
            // What a long guess read past the header is the payload's start: written, the rest spliced.
            int inJvm = (int) Math.min(pending.remaining(), packetLength);
            writePendingToAll(inJvm);
            long rest = packetLength - inJvm;
            if (outs.length == 1) {
                spliceAll(in, outs[0], rest);
            } else {
                fanOut(rest);
            }
            headerGuess = headerLength;
        }
    }

    /** Reads until {@code pending} holds a whole header, and returns its length. */
    private int readHeader() throws IOException {
        int needed = 3;
        while (true) {
            if (pending.remaining() >= 3) {
                int originLength = pending.get(pending.position() + 2) & 0xFF;
                needed = 4 + originLength;
                if (pending.remaining() >= needed) {
                    needed = 16 + originLength + (pending.get(pending.position() + 3 + originLength) & 0xFF);
                    if (pending.remaining() >= needed) {
                        return needed;
                    }
                }
            }
            readMore(Math.max(needed, pending.remaining() == 0 ? headerGuess : 0) - pending.remaining());
        }
    }

    private void readAtLeast(int count) throws IOException {
        while (pending.remaining() < count) {
            readMore(count - pending.remaining());
        }
    }

    /** Reads up to {@code count} more bytes after those pending, blocking until some come. */
    private void readMore(int count) throws IOException {
        compact();
        int at = pending.position();
        int end = pending.limit();
        pending.position(end).limit(end + count);
        int read = posix.read(in, pending);
        if (read < 0) {
            throw new IOException("the input has no writer left");
        }
        pending.limit(end + read).position(at);
    }

    private void compact() {
        if (pending.position() > 0) {
            pending.compact().flip();
        }
    }

    private void writePendingToAll(int count) throws IOException {
        ByteBuffer bytes = pending.duplicate();
        bytes.limit(bytes.position() + count);
        for (int out : outs) {
            writeAll(out, bytes.duplicate());
        }
        pending.position(pending.position() + count);
    }

    /**
     * The payload's rest to every output: tee'd from the input into each staging FIFO but the
     * last output's, spliced from the input to the last output, then spliced from each staging
     * FIFO to its output, as many bytes at a time as the input held.
     */
    private void fanOut(long rest) throws IOException {
        int last = outs.length - 1;
        while (rest > 0) {
            int count = posix.tee(in, stages[0], (int) Math.min(rest, Integer.MAX_VALUE), 0);
            for (int i = 1; i < last; i++) {
                int copied = posix.tee(in, stages[i], count, 0);
                if (copied != count) {
                    throw new IOException("a staging FIFO took " + copied + " of " + count + " bytes: it must be as large as the input");
                }
            }
            spliceAll(in, outs[last], count);
            for (int i = 0; i < last; i++) {
                spliceAll(stages[i], outs[i], count);
            }
            rest -= count;
        }
    }

    private void spliceAll(int from, int to, long count) throws IOException {
        while (count > 0) {
            int moved = posix.splice(from, to, (int) Math.min(count, Integer.MAX_VALUE), 0);
            if (moved < 0) {
                throw new IOException("fd " + from + " has no writer left");
            }
            count -= moved;
        }
    }

    private void writeAll(int fd, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            posix.write(fd, bytes);
        }
    }
}
