package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PacketTest {

    @Test
    void encodingIntoTooSmallABufferWritesNothing() {
        Packet packet = StreamDecoderTest.packet("foo", "bar", "ping");
        ByteBuffer out = ByteBuffer.allocate(packet.size() - 1);
        out.put((byte) 9);

        assertThatThrownBy(() -> packet.encodeTo(out)).isInstanceOf(BufferOverflowException.class);
        assertThat(out.position()).isEqualTo(1);
        assertThat(out.array()).containsOnly(9, 0);
    }

    @Test
    void anIckPacketCarriesAZeroChecksumAndDecodesWhateverItsBytes() {
        Packet packet = Packet.builder().origin(Name.of("a")).remote(Name.of("b")).options(Protocol.OPTION_ICK)
                .payload(new byte[] {42}).build();
        byte[] bytes = packet.toBytes();
        int checksumAt = bytes.length - 1 - 1 - 1 - 1;

        assertThat(bytes[checksumAt]).isZero();
        bytes[bytes.length - 2] = 43;
        assertThat(Packet.decode(bytes).payloadBytes()).containsExactly(43);
    }

    @Test
    void thePayloadIsTakenWithoutACopyAndCannotBeChangedThroughThePacket() {
        byte[] payload = {1, 2, 3};
        Packet packet = Packet.builder().payload(payload).build();

        assertThat(packet.payload().isReadOnly()).isTrue();
        payload[0] = 9;
        assertThat(packet.payloadBytes()).containsExactly(9, 2, 3);
    }

    @Test
    void theAckOfAPacketGoesBackToItsOriginAsTheReferenceClientsBuildIt() {
        Packet message = Packet.builder().origin(Name.of("alice")).remote(Name.of("team")).options(Protocol.OPTION_RCK).build();

        Packet ack = message.ack(Name.of("bob"));

        assertThat(ack.origin()).isEqualTo(Name.of("bob"));
        assertThat(ack.remote()).isEqualTo(Name.of("alice"));
        assertThat(ack.options()).isEqualTo(Protocol.OPTION_ACK);
        assertThat(ack.ttl()).isEqualTo(255);
        assertThat(ack.payloadLength()).isZero();
    }

    @Test
    void fieldsOutsideOneByteAreRefused() {
        assertThatThrownBy(() -> Packet.builder().ttl(256).build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TTL");
        assertThatThrownBy(() -> Packet.builder().ttl(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Packet.builder().options(0x100).build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("options");
    }

    @Test
    void decodeNextMovesPastOnePacketAndStaysPutOnAnError() {
        byte[] two = StreamDecoderTest.concat(StreamDecoderTest.packet("a", "b", "1").toBytes(), new byte[] {7, 7});
        ByteBuffer in = ByteBuffer.wrap(two);

        assertThat(Packet.decodeNext(in, 100).payloadBytes()).containsExactly('1');
        int position = in.position();
        assertThatThrownBy(() -> Packet.decodeNext(in, 100))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.error()).isEqualTo(PacketError.BAD_SOH));
        assertThat(in.position()).isEqualTo(position);
    }

    @Test
    void decodingFromADirectBufferWorksLikeFromAnArray() {
        Packet packet = StreamDecoderTest.packet("x", "y", "direct");
        ByteBuffer direct = ByteBuffer.allocateDirect(packet.size());
        packet.encodeTo(direct);
        direct.flip();

        assertThat(Packet.decodeNext(direct, 100)).isEqualTo(packet);
        assertThat(direct.hasRemaining()).isFalse();
    }
}
