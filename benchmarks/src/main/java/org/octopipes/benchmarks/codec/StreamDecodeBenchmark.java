package org.octopipes.benchmarks.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.RunHandler;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Stream decoding with checksum verification, the way the server meets a TX FIFO: one 64 KiB
 * read full of packets, framed, verified in place and handed to a handler that reads the fields
 * a router needs. The score is per read; the packets per read are printed at setup, so packets
 * per second and bytes per second follow (see benchmarks/RESULTS.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StreamDecodeBenchmark {

    /** What one FIFO read returns at most with the default pipe size. */
    static final int READ_SIZE = 64 * 1024;

    @Param({"32", "4096"})
    public int payloadSize;

    private ByteBuffer read;
    private StreamDecoder decoder;
    private RoutingFieldsHandler handler;
    private RunFieldsHandler runHandler;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        Packet packet = Packet.builder().origin(Name.of("publisher")).remote(Name.of("subscriber"))
                .payload(new byte[payloadSize]).build();
        byte[] one = packet.toBytes();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int packets = READ_SIZE / one.length;
        for (int i = 0; i < packets; i++) {
            stream.writeBytes(one);
        }
        read = ByteBuffer.wrap(stream.toByteArray());
        decoder = new StreamDecoder();
        handler = new RoutingFieldsHandler(blackhole);
        runHandler = new RunFieldsHandler(blackhole);
        System.out.printf("%n%d packets of %d bytes (%d payload) per read of %d bytes%n",
                packets, one.length, payloadSize, read.capacity());
    }

    @Benchmark
    public long decodeOneRead() {
        read.clear();
        decoder.feed(read, handler);
        return decoder.frames();
    }

    /** The same read as the runs a router takes: every packet still framed and verified. */
    @Benchmark
    public long decodeOneReadAsRuns() {
        read.clear();
        decoder.feed(read, runHandler);
        return decoder.frames();
    }

    /** Reads what a router reads of a run, so that nothing is optimised away. */
    static final class RunFieldsHandler implements RunHandler {
        private final Blackhole blackhole;

        RunFieldsHandler(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Override
        public boolean onRun(FrameRun run) {
            blackhole.consume(run.first().remoteHash());
            blackhole.consume(run.size());
            blackhole.consume(run.count());
            return true;
        }

        @Override
        public void onFrame(Frame frame) {
            blackhole.consume(frame.remoteHash());
        }
    }

    /** Reads what a router reads of each packet, so that nothing is optimised away. */
    static final class RoutingFieldsHandler implements FrameHandler {
        private final Blackhole blackhole;

        RoutingFieldsHandler(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Override
        public void onFrame(Frame frame) {
            blackhole.consume(frame.remoteHash());
            blackhole.consume(frame.ttl());
            blackhole.consume(frame.size());
        }
    }
}
