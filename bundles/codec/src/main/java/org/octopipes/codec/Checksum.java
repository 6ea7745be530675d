package org.octopipes.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Octopipes checksum: the XOR of every byte of a packet with CHK left out, so that the XOR
 * of a whole valid packet, CHK included, is 0. That second form lets a receiver verify a packet
 * in place, on the bytes it read, and forward those same bytes unchanged.
 */
public final class Checksum {

    // XOR is position-independent within a word, so byte order does not matter; reading eight
    // bytes at a time is what makes verification run at memory speed.
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Checksum() {
    }

    /**
     * XOR of {@code length} bytes of {@code bytes} from {@code offset}.
     *
     * @param bytes the bytes
     * @param offset where to start
     * @param length how many
     * @return their XOR, 0 to 255
     */
    public static int xor(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        // Four words per step into four accumulators: one accumulator makes every XOR wait for the
        // one before (a cycle per eight bytes); four let the CPU do them side by side.
        long a = 0;
        long b = 0;
        long c = 0;
        long d = 0;
        int i = offset;
        int blockEnd = offset + (length & ~31);
        for (; i < blockEnd; i += 32) {
            a ^= (long) LONGS.get(bytes, i);
            b ^= (long) LONGS.get(bytes, i + 8);
            c ^= (long) LONGS.get(bytes, i + 16);
            d ^= (long) LONGS.get(bytes, i + 24);
        }
        long wide = a ^ b ^ c ^ d;
        int wideEnd = offset + (length & ~7);
        for (; i < wideEnd; i += 8) {
            wide ^= (long) LONGS.get(bytes, i);
        }
        int narrow = fold(wide);
        int end = offset + length;
        for (; i < end; i++) {
            narrow ^= bytes[i];
        }
        return narrow & 0xFF;
    }

    /**
     * XOR of the bytes of {@code buffer} between absolute indexes {@code from} (inclusive) and {@code to}; position untouched.
     *
     * @param buffer the bytes
     * @param from the first index
     * @param to the index after the last
     * @return their XOR, 0 to 255
     */
    public static int xor(ByteBuffer buffer, int from, int to) {
        if (buffer.hasArray()) {
            return xor(buffer.array(), buffer.arrayOffset() + from, to - from);
        }
        java.util.Objects.checkFromToIndex(from, to, buffer.limit());
        ByteBuffer ordered = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long wide = 0;
        int i = from;
        int wideEnd = from + ((to - from) & ~7);
        for (; i < wideEnd; i += 8) {
            wide ^= ordered.getLong(i);
        }
        int narrow = fold(wide);
        for (; i < to; i++) {
            narrow ^= ordered.get(i);
        }
        return narrow & 0xFF;
    }

    private static int fold(long wide) {
        wide ^= wide >>> 32;
        wide ^= wide >>> 16;
        wide ^= wide >>> 8;
        return (int) wide & 0xFF;
    }
}
