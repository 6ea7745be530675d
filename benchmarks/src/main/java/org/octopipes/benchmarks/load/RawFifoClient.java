package org.octopipes.benchmarks.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;

/**
 * A load client without a library between it and the FIFOs: it subscribes through the CAP, then
 * writes and reads its FIFOs in large chunks, so that it is never the bottleneck it measures.
 */
final class RawFifoClient implements AutoCloseable {

    final Name name;
    final FileChannel tx;
    final FileChannel rx;
    private final Path cap;

    private RawFifoClient(Path cap, Name name, FileChannel tx, FileChannel rx) {
        this.cap = cap;
        this.name = name;
        this.tx = tx;
        this.rx = rx;
    }

    /** A client of a baseline relay: its FIFOs are given, there is no CAP. */
    static RawFifoClient direct(String name, Path tx, Path rx) throws IOException {
        return new RawFifoClient(null, Name.of(name), tx == null ? null : FileChannel.open(tx, StandardOpenOption.WRITE),
                rx == null ? null : FileChannel.open(rx, StandardOpenOption.READ));
    }

    static RawFifoClient subscribe(Path cap, String name, String... groups) throws IOException, InterruptedException {
        List<Name> groupNames = new ArrayList<>();
        for (String group : groups) {
            groupNames.add(Name.of(group));
        }
        Name me = Name.of(name);
        write(cap, new CapMessage.Subscription(groupNames).toPacket(me).toBytes());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(2);
            for (Packet packet : readSome(cap)) {
                if (packet.origin().isServer() && packet.remote().equals(me)) {
                    CapMessage.Assignment assignment = (CapMessage.Assignment) CapMessage.parse(packet.payload());
                    if (!assignment.isSuccess()) {
                        throw new IOException("subscription of " + name + " refused: " + assignment.error());
                    }
                    return new RawFifoClient(cap, me,
                            FileChannel.open(Path.of(new String(assignment.txPath(), StandardCharsets.UTF_8)), StandardOpenOption.WRITE),
                            FileChannel.open(Path.of(new String(assignment.rxPath(), StandardCharsets.UTF_8)), StandardOpenOption.READ));
                }
                // Somebody else's: the CAP is shared, put it back.
                write(cap, packet.toBytes());
            }
        }
        throw new IOException("no assignment for " + name + " within 30 s");
    }

    private static List<Packet> readSome(Path cap) throws IOException {
        List<Packet> packets = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(cap, StandardOpenOption.READ)) {
            StreamDecoder decoder = new StreamDecoder();
            while (packets.isEmpty()) {
                if (decoder.readFrom(channel, frame -> packets.add(frame.toPacket())) < 0) {
                    break;
                }
            }
        }
        return packets;
    }

    static void write(Path fifo, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (cap != null) {
            write(cap, CapMessage.Unsubscription.INSTANCE.toPacket(name).toBytes());
        }
        if (tx != null) {
            tx.close();
        }
        if (rx != null) {
            rx.close();
        }
    }
}
