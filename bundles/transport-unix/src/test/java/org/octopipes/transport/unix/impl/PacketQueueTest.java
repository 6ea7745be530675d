package org.octopipes.transport.unix.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.Pipe;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The outbound queue on its own: bound, deadlines, partial writes. */
class PacketQueueTest {

    /** A gathering channel that takes at most {@code room} more bytes, like a socket with a full buffer. */
    private static final class Narrow implements GatheringByteChannel {
        int room;
        final ByteBuffer taken = ByteBuffer.allocate(1024);

        Narrow(int room) {
            this.room = room;
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) {
            long written = 0;
            for (int i = offset; i < offset + length && room > 0; i++) {
                while (sources[i].hasRemaining() && room > 0) {
                    taken.put(sources[i].get());
                    room--;
                    written++;
                }
            }
            return written;
        }

        @Override
        public long write(ByteBuffer[] sources) {
            return write(sources, 0, sources.length);
        }

        @Override
        public int write(ByteBuffer source) {
            return (int) write(new ByteBuffer[] {source});
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static byte[] packet(int size, int fill) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) fill);
        return bytes;
    }

    @Test
    void aPacketBeyondTheBoundIsRefusedUnlessTheQueueIsEmpty() {
        PacketQueue queue = new PacketQueue(100);

        assertThat(queue.offer(packet(150, 1), PacketQueue.NO_DEADLINE)).as("a big packet into an empty queue").isTrue();
        assertThat(queue.offer(packet(10, 2), PacketQueue.NO_DEADLINE)).isFalse();
        assertThat(queue.packets()).isEqualTo(1);
        assertThat(queue.bytes()).isEqualTo(150);
    }

    @Test
    void onlyPacketsNotYetBegunExpire() throws IOException {
        PacketQueue queue = new PacketQueue(1000);
        queue.offer(packet(10, 1), 100);
        queue.offer(packet(10, 2), 100);
        queue.offer(packet(10, 3), 500);
        Narrow channel = new Narrow(4);

        assertThat(queue.writeTo(channel)).as("packets written whole").isZero();
        assertThat(queue.midPacket()).isTrue();
        assertThat(queue.earliestDeadline()).isEqualTo(100);

        assertThat(queue.expire(200)).as("the second packet, not the begun first").isEqualTo(1);
        assertThat(queue.packets()).isEqualTo(2);
        assertThat(queue.bytes()).isEqualTo(6 + 10);
        assertThat(queue.earliestDeadline()).isEqualTo(500);

        channel.room = 100;
        assertThat(queue.writeTo(channel)).isEqualTo(2);
        assertThat(queue.isEmpty()).isTrue();
        byte[] written = Arrays.copyOf(channel.taken.array(), channel.taken.position());
        byte[] expected = new byte[20];
        System.arraycopy(packet(10, 1), 0, expected, 0, 10);
        System.arraycopy(packet(10, 3), 0, expected, 10, 10);
        assertThat(written).as("the first packet whole, then the third").isEqualTo(expected);
    }

    @Test
    void clearingCountsEveryPacketIncludingOneBegun() throws IOException {
        PacketQueue queue = new PacketQueue(1000);
        queue.offer(packet(10, 1), PacketQueue.NO_DEADLINE);
        queue.offer(packet(10, 2), PacketQueue.NO_DEADLINE);
        queue.writeTo(new Narrow(3));

        assertThat(queue.clear()).isEqualTo(2);
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void manyPacketsGoOutInOrderThroughARealPipe() throws IOException {
        Pipe pipe = Pipe.open();
        try {
            PacketQueue queue = new PacketQueue(1 << 20);
            for (int i = 0; i < 100; i++) {
                queue.offer(packet(7, i), PacketQueue.NO_DEADLINE);
            }
            int written = 0;
            while (!queue.isEmpty()) {
                written += queue.writeTo(pipe.sink());
            }
            assertThat(written).isEqualTo(100);
            ByteBuffer read = ByteBuffer.allocate(700);
            while (read.hasRemaining()) {
                pipe.source().read(read);
            }
            for (int i = 0; i < 100; i++) {
                assertThat(read.get(i * 7 + 6)).isEqualTo((byte) i);
            }
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
    }
}
