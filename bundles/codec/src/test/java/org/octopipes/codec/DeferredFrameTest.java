package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Frames routed on their header while the payload is still in the stream. */
class DeferredFrameTest {

    private static final int MAX_PAYLOAD = 1 << 20;

    private final byte[] packet = Packet.builder().origin(Name.of("sender")).remote(Name.of("group")).ttl(7)
            .options(Protocol.OPTION_RCK).payload(payload(5000)).build().toBytes();
    private final int headerLength = packet.length - 5000 - 1;

    @Test
    void packetSizeIsKnownFromTheHeaderAlone() {
        assertThat(Frame.packetSize(packet, 0, headerLength, MAX_PAYLOAD)).isEqualTo(packet.length);
        assertThat(Frame.packetSize(packet, 0, headerLength - 1, MAX_PAYLOAD)).isEqualTo(Frame.HEADER_INCOMPLETE);
        assertThat(Frame.packetSize(packet, 0, 2, MAX_PAYLOAD)).isEqualTo(Frame.HEADER_INCOMPLETE);
        assertThat(Frame.packetSize(packet, 0, headerLength, 4999)).as("DSZ above the maximum").isEqualTo(Frame.HEADER_INVALID);
        byte[] badStx = packet.clone();
        badStx[headerLength - 1] = 0x7F;
        assertThat(Frame.packetSize(badStx, 0, headerLength, MAX_PAYLOAD)).isEqualTo(Frame.HEADER_INVALID);
        byte[] badSoh = packet.clone();
        badSoh[0] = 0x7F;
        assertThat(Frame.packetSize(badSoh, 0, 1, MAX_PAYLOAD)).isEqualTo(Frame.HEADER_INVALID);
    }

    @Test
    void theHeaderIsReadWithoutThePayloadAndThePayloadOnceWhenNeeded() {
        byte[] buffer = new byte[10 + packet.length];
        System.arraycopy(packet, 0, buffer, 10, headerLength + 100);
        AtomicInteger reads = new AtomicInteger();
        Frame frame = Frame.deferred(buffer, 10, headerLength + 100, MAX_PAYLOAD, (into, offset, length) -> {
            reads.incrementAndGet();
            assertThat(offset).isEqualTo(10 + headerLength + 100);
            System.arraycopy(packet, headerLength + 100, into, offset, length);
        });

        assertThat(frame.isDeferred()).isTrue();
        assertThat(frame.deferredBytes()).isEqualTo(packet.length - headerLength - 100);
        assertThat(frame.size()).isEqualTo(packet.length);
        assertThat(frame.payloadLength()).isEqualTo(5000);
        assertThat(frame.origin()).isEqualTo(Name.of("sender"));
        assertThat(frame.remoteIs(Name.of("group"))).isTrue();
        assertThat(frame.ttl()).isEqualTo(7);
        assertThat(frame.hasOption(Protocol.OPTION_RCK)).isTrue();
        assertThat(frame.checksum()).isEqualTo(packet[headerLength - 2] & 0xFF);
        assertThat(reads).as("no header field needs the payload").hasValue(0);

        ByteBuffer copy = ByteBuffer.allocate(packet.length);
        frame.copyTo(copy);
        assertThat(copy.array()).isEqualTo(packet);
        assertThat(frame.payload()).isEqualTo(ByteBuffer.wrap(payload(5000)));
        assertThat(frame.toPacket()).isEqualTo(Packet.decode(packet));
        assertThat(reads).hasValue(1);
        assertThat(frame.isDeferred()).isFalse();
        assertThat(frame.deferredBytes()).isZero();
    }

    @Test
    void aCopyIntoAnArrayReadsThePayloadInFirst() {
        byte[] buffer = new byte[packet.length];
        System.arraycopy(packet, 0, buffer, 0, headerLength);
        Frame frame = Frame.deferred(buffer, 0, headerLength, MAX_PAYLOAD,
                (into, offset, length) -> System.arraycopy(packet, offset, into, offset, length));
        byte[] copy = new byte[packet.length + 3];

        frame.copyTo(copy, 3);

        assertThat(java.util.Arrays.copyOfRange(copy, 3, copy.length)).isEqualTo(packet);
        assertThat(frame.isDeferred()).isFalse();
    }

    @Test
    void whatEverNeedsThePayloadReadsItIn() {
        for (int call = 0; call < 2; call++) {
            byte[] buffer = new byte[packet.length];
            System.arraycopy(packet, 0, buffer, 0, headerLength);
            Frame frame = Frame.deferred(buffer, 0, headerLength, MAX_PAYLOAD,
                    (into, offset, length) -> System.arraycopy(packet, offset, into, offset, length));
            ByteBuffer seen = call == 0 ? frame.bytes() : frame.payload();
            // The payload's last byte: before the ETX in the whole packet, the last of the payload alone.
            assertThat(seen.get(seen.limit() - (call == 0 ? 2 : 1))).isEqualTo(packet[packet.length - 2]);
        }
    }

    @Test
    void onlyAWholeValidHeaderOfAPacketNotAllThereMakesADeferredFrame() {
        Frame.Rest none = (into, offset, length) -> {
            throw new AssertionError("not read");
        };
        byte[] room = new byte[packet.length];
        System.arraycopy(packet, 0, room, 0, packet.length);

        assertThatThrownBy(() -> Frame.deferred(room, 0, headerLength - 1, MAX_PAYLOAD, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header");
        assertThatThrownBy(() -> Frame.deferred(room, 0, packet.length, MAX_PAYLOAD, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than that present");
        byte[] small = new byte[headerLength + 10];
        System.arraycopy(packet, 0, small, 0, headerLength);
        assertThatThrownBy(() -> Frame.deferred(small, 0, headerLength, MAX_PAYLOAD, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("room");
    }

    @Test
    void theDecodersReusedFrameIsNeverDeferred() {
        Frame[] seen = new Frame[1];
        boolean[] deferred = new boolean[1];
        new StreamDecoder(MAX_PAYLOAD).feed(ByteBuffer.wrap(packet), frame -> {
            seen[0] = frame;
            deferred[0] = frame.isDeferred();
        });

        assertThat(seen[0]).isNotNull();
        assertThat(deferred[0]).isFalse();
    }

    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        return bytes;
    }
}
