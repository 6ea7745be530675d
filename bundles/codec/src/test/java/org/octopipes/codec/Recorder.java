package org.octopipes.codec;

import java.util.ArrayList;
import java.util.List;

/** A frame handler for tests: keeps a copy of every packet and every error, in order. */
final class Recorder implements FrameHandler {

    final List<Packet> packets = new ArrayList<>();
    final List<PacketError> errors = new ArrayList<>();
    final List<Long> errorOffsets = new ArrayList<>();

    @Override
    public void onFrame(Frame frame) {
        packets.add(frame.toPacket());
    }

    @Override
    public void onError(PacketError error, long streamOffset) {
        errors.add(error);
        errorOffsets.add(streamOffset);
    }
}
