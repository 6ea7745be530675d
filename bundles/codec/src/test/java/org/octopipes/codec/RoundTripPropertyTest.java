package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random packets, seeded so that a failure can be replayed: encoding and decoding are inverse,
 * whatever the buffer, and a stream of them decodes to the same packets however it is chunked,
 * with or without garbage between them.
 */
class RoundTripPropertyTest {

    private static final int[] SEEDS = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89})
    void everyPacketDecodesToItselfFromAnyKindOfBuffer(int seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 300; i++) {
            Packet packet = randomPacket(random);
            byte[] bytes = packet.toBytes();

            assertThat(Packet.decode(bytes)).isEqualTo(packet);
            assertThat(encodedInto(packet, ByteBuffer.allocateDirect(bytes.length + 3))).isEqualTo(bytes);
            assertThat(encodedInto(packet, ByteBuffer.allocate(bytes.length + 9).order(ByteOrder.LITTLE_ENDIAN))).isEqualTo(bytes);
            if (packet.hasOption(Protocol.OPTION_ICK)) {
                assertThat(bytes[bytes.length - packet.payloadLength() - 3]).as("CHK of an ICK packet").isZero();
            } else {
                assertThat(Checksum.xor(bytes, 0, bytes.length)).as("XOR of a whole checked packet").isZero();
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89})
    void aConcatenatedStreamDecodesToTheSamePacketsHoweverItIsSplit(int seed) {
        Random random = new Random(seed);
        List<Packet> sent = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            Packet packet = randomPacket(random);
            sent.add(packet);
            stream.writeBytes(packet.toBytes());
        }

        assertThat(decodeInRandomChunks(stream.toByteArray(), random, new StreamDecoder()).packets).isEqualTo(sent);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89})
    void garbageBetweenPacketsLosesNoPacket(int seed) {
        Random random = new Random(seed);
        List<Packet> sent = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int garbageRuns = 0;
        for (int i = 0; i < 200; i++) {
            if (random.nextInt(4) == 0) {
                byte[] garbage = new byte[1 + random.nextInt(300)];
                random.nextBytes(garbage);
                garbage[0] = (byte) (garbage[0] == Protocol.SOH ? 0 : garbage[0]);
                stream.writeBytes(garbage);
                garbageRuns++;
            }
            Packet packet = randomPacket(random);
            sent.add(packet);
            stream.writeBytes(packet.toBytes());
        }

        Recorder recorder = decodeInRandomChunks(stream.toByteArray(), random, new StreamDecoder());

        assertThat(recorder.packets).isEqualTo(sent);
        assertThat(recorder.errors).hasSize(garbageRuns);
    }

    private static Recorder decodeInRandomChunks(byte[] bytes, Random random, StreamDecoder decoder) {
        Recorder recorder = new Recorder();
        int at = 0;
        while (at < bytes.length) {
            // Mostly small chunks, sometimes single bytes, sometimes more than a FIFO read.
            int size;
            switch (random.nextInt(3)) {
                case 0: size = 1; break;
                case 1: size = 1 + random.nextInt(64); break;
                default: size = 1 + random.nextInt(100_000); break;
            }
            size = Math.min(size, bytes.length - at);
            decoder.feed(bytes, at, size, recorder);
            at += size;
        }
        assertThat(decoder.pendingBytes()).isZero();
        return recorder;
    }

    private static byte[] encodedInto(Packet packet, ByteBuffer out) {
        out.position(2);
        int written = packet.encodeTo(out);
        assertThat(out.position()).isEqualTo(2 + written);
        byte[] bytes = new byte[written];
        out.position(2);
        out.get(bytes);
        return bytes;
    }

    static Packet randomPacket(Random random) {
        int payloadLength;
        switch (random.nextInt(10)) {
            case 0: payloadLength = 0; break;
            case 1: payloadLength = 4096 + random.nextInt(70_000); break;
            default: payloadLength = random.nextInt(200); break;
        }
        byte[] payload = new byte[payloadLength];
        random.nextBytes(payload);
        return Packet.builder()
                .origin(randomName(random))
                .remote(randomName(random))
                .ttl(random.nextInt(256))
                .options(random.nextInt(256))
                .payload(payload)
                .build();
    }

    private static Name randomName(Random random) {
        byte[] name = new byte[random.nextInt(8) == 0 ? random.nextInt(256) : random.nextInt(12)];
        random.nextBytes(name);
        return Name.of(name);
    }
}
