package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector of the protocol's byte-exact test file (a copy of the shared vectors kept in this
 * module's test resources): valid packets encode to exactly their bytes and decode back, and
 * malformed inputs get exactly the error class the file expects.
 */
class ProtocolVectorsTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final JsonObject VECTORS = load();

    private static JsonObject load() {
        try (InputStream in = ProtocolVectorsTest.class.getResourceAsStream("/vectors/packets.json")) {
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> valid() {
        return vectors("valid");
    }

    static Stream<Arguments> malformed() {
        return vectors("malformed");
    }

    static Stream<Arguments> cap() {
        return valid().filter(arguments -> ((JsonObject) arguments.get()[1]).has("cap"));
    }

    /** CAP vectors in the form our server sends: we send the 4-byte error form that C clients need; the Rust form is only parsed. */
    static Stream<Arguments> capAsWeSendIt() {
        return cap().filter(arguments -> !((String) arguments.get()[0]).endsWith("_rust_form"));
    }

    private static Stream<Arguments> vectors(String kind) {
        JsonArray array = VECTORS.getAsJsonArray(kind);
        List<Arguments> arguments = new ArrayList<>();
        for (JsonElement element : array) {
            JsonObject vector = element.getAsJsonObject();
            arguments.add(Arguments.of(vector.get("name").getAsString(), vector));
        }
        return arguments.stream();
    }

    @Test
    void theFileHasEveryVectorItPromises() {
        assertThat(VECTORS.getAsJsonArray("valid")).hasSize(25);
        assertThat(VECTORS.getAsJsonArray("malformed")).hasSize(12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validVectorEncodesToExactlyItsBytes(String name, JsonObject vector) {
        Packet packet = packetOf(vector);

        assertThat(HEX.formatHex(packet.toBytes())).isEqualTo(vector.get("packet_hex").getAsString());
        assertThat(packet.size()).isEqualTo(vector.get("packet_len").getAsInt());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validVectorDecodesToItsFields(String name, JsonObject vector) {
        byte[] bytes = HEX.parseHex(vector.get("packet_hex").getAsString());

        Packet decoded = Packet.decode(bytes);

        assertThat(decoded).isEqualTo(packetOf(vector));
        assertThat(decoded.version()).isEqualTo(vector.get("version").getAsInt());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validVectorStreamDecodesToOneFrameWithItsOriginalBytes(String name, JsonObject vector) {
        byte[] bytes = HEX.parseHex(vector.get("packet_hex").getAsString());
        List<Packet> packets = new ArrayList<>();
        List<byte[]> originals = new ArrayList<>();
        List<Integer> checksums = new ArrayList<>();

        new StreamDecoder().feed(ByteBuffer.wrap(bytes), frame -> {
            packets.add(frame.toPacket());
            checksums.add(frame.checksum());
            ByteBuffer original = frame.bytes();
            byte[] copy = new byte[original.remaining()];
            original.get(copy);
            originals.add(copy);
        });

        assertThat(packets).containsExactly(packetOf(vector));
        assertThat(originals.get(0)).isEqualTo(bytes);
        assertThat(checksums).containsExactly(vector.get("checksum").getAsInt());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cap")
    void capVectorParsesToItsMessage(String name, JsonObject vector) {
        JsonObject cap = vector.getAsJsonObject("cap");
        CapMessage message = CapMessage.parse(HEX.parseHex(vector.get("payload_hex").getAsString()));
        String type = cap.get("type").getAsString();
        switch (type) {
            case "SUBSCRIPTION": {
                List<Name> groups = new ArrayList<>();
                cap.getAsJsonArray("groups").forEach(group -> groups.add(Name.of(group.getAsString())));
                assertThat(message).isEqualTo(new CapMessage.Subscription(groups));
                break;
            }
            case "UNSUBSCRIPTION":
                assertThat(message).isSameAs(CapMessage.Unsubscription.INSTANCE);
                break;
            case "ASSIGNMENT": {
                CapMessage.Assignment assignment = (CapMessage.Assignment) message;
                assertThat(assignment.error().code()).isEqualTo(cap.get("error").getAsInt());
                String tx = cap.has("tx_pipe") ? cap.get("tx_pipe").getAsString() : "";
                String rx = cap.has("rx_pipe") ? cap.get("rx_pipe").getAsString() : "";
                assertThat(assignment.txPath()).isEqualTo(tx.getBytes(StandardCharsets.UTF_8));
                assertThat(assignment.rxPath()).isEqualTo(rx.getBytes(StandardCharsets.UTF_8));
                if (cap.has("error_name")) {
                    assertThat(assignment.error().name()).isEqualTo(cap.get("error_name").getAsString());
                }
                break;
            }
            default:
                throw new AssertionError("a CAP type this test does not know: " + type);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("capAsWeSendIt")
    void capVectorIsWhatOurEncoderSends(String name, JsonObject vector) {
        Packet packet = packetOf(vector);
        Name client = packet.origin().isServer() ? packet.remote() : packet.origin();

        Packet ours = CapMessage.parse(packet.payload()).toPacket(client);

        assertThat(HEX.formatHex(ours.toBytes())).isEqualTo(vector.get("packet_hex").getAsString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedVectorGetsItsErrorClass(String name, JsonObject vector) {
        byte[] bytes = HEX.parseHex(vector.get("packet_hex").getAsString());
        String expect = vector.get("expect").getAsString();
        StreamDecoder decoder = new StreamDecoder();
        Recorder recorder = new Recorder();
        List<Packet> packets = recorder.packets;
        List<PacketError> errors = recorder.errors;

        decoder.feed(ByteBuffer.wrap(bytes), recorder);

        switch (expect) {
            case "INCOMPLETE":
                assertThat(packets).isEmpty();
                assertThat(errors).isEmpty();
                assertThat(decoder.pendingBytes()).isEqualTo(bytes.length);
                assertThatThrownBy(() -> Packet.decode(bytes))
                        .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.error()).isEqualTo(PacketError.TRUNCATED));
                break;
            case "TWO_PACKETS":
                assertThat(errors).isEmpty();
                assertThat(packets).extracting(p -> p.origin().toString()).containsExactly("foo", "baz");
                assertThatThrownBy(() -> Packet.decode(bytes))
                        .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.error()).isEqualTo(PacketError.TRAILING_BYTES));
                break;
            default:
                PacketError expected = PacketError.valueOf(expect);
                assertThat(packets).isEmpty();
                assertThat(errors).containsExactly(expected);
                assertThat(decoder.errorCount(expected)).isEqualTo(1);
                assertThatThrownBy(() -> Packet.decode(bytes))
                        .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.error()).isEqualTo(expected));
        }
    }

    private static Packet packetOf(JsonObject vector) {
        return Packet.builder()
                .origin(Name.of(HEX.parseHex(vector.get("origin_hex").getAsString())))
                .remote(Name.of(HEX.parseHex(vector.get("remote_hex").getAsString())))
                .ttl(vector.get("ttl").getAsInt())
                .options(vector.get("options").getAsInt())
                .payload(HEX.parseHex(vector.get("payload_hex").getAsString()))
                .build();
    }
}
