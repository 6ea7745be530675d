package org.octopipes.benchmarks.codec;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one packet into a reused buffer, checksum included: what a client or the server pays
 * per packet it writes. Packets per second; multiply by the packet size for bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EncodeBenchmark {

    @Param({"32", "4096"})
    public int payloadSize;

    private final Name origin = Name.of("publisher");
    private final Name remote = Name.of("subscriber");
    private ByteBuffer payload;
    private ByteBuffer out;

    @Setup
    public void setUp() {
        byte[] bytes = new byte[payloadSize];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        payload = ByteBuffer.wrap(bytes);
        out = ByteBuffer.allocate(64 * 1024);
    }

    @Benchmark
    public int encode() {
        out.clear();
        return Packet.encode(out, origin, remote, 60, 0, payload);
    }
}
