package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamDecoderTest {

    private static final Packet PING = packet("foo", "bar", "ping");
    private static final Packet PONG = packet("bar", "foo", "pong");

    @Test
    void aDecoderThatWasNeverFedHoldsNoBufferAndTheFirstBytesBringOne() throws Exception {
        StreamDecoder decoder = new StreamDecoder();
        assertThat(decoder.capacity()).as("a listening client costs no receive buffer").isZero();
        List<Packet> packets = new ArrayList<>();
        Packet sent = Packet.builder().origin(Name.of("a")).remote(Name.of("b")).payload("first".getBytes()).build();
        decoder.readFrom(Channels.newChannel(new ByteArrayInputStream(sent.toBytes())), frame -> packets.add(frame.toPacket()));
        assertThat(packets).containsExactly(sent);
        assertThat(decoder.capacity()).isEqualTo(StreamDecoder.INITIAL_CAPACITY);
    }

    @Test
    void aPacketSplitAtEveryByteIsDecodedOnceWhole() {
        byte[] bytes = PING.toBytes();
        StreamDecoder decoder = new StreamDecoder();
        Recorder recorder = new Recorder();

        for (int i = 0; i < bytes.length; i++) {
            assertThat(recorder.packets).isEmpty();
            decoder.feed(bytes, i, 1, recorder);
        }

        assertThat(recorder.packets).containsExactly(PING);
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void tenPacketsInOneChunkAreAllDecodedInOrder() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        Packet[] sent = new Packet[10];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = packet("foo", "bar", "message " + i);
            stream.writeBytes(sent[i].toBytes());
        }
        Recorder recorder = new Recorder();

        new StreamDecoder().feed(ByteBuffer.wrap(stream.toByteArray()), recorder);

        assertThat(recorder.packets).containsExactly(sent);
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void halfAPacketWaitsForTheRest() {
        byte[] bytes = concat(PING.toBytes(), PONG.toBytes());
        int cut = PING.size() + PONG.size() / 2;
        StreamDecoder decoder = new StreamDecoder();
        Recorder recorder = new Recorder();

        decoder.feed(bytes, 0, cut, recorder);
        assertThat(recorder.packets).containsExactly(PING);
        assertThat(decoder.pendingBytes()).isEqualTo(cut - PING.size());

        decoder.feed(bytes, cut, bytes.length - cut, recorder);
        assertThat(recorder.packets).containsExactly(PING, PONG);
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void garbageBeforeAPacketIsReportedOnceAndSkipped() {
        byte[] garbage = "garbage with no start byte".getBytes();
        StreamDecoder decoder = new StreamDecoder();
        Recorder recorder = new Recorder();

        decoder.feed(ByteBuffer.wrap(concat(garbage, PING.toBytes(), PONG.toBytes())), recorder);

        assertThat(recorder.errors).containsExactly(PacketError.BAD_SOH);
        assertThat(recorder.errorOffsets).containsExactly(0L);
        assertThat(recorder.packets).containsExactly(PING, PONG);
        assertThat(decoder.discardedBytes()).isEqualTo(garbage.length);
    }

    @Test
    void eachBrokenRuleIsReportedAsItsOwnErrorAndThePacketAfterItSurvives() {
        byte[] valid = PING.toBytes();
        int stx = 3 + 3 + 1 + 3 + 12 - 1;
        assertThat(valid[stx]).isEqualTo(Protocol.STX);

        assertErrorThenRecovery(withByte(valid, 0, 0x7F), PacketError.BAD_SOH);
        assertErrorThenRecovery(withByte(valid, 1, 2), PacketError.UNSUPPORTED_VERSION);
        assertErrorThenRecovery(withByte(valid, 1, 0), PacketError.UNSUPPORTED_VERSION);
        assertErrorThenRecovery(withByte(valid, stx, 0x00), PacketError.BAD_STX);
        assertErrorThenRecovery(withByte(valid, valid.length - 1, 0x04), PacketError.BAD_ETX);
        assertErrorThenRecovery(withByte(valid, stx - 1, valid[stx - 1] ^ 0xFF), PacketError.BAD_CHECKSUM);
        assertErrorThenRecovery(withByte(valid, valid.length - 2, '?'), PacketError.BAD_CHECKSUM);
        assertErrorThenRecovery(withDsz(valid, 1L << 40), PacketError.TOO_LARGE);
    }

    private static void assertErrorThenRecovery(byte[] bad, PacketError expected) {
        StreamDecoder decoder = new StreamDecoder();
        Recorder recorder = new Recorder();

        decoder.feed(ByteBuffer.wrap(concat(bad, PONG.toBytes())), recorder);

        assertThat(recorder.errors).as("errors for %s", expected).containsExactly(expected);
        assertThat(recorder.packets).as("packets after %s", expected).containsExactly(PONG);
        assertThat(decoder.errorCount(expected)).isEqualTo(1);
        assertThat(decoder.discardedBytes()).isEqualTo(bad.length);
    }

    @Test
    void aDszOf2To63IsRefusedFromTheHeaderAloneWithoutWaitingForThePayload() {
        byte[] header = Arrays.copyOf(withDsz(PING.toBytes(), Long.MIN_VALUE), PING.size() - 5);
        StreamDecoder decoder = new StreamDecoder();
        Recorder recorder = new Recorder();

        decoder.feed(ByteBuffer.wrap(header), recorder);

        assertThat(recorder.errors).containsExactly(PacketError.TOO_LARGE);
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void theMaximumPayloadIsConfigurableAndInclusive() {
        Packet exactly = Packet.builder().origin(Name.of("a")).remote(Name.of("b")).payload(new byte[100]).build();
        Packet oneMore = Packet.builder().origin(Name.of("a")).remote(Name.of("b")).payload(new byte[101]).build();
        StreamDecoder decoder = new StreamDecoder(100);
        Recorder recorder = new Recorder();

        decoder.feed(ByteBuffer.wrap(concat(exactly.toBytes(), oneMore.toBytes(), exactly.toBytes())), recorder);

        assertThat(recorder.packets).containsExactly(exactly, exactly);
        assertThat(recorder.errors).containsExactly(PacketError.TOO_LARGE);
        assertThatThrownBy(() -> new StreamDecoder(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorsWhileResynchronisingAreNotReportedAgain() {
        byte[] badChecksum = withByte(PING.toBytes(), 5, 'X');
        byte[] badEtx = withByte(PONG.toBytes(), PONG.size() - 1, 0);
        Recorder recorder = new Recorder();

        new StreamDecoder().feed(ByteBuffer.wrap(concat(badChecksum, badEtx, PING.toBytes(), badEtx, PONG.toBytes())), recorder);

        assertThat(recorder.errors).containsExactly(PacketError.BAD_CHECKSUM, PacketError.BAD_ETX);
        assertThat(recorder.packets).containsExactly(PING, PONG);
    }

    @Test
    void aFalseStartInsideGarbageDoesNotSwallowThePacketsAfterIt() {
        // SOH, version 1, empty names, DSZ 200 and an STX in place: looks like the start of a
        // packet until its ETX, 200 bytes later, which lies inside the real packets that follow.
        byte[] falseStart = {1, 1, 0, 0, 60, 0, 0, 0, 0, 0, 0, 0, (byte) 200, 0, 0, 2};
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(falseStart);
        for (int i = 0; i < 20; i++) {
            stream.writeBytes(PING.toBytes());
        }
        Recorder recorder = new Recorder();

        new StreamDecoder().feed(ByteBuffer.wrap(stream.toByteArray()), recorder);

        assertThat(recorder.packets).hasSize(20).containsOnly(PING);
        assertThat(recorder.errors).containsExactly(PacketError.BAD_ETX);
    }

    @Test
    void aPacketLargerThanTheBufferGrowsItAcrossManyChunks() {
        byte[] payload = new byte[3 * StreamDecoder.INITIAL_CAPACITY + 7];
        Arrays.fill(payload, (byte) 0x03);
        Packet big = Packet.builder().origin(Name.of("big")).remote(Name.of("sink")).payload(payload).build();
        byte[] bytes = concat(PING.toBytes(), big.toBytes(), PONG.toBytes());
        StreamDecoder decoder = new StreamDecoder();
        Recorder recorder = new Recorder();

        for (int at = 0; at < bytes.length; at += 4000) {
            decoder.feed(bytes, at, Math.min(4000, bytes.length - at), recorder);
        }

        assertThat(recorder.packets).containsExactly(PING, big, PONG);
    }

    @Test
    void readsStraightFromAChannelUntilTheEndOfTheStream() throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 5000; i++) {
            stream.writeBytes(packet("writer", "reader", "n" + i).toBytes());
        }
        ReadableByteChannel channel = Channels.newChannel(new ByteArrayInputStream(stream.toByteArray()));
        StreamDecoder decoder = new StreamDecoder();
        Recorder recorder = new Recorder();

        long total = 0;
        for (int read; (read = decoder.readFrom(channel, recorder)) >= 0; ) {
            total += read;
        }

        assertThat(total).isEqualTo(stream.size());
        assertThat(recorder.packets).hasSize(5000);
        assertThat(recorder.packets.get(4999).payloadBytes()).isEqualTo("n4999".getBytes());
        assertThat(decoder.frames()).isEqualTo(5000);
    }

    @Test
    void aFrameGivesTheOriginalBytesAndFieldsWithoutCopies() {
        Packet sent = Packet.builder().origin(Name.of("o")).remote(Name.of("group")).ttl(200)
                .options(Protocol.OPTION_RCK | 0x80).payload("data".getBytes()).build();
        new StreamDecoder().feed(ByteBuffer.wrap(sent.toBytes()), frame -> {
            assertThat(frame.originIs(Name.of("o"))).isTrue();
            assertThat(frame.originByteAt(0)).isEqualTo((byte) 'o');
            assertThatThrownBy(() -> frame.originByteAt(1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(frame.remoteIs(Name.of("group"))).isTrue();
            assertThat(frame.remoteIs(Name.of("grou"))).isFalse();
            assertThat(frame.remoteHash()).isEqualTo(Name.of("group").hashCode());
            assertThat(frame.ttl()).isEqualTo(200);
            assertThat(frame.hasOption(Protocol.OPTION_RCK)).isTrue();
            assertThat(frame.hasOption(Protocol.OPTION_ACK)).isFalse();
            assertThat(frame.options()).isEqualTo(0x81);
            assertThat(frame.payload()).isEqualTo(ByteBuffer.wrap("data".getBytes()));
            ByteBuffer copy = ByteBuffer.allocate(frame.size());
            frame.copyTo(copy);
            assertThat(copy.array()).isEqualTo(sent.toBytes());
        });
    }

    @Test
    void aHandlerCanStopTheDecoderAndTheRestWaitsForDrain() {
        byte[] bytes = concat(PING.toBytes(), PONG.toBytes(), PING.toBytes());
        StreamDecoder decoder = new StreamDecoder();
        List<Packet> packets = new java.util.ArrayList<>();
        FrameHandler stopAfterEach = frame -> {
            packets.add(frame.toPacket());
            decoder.stop();
        };

        decoder.feed(ByteBuffer.wrap(bytes), stopAfterEach);
        assertThat(packets).containsExactly(PING);
        assertThat(decoder.pendingBytes()).isEqualTo(PONG.size() + PING.size());

        decoder.drain(stopAfterEach);
        assertThat(packets).containsExactly(PING, PONG);
        decoder.drain(frame -> packets.add(frame.toPacket()));
        assertThat(packets).containsExactly(PING, PONG, PING);
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void anAbandonedPartFreesThePacketsThatCameInsideItsAnnouncedLength() {
        // A header announcing 1000 payload bytes, then 5 of them; then a whole packet.
        byte[] cutShort = Arrays.copyOf(withDsz(PING.toBytes(), 1000), PING.size() - 5 + 5);
        StreamDecoder decoder = new StreamDecoder();
        Recorder recorder = new Recorder();

        decoder.feed(ByteBuffer.wrap(concat(cutShort, PONG.toBytes())), recorder);
        assertThat(recorder.packets).as("PONG waits inside the part's announced length").isEmpty();

        decoder.abandonPartial(recorder);

        assertThat(recorder.packets).containsExactly(PONG);
        assertThat(recorder.errors).containsExactly(PacketError.TRUNCATED);
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void resetForgetsAHalfPacket() {
        byte[] bytes = PING.toBytes();
        StreamDecoder decoder = new StreamDecoder();
        Recorder recorder = new Recorder();

        decoder.feed(bytes, 0, 10, recorder);
        decoder.reset();
        decoder.feed(ByteBuffer.wrap(bytes), recorder);

        assertThat(recorder.packets).containsExactly(PING);
        assertThat(recorder.errors).isEmpty();
    }

    static Packet packet(String origin, String remote, String payload) {
        return Packet.builder().origin(Name.of(origin)).remote(Name.of(remote)).payload(payload.getBytes()).build();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] withByte(byte[] bytes, int index, int value) {
        byte[] copy = bytes.clone();
        copy[index] = (byte) value;
        return copy;
    }

    /** The packet with another DSZ; its origin and remote must be 3 bytes long. */
    private static byte[] withDsz(byte[] bytes, long dsz) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).putLong(3 + 3 + 1 + 3 + 1, dsz);
        return copy;
    }

    static List<Packet> decodeAll(byte[] bytes) {
        Recorder recorder = new Recorder();
        new StreamDecoder().feed(ByteBuffer.wrap(bytes), recorder);
        return recorder.packets;
    }
}
