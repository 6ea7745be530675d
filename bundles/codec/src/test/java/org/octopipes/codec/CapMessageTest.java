package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapMessageTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aSubscriptionWith255GroupsOf255BytesRoundTrips() {
        List<Name> groups = new ArrayList<>();
        for (int i = 0; i < 255; i++) {
            groups.add(Name.of(String.format("%03d", i).repeat(85)));
        }
        CapMessage.Subscription subscription = new CapMessage.Subscription(groups);

        Packet packet = subscription.toPacket(Name.of("client"));

        assertThat(packet.origin()).isEqualTo(Name.of("client"));
        assertThat(packet.remote().isServer()).isTrue();
        assertThat(CapMessage.parse(Packet.decode(packet.toBytes()).payload())).isEqualTo(subscription);
    }

    @Test
    void moreThan255GroupsCannotBeSent() {
        List<Name> groups = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            groups.add(Name.of("g" + i));
        }
        assertThatThrownBy(() -> new CapMessage.Subscription(groups)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bothAssignmentErrorFormsParse() {
        assertThat(CapMessage.parse(HEX.parseHex("ff010000"))).isEqualTo(CapMessage.Assignment.failure(AssignmentError.NAME_ALREADY_TAKEN));
        assertThat(CapMessage.parse(HEX.parseHex("ff01"))).isEqualTo(CapMessage.Assignment.failure(AssignmentError.NAME_ALREADY_TAKEN));
        assertThat(CapMessage.parse(HEX.parseHex("ff02"))).isEqualTo(CapMessage.Assignment.failure(AssignmentError.FS));
        assertThat(CapMessage.Assignment.failure(AssignmentError.FS).toPayload()).isEqualTo(HEX.parseHex("ff020000"));
    }

    @Test
    void aSuccessfulAssignmentNamesBothFifos() {
        CapMessage.Assignment assignment = CapMessage.Assignment.success("/run/c/a_tx.fifo".getBytes(), "/run/c/a_rx.fifo".getBytes());

        assertThat(assignment.isSuccess()).isTrue();
        assertThat(CapMessage.parse(assignment.toPayload())).isEqualTo(assignment);
        assertThat(assignment.toPacket(Name.of("a")).ttl()).isEqualTo(Protocol.DEFAULT_CAP_REPLY_TTL);
        assertThatThrownBy(() -> CapMessage.parse(HEX.parseHex("ff00"))).isInstanceOf(MalformedCapMessageException.class);
        assertThatThrownBy(() -> CapMessage.parse(HEX.parseHex("ff000000"))).isInstanceOf(MalformedCapMessageException.class);
    }

    @Test
    void everyMalformedCapPayloadGetsAClearError() {
        assertMalformed("", "no object byte");
        assertMalformed("07", "unknown CAP object 0x07");
        assertMalformed("01", "lacks its group count");
        assertMalformed("0102036162", "announces 3 bytes, 2 follow");
        assertMalformed("010203616263", "announces 2 groups but ends after 1");
        assertMalformed("0100ff", "1 bytes follow the last group");
        assertMalformed("0201", "carries nothing after its object byte");
        assertMalformed("ff", "lacks its error byte");
        assertMalformed("ff09", "unknown ASSIGNMENT error code 9");
        assertMalformed("ff0003616263", "lacks the length of its RX path");
        assertMalformed("ff000561", "TX path of an ASSIGNMENT announces 5 bytes, 1 follow");
        assertMalformed("ff000161016200", "1 bytes follow the RX path");
    }

    private static void assertMalformed(String payloadHex, String message) {
        assertThatThrownBy(() -> CapMessage.parse(HEX.parseHex(payloadHex)))
                .isInstanceOf(MalformedCapMessageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void anUnsubscriptionIsOneByteFromTheClient() {
        Packet packet = CapMessage.Unsubscription.INSTANCE.toPacket(Name.of("foo"));

        assertThat(packet.payloadBytes()).containsExactly(CapMessage.OBJECT_UNSUBSCRIPTION);
        assertThat(packet.origin()).isEqualTo(Name.of("foo"));
    }
}
