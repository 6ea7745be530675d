package org.octopipes.codec.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import org.octopipes.codec.AssignmentError;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.MalformedCapMessageException;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link CapMessage#parse}: any payload either parses or is
 * refused with {@link MalformedCapMessageException}, never another exception; what parses encodes
 * back to exactly the same payload, except the Rust server's two-byte error form, which we answer
 * in the four-byte form C clients need. Seeds: {@code CapMessageFuzzTestInputs/<method>/}.
 */
class CapMessageFuzzTest {

    private static final Name CLIENT = Name.of("fuzz");

    @FuzzTest(maxDuration = "5m")
    void anyPayloadParsesCanonicallyOrIsMalformed(byte[] payload) {
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        CapMessage message;
        try {
            message = CapMessage.parse(buffer);
        } catch (MalformedCapMessageException expected) {
            assertThat(buffer.position()).as("the position does not move").isZero();
            return;
        }
        assertThat(buffer.position()).as("the position does not move").isZero();

        byte[] encoded = message.toPayload();
        if (isRustErrorForm(message, payload)) {
            assertThat(encoded).containsExactly(payload[0], payload[1], (byte) 0, (byte) 0);
        } else {
            assertThat(encoded).as("re-encoded " + message).isEqualTo(payload);
        }
        assertThat(CapMessage.parse(encoded)).isEqualTo(message);
        // Whatever parsed also travels in a packet.
        Packet packet = message.toPacket(CLIENT);
        assertThat(Packet.decode(packet.toBytes()).payloadBytes()).isEqualTo(encoded);
    }

    private static boolean isRustErrorForm(CapMessage message, byte[] payload) {
        return message instanceof CapMessage.Assignment && ((CapMessage.Assignment) message).error() != AssignmentError.NONE
                && payload.length == 2;
    }
}
