package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a {@link StreamDecoder} hands a {@link RunHandler} runs of packets with one header. */
class FrameRunTest {

    /** Keeps what it got as a list of groups: a run is one group, a single packet a group of one. */
    private static final class RunRecorder implements RunHandler {
        final List<List<Packet>> groups = new ArrayList<>();
        final List<PacketError> errors = new ArrayList<>();
        Runnable afterRun = () -> { };
        Runnable afterFrame = () -> { };
        boolean takeRuns = true;
        int declined;

        @Override
        public boolean onRun(FrameRun run) {
            if (!takeRuns) {
                declined++;
                return false;
            }
            List<Packet> packets = new ArrayList<>();
            run.forEach(frame -> packets.add(frame.toPacket()));
            groups.add(packets);
            afterRun.run();
            return true;
        }

        @Override
        public void onFrame(Frame frame) {
            groups.add(List.of(frame.toPacket()));
            afterFrame.run();
        }

        @Override
        public void onError(PacketError error, long streamOffset) {
            errors.add(error);
        }

        List<Packet> all() {
            return groups.stream().flatMap(List::stream).toList();
        }
    }

    private static Packet packet(String origin, String remote, int ttl, int options, String payload) {
        return Packet.builder().origin(Name.of(origin)).remote(Name.of(remote)).ttl(ttl).options(options).payload(payload.getBytes()).build();
    }

    private static byte[] stream(Packet... packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Packet packet : packets) {
            out.writeBytes(packet.toBytes());
        }
        return out.toByteArray();
    }

    @Test
    void consecutivePacketsWithOneHeaderComeAsOneRunAndTheRestOneByOne() {
        Packet a1 = packet("alice", "bob", 5, 0, "one");
        Packet a2 = packet("alice", "bob", 5, 0, "two, longer");
        Packet a3 = packet("alice", "bob", 5, 0, "");
        Packet other = packet("alice", "carol", 5, 0, "to someone else");
        Packet b1 = packet("alice", "bob", 5, 0, "again");
        Packet b2 = packet("alice", "bob", 5, 0, "and again");
        RunRecorder recorder = new RunRecorder();

        new StreamDecoder().feed(ByteBuffer.wrap(stream(a1, a2, a3, other, b1, b2)), recorder);

        assertThat(recorder.groups).containsExactly(List.of(a1, a2, a3), List.of(other), List.of(b1, b2));
    }

    @Test
    void aDifferentTtlOptionsOrOriginEndsARun() {
        Packet first = packet("alice", "bob", 5, 0, "1");
        Packet otherTtl = packet("alice", "bob", 6, 0, "2");
        Packet otherOptions = packet("alice", "bob", 6, Protocol.OPTION_RCK, "3");
        Packet otherOrigin = packet("alicia", "bob", 6, Protocol.OPTION_RCK, "4");
        Packet sameAgain = packet("alicia", "bob", 6, Protocol.OPTION_RCK, "5");
        RunRecorder recorder = new RunRecorder();

        new StreamDecoder().feed(ByteBuffer.wrap(stream(first, otherTtl, otherOptions, otherOrigin, sameAgain)), recorder);

        assertThat(recorder.groups).containsExactly(List.of(first), List.of(otherTtl), List.of(otherOptions), List.of(otherOrigin, sameAgain));
    }

    @Test
    void aRunGivesEachPacketItsSizeAndItsBytesTogether() {
        Packet p1 = packet("a", "b", 0, 0, "x");
        Packet p2 = packet("a", "b", 0, 0, "yyyy");
        byte[] bytes = stream(p1, p2);
        List<String> seen = new ArrayList<>();

        new StreamDecoder().feed(ByteBuffer.wrap(bytes), new RunHandler() {
            @Override
            public boolean onRun(FrameRun run) {
                byte[] copy = new byte[run.size()];
                run.copyTo(copy, 0);
                assertThat(copy).isEqualTo(bytes);
                assertThat(run.bytes()).isEqualTo(ByteBuffer.wrap(bytes));
                assertThat(run.sizeOf(0)).isEqualTo(p1.toBytes().length);
                assertThat(run.sizeOf(1)).isEqualTo(p2.toBytes().length);
                assertThat(run.frame(1).toPacket()).isEqualTo(p2);
                assertThat(run.first().toPacket()).isEqualTo(p1);
                seen.add("run of " + run.count());
                return true;
            }

            @Override
            public void onFrame(Frame frame) {
                seen.add("single");
            }
        });

        assertThat(seen).containsExactly("run of 2");
    }

    @Test
    void bytesThatAreNotAPacketEndARunAndAreReportedOnce() {
        Packet p1 = packet("a", "b", 0, 0, "1");
        Packet p3 = packet("a", "b", 0, 0, "3");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(stream(p1, p1));
        out.writeBytes("garbage".getBytes());
        out.writeBytes(stream(p3, p3));
        RunRecorder recorder = new RunRecorder();

        new StreamDecoder().feed(ByteBuffer.wrap(out.toByteArray()), recorder);

        assertThat(recorder.groups).containsExactly(List.of(p1, p1), List.of(p3, p3));
        assertThat(recorder.errors).containsExactly(PacketError.BAD_SOH);
    }

    @Test
    void aPartialPacketEndsARunAndIsHandedOutWhenItsRestComes() {
        Packet packet = packet("a", "b", 0, 0, "same");
        byte[] bytes = stream(packet, packet, packet);
        int cut = bytes.length - 3;
        RunRecorder recorder = new RunRecorder();
        StreamDecoder decoder = new StreamDecoder();

        decoder.feed(bytes, 0, cut, recorder);
        assertThat(recorder.groups).containsExactly(List.of(packet, packet));
        decoder.feed(bytes, cut, bytes.length - cut, recorder);

        assertThat(recorder.groups).containsExactly(List.of(packet, packet), List.of(packet));
        assertThat(decoder.frames()).isEqualTo(3);
    }

    @Test
    void stopInARunStopsAfterTheWholeRunAndDrainGoesOn() {
        Packet toBob = packet("a", "bob", 0, 0, "b");
        Packet toCarol = packet("a", "carol", 0, 0, "c");
        StreamDecoder decoder = new StreamDecoder();
        RunRecorder recorder = new RunRecorder();
        recorder.afterRun = decoder::stop;

        decoder.feed(ByteBuffer.wrap(stream(toBob, toBob, toBob, toCarol, toCarol)), recorder);
        assertThat(recorder.groups).containsExactly(List.of(toBob, toBob, toBob));
        assertThat(decoder.pendingBytes()).isEqualTo(2 * toCarol.toBytes().length);

        recorder.afterRun = () -> { };
        decoder.drain(recorder);
        assertThat(recorder.all()).containsExactly(toBob, toBob, toBob, toCarol, toCarol);
    }

    @Test
    void aPlainFrameHandlerStillGetsEveryPacketOneByOne() {
        Packet packet = packet("a", "b", 0, 0, "x");
        Recorder recorder = new Recorder();

        new StreamDecoder().feed(ByteBuffer.wrap(stream(packet, packet, packet)), recorder);

        assertThat(recorder.packets).containsExactly(packet, packet, packet);
    }

    @Test
    void aDeclinedRunComesPacketByPacketOnceAndAStopThereStopsAfterThatPacket() {
        Packet packet = packet("a", "b", 0, 0, "same");
        StreamDecoder decoder = new StreamDecoder();
        RunRecorder recorder = new RunRecorder();
        recorder.takeRuns = false;
        recorder.afterFrame = () -> {
            if (recorder.groups.size() == 2) {
                decoder.stop();
            }
        };

        decoder.feed(ByteBuffer.wrap(stream(packet, packet, packet, packet)), recorder);
        assertThat(recorder.groups).as("one by one, and no more after the stop").containsExactly(List.of(packet), List.of(packet));
        assertThat(recorder.declined).as("the run was offered once").isEqualTo(1);

        recorder.takeRuns = true;
        recorder.afterFrame = () -> { };
        decoder.drain(recorder);
        assertThat(recorder.groups).as("what was left is a run again").containsExactly(List.of(packet), List.of(packet), List.of(packet, packet));
        assertThat(decoder.frames()).isEqualTo(4);
    }
}
