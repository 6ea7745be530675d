package org.octopipes.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.octopipes.api.Credentials;
import org.octopipes.api.TappedPacket;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;

class PacketCommandsTest {

    private static final String DEFAULT_TTL = "" + Protocol.DEFAULT_MESSAGE_TTL;

    private final RecordingBroker broker = new RecordingBroker();
    private final CapturedOutput output = new CapturedOutput();
    private final PacketCommands commands = new PacketCommands(broker, output);

    @Test
    void sendInjectsAPacketFromTheServerAndSaysHowManyGotIt() {
        broker.recipientsPerPacket = 2;

        commands.send(DEFAULT_TTL, false, false, "team", "hello", "team");

        Packet sent = broker.sent.get(0);
        assertThat(sent.origin()).isEqualTo(Name.SERVER);
        assertThat(sent.remote()).isEqualTo(Name.of("team"));
        assertThat(sent.ttl()).isEqualTo(Protocol.DEFAULT_MESSAGE_TTL);
        assertThat(sent.options()).isZero();
        assertThat(new String(sent.payloadBytes(), StandardCharsets.UTF_8)).isEqualTo("hello team");
        assertThat(output.lines()).containsExactly("team: queued for 2 recipients");
    }

    @Test
    void sendHexAsksForAnAckWithATtlOfItsOwn() {
        commands.send("5", true, true, "bob", "48 69", "0a");

        Packet sent = broker.sent.get(0);
        assertThat(sent.payloadBytes()).containsExactly(0x48, 0x69, 0x0A);
        assertThat(sent.hasOption(Protocol.OPTION_RCK)).isTrue();
        assertThat(sent.ttl()).isEqualTo(5);
        assertThat(output.lines()).containsExactly("bob: queued for 1 recipient");
    }

    @Test
    void sendWithBadHexSendsNothingAndSaysWhyInOneLine() {
        assertThatThrownBy(() -> commands.send(DEFAULT_TTL, false, true, "bob", "4g"))
                .isInstanceOf(CommandException.class)
                .hasMessage("bad hex payload: 'g' is not a hex digit");
        assertThat(broker.sent).isEmpty();
    }

    @Test
    void sendWithABadTtlSendsNothing() {
        assertThatThrownBy(() -> commands.send("300", false, false, "bob", "hi")).hasMessage("bad TTL 300: must be 0 to 255");
        assertThat(broker.sent).isEmpty();
    }

    @Test
    void sendWithoutPayloadSendsAnEmptyOne() {
        commands.send(DEFAULT_TTL, false, false, "bob");

        assertThat(broker.sent.get(0).payloadLength()).isZero();
    }

    @Test
    void monitorShowsOneLinePerPacketAndStopsAtItsCount() {
        broker.replayedToTaps.add(tapped("alice", "bob", "hello bob", Protocol.OPTION_RCK));
        broker.replayedToTaps.add(tapped("", "team", "line\nbreak", 0));

        commands.monitor(false, "2", "0", "bob", "team");

        assertThat(broker.tapNames).containsExactlyInAnyOrder(Name.of("bob"), Name.of("team"));
        assertThat(broker.tapClosed).as("the tap is closed when the monitor stops").isTrue();
        assertThat(output.lines()).hasSize(4);
        assertThat(output.lines().get(0)).matches("TIME +ORIGIN +PEER +REMOTE +SIZE +TTL +OPTIONS +TO +PAYLOAD");
        assertThat(output.lines().get(1)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +alice +- +bob +9 +60 +RCK +1 +hello bob");
        assertThat(output.lines().get(2)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +\\(server\\) +- +team +10 +60 +- +1 +line\\\\x0abreak");
        assertThat(output.lines().get(3)).isEqualTo("monitor stopped: 2 packets shown, 0 skipped");
    }

    @Test
    void monitorShowsWhoSentAPacketWhereItsTransportKnows() {
        TappedPacket fromSocket = tapped("sock", "bob", "hi", 0);
        broker.replayedToTaps.add(new TappedPacket(fromSocket.time(), fromSocket.origin(), fromSocket.remote(), fromSocket.ttl(),
                fromSocket.options(), fromSocket.payloadLength(), fromSocket.payloadPreview(), 1,
                Optional.of(new Credentials("nobody", "nogroup", 4242))));

        commands.monitor(false, "1", "0");

        assertThat(output.lines().get(1)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +sock +nobody/4242 +bob +2 +60 +- +1 +hi");
    }

    @Test
    void monitorShowsPayloadsInHexOnRequest() {
        broker.replayedToTaps.add(tapped("alice", "bob", "Hi", 0));

        commands.monitor(true, "1", "0");

        assertThat(output.lines().get(1)).endsWith("  4869");
    }

    @Test
    void packetsTheTerminalCannotKeepUpWithAreSkippedAndCountedWithoutHoldingUpRouting() {
        int overflow = 6;
        for (int i = 0; i < PacketCommands.MONITOR_QUEUE_CAPACITY + overflow; i++) {
            broker.replayedToTaps.add(tapped("alice", "bob", "packet " + i, 0));
        }

        // The broker shows every packet before the monitor reads one: the queue fills, the rest is skipped.
        commands.monitor(false, "" + PacketCommands.MONITOR_QUEUE_CAPACITY, "0");

        assertThat(output.lines()).contains("... 6 packets skipped: the terminal is slower than the traffic");
        assertThat(output.lines()).last().isEqualTo("monitor stopped: " + PacketCommands.MONITOR_QUEUE_CAPACITY + " packets shown, 6 skipped");
    }

    @Test
    void monitorRunsUntilItsThreadIsInterruptedAsCtrlCDoes() throws Exception {
        Thread monitor = new Thread(() -> commands.monitor(false, "0", "0"));
        monitor.start();
        assertThat(broker.tapped.await(10, TimeUnit.SECONDS)).as("the monitor taps the broker").isTrue();

        monitor.interrupt();
        monitor.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(monitor.isAlive()).isFalse();
        assertThat(broker.tapClosed).isTrue();
        assertThat(output.lines()).last().isEqualTo("monitor stopped: 0 packets shown, 0 skipped");
    }

    @Test
    void monitorStopsAfterItsSeconds() {
        commands.monitor(false, "0", "1");

        assertThat(output.lines()).last().isEqualTo("monitor stopped: 0 packets shown, 0 skipped");
    }

    private static TappedPacket tapped(String origin, String remote, String payload, int options) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return new TappedPacket(Instant.now(), Name.of(origin), Name.of(remote), Protocol.DEFAULT_MESSAGE_TTL, options, bytes.length, bytes, 1);
    }
}
