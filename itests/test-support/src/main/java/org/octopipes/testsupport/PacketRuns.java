package org.octopipes.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;
import org.octopipes.codec.Packet;
import org.octopipes.codec.RunHandler;
import org.octopipes.codec.StreamDecoder;

/** Packets as a transport's decoder hands them out: consecutive ones with one header as a run, the others one by one. */
public final class PacketRuns {

    private PacketRuns() {
    }

    /**
     * Writes the packets into one stream and decodes it as a transport does.
     *
     * @param onRun gets each run of two or more packets with one header; its answer is whether it took it
     * @param onFrame gets every other packet, and those of a run {@code onRun} declined
     */
    public static void feed(List<Packet> packets, Predicate<FrameRun> onRun, Consumer<Frame> onFrame) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        packets.forEach(packet -> bytes.writeBytes(packet.toBytes()));
        new StreamDecoder().feed(ByteBuffer.wrap(bytes.toByteArray()), new RunHandler() {
            @Override
            public boolean onRun(FrameRun run) {
                return onRun.test(run);
            }

            @Override
            public void onFrame(Frame frame) {
                onFrame.accept(frame);
            }
        });
    }

    /**
     * Hands packets with one header to {@code use} as the one run a decoder makes of them.
     *
     * @return what {@code use} answered
     * @throws AssertionError if they do not make one run
     */
    public static boolean asRun(List<Packet> packets, Predicate<FrameRun> use) {
        boolean[] answer = new boolean[1];
        int[] runs = new int[1];
        feed(packets, run -> {
            runs[0]++;
            answer[0] = use.test(run);
            return true;
        }, frame -> {
            throw new AssertionError("not one run: " + frame);
        });
        if (runs[0] != 1) {
            throw new AssertionError("not one run of " + packets.size() + " packets");
        }
        return answer[0];
    }
}
