package org.octopipes.codec.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.Protocol;
import org.octopipes.codec.StreamDecoder;

/**
 * Coverage-guided fuzzing (Jazzer) of the {@link StreamDecoder}: arbitrary bytes, cut into
 * arbitrary chunks. In a plain {@code mvn verify} each target replays its seed corpus
 * ({@code src/test/resources/org/octopipes/codec/fuzz/StreamDecoderFuzzTestInputs/<method>/}, made
 * from the protocol vectors by {@link SeedCorpus}); with {@code JAZZER_FUZZ=1} it fuzzes for its
 * {@code maxDuration}. See docs/RELIABILITY.md.
 */
class StreamDecoderFuzzTest {

    /** Small, so that the fuzzer reaches TOO_LARGE and whole packets at the limit easily. */
    static final int MAX_PAYLOAD = 4096;
    /** The largest packet the decoder can accept: both names 255 bytes, the largest payload. */
    static final int MAX_FRAME = Protocol.FRAME_OVERHEAD + 2 * Protocol.MAX_NAME_LENGTH + MAX_PAYLOAD;

    /** A valid packet to append after garbage. */
    static final byte[] SENTINEL = Packet.builder().origin(Name.of("fuzz")).remote(Name.of("sentinel"))
            .options(Protocol.OPTION_RCK).payload("recovered".getBytes()).build().toBytes();

    /**
     * Never throws; every frame is a valid packet whose bytes decode one-shot to the same packet and
     * encode back to the same bytes; the pending bytes stay below the largest frame; and the frames
     * and errors do not depend on how the stream is cut into reads.
     */
    @FuzzTest(maxDuration = "5m")
    void anyBytesInAnyChunks(byte[] stream) {
        Decoded whole = decode(stream, new int[] {stream.length});
        Decoded byteByByte = decode(stream, ones(stream.length));
        Decoded random = decode(stream, randomChunks(stream));

        assertThat(byteByByte).as("byte by byte versus all at once").isEqualTo(whole);
        assertThat(random).as("random chunks versus all at once").isEqualTo(whole);
    }

    /**
     * Whatever came before, a valid packet is recovered once every false start in the garbage is
     * resolved: after the garbage, {@link #MAX_FRAME} zero bytes (no SOH, and no ETX where a false
     * start needs one) settle every packet the garbage seemed to begin, then the sentinel comes out.
     */
    @FuzzTest(maxDuration = "5m")
    void aPacketAfterGarbageAndPaddingIsRecovered(byte[] garbage) {
        byte[] stream = concat(garbage, new byte[MAX_FRAME], SENTINEL);

        Decoded decoded = decode(stream, randomChunks(stream));

        assertThat(decoded.frames).as("frames").isNotEmpty();
        assertThat(decoded.frames.get(decoded.frames.size() - 1)).as("the last frame").isEqualTo(hex(SENTINEL));
        assertThat(decoded.pending).as("nothing left pending").isZero();
    }

    /** Garbage without a single SOH cannot start a packet: the sentinel right after it is the only frame. */
    @FuzzTest(maxDuration = "5m")
    void aPacketAfterGarbageWithoutSohIsTheOnlyFrame(byte[] garbage) {
        byte[] clean = withoutSoh(garbage);
        byte[] stream = concat(clean, SENTINEL);

        Decoded decoded = decode(stream, randomChunks(stream));

        assertThat(decoded.frames).containsExactly(hex(SENTINEL));
        assertThat(decoded.errors).hasSize(clean.length == 0 ? 0 : 1);
        if (clean.length > 0) {
            assertThat(decoded.errors.get(0)).isEqualTo("BAD_SOH@0");
        }
        assertThat(decoded.discarded).isEqualTo(clean.length);
    }

    /** What a decoder made of a stream: frames as hex, errors as ERROR@offset, and what is left. */
    record Decoded(List<String> frames, List<String> errors, int pending, long discarded) {
    }

    static Decoded decode(byte[] stream, int[] chunks) {
        StreamDecoder decoder = new StreamDecoder(MAX_PAYLOAD);
        List<String> frames = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        FrameHandler handler = new FrameHandler() {
            @Override
            public void onFrame(Frame frame) {
                frames.add(checkedFrame(frame));
            }

            @Override
            public void onError(PacketError error, long streamOffset) {
                assertThat(streamOffset).isBetween(0L, (long) stream.length - 1);
                errors.add(error + "@" + streamOffset);
            }
        };
        int at = 0;
        for (int chunk : chunks) {
            decoder.feed(stream, at, chunk, handler);
            at += chunk;
            assertThat(decoder.pendingBytes()).as("pending bytes").isBetween(0, MAX_FRAME - 1);
        }
        assertThat(at).isEqualTo(stream.length);
        assertThat(decoder.frames()).isEqualTo(frames.size());
        assertThat(decoder.discardedBytes() + decoder.pendingBytes() + frames.stream().mapToLong(f -> f.length() / 2).sum())
                .as("every byte is a frame, discarded or pending").isEqualTo(stream.length);
        return new Decoded(frames, errors, decoder.pendingBytes(), decoder.discardedBytes());
    }

    /** Checks one frame against one-shot decoding and re-encoding, and returns its bytes as hex. */
    static String checkedFrame(Frame frame) {
        ByteBuffer view = frame.bytes();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        assertThat(bytes.length).isBetween(Protocol.FRAME_OVERHEAD, MAX_FRAME);
        assertThat(bytes[0]).isEqualTo(Protocol.SOH);
        assertThat(bytes[bytes.length - 1]).isEqualTo(Protocol.ETX);
        assertThat(frame.payloadLength()).isBetween(0, MAX_PAYLOAD);

        Packet packet = Packet.decode(bytes);
        assertThat(packet).isEqualTo(frame.toPacket());
        byte[] encoded = packet.toBytes();
        if (packet.hasOption(Protocol.OPTION_ICK)) {
            // With ICK the receiver ignores CHK and an encoder writes 0: only that byte may differ.
            int checksumAt = Protocol.FRAME_OVERHEAD - 3 + packet.origin().length() + packet.remote().length();
            encoded[checksumAt] = bytes[checksumAt];
        }
        assertThat(encoded).as("re-encoded").isEqualTo(bytes);
        return hex(bytes);
    }

    /** Chunk sizes that cut the stream at places chosen by its own contents, so that a seed replays the same way. */
    static int[] randomChunks(byte[] stream) {
        Random random = new Random(Arrays.hashCode(stream));
        List<Integer> sizes = new ArrayList<>();
        int left = stream.length;
        while (left > 0) {
            int size = Math.min(left, 1 + random.nextInt(random.nextBoolean() ? 8 : 600));
            sizes.add(size);
            left -= size;
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] ones(int count) {
        int[] sizes = new int[count];
        Arrays.fill(sizes, 1);
        return sizes;
    }

    static byte[] withoutSoh(byte[] bytes) {
        ByteBuffer out = ByteBuffer.allocate(bytes.length);
        for (byte b : bytes) {
            if (b != Protocol.SOH) {
                out.put(b);
            }
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }

    static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
