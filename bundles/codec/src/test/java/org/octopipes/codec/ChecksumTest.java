package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    @Test
    void theWideXorEqualsTheByteByByteXorAtEveryOffsetAndLength() {
        byte[] bytes = new byte[100];
        new Random(7).nextBytes(bytes);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes);
        for (int offset = 0; offset < 20; offset++) {
            for (int length = 0; offset + length <= bytes.length; length++) {
                int expected = 0;
                for (int i = offset; i < offset + length; i++) {
                    expected ^= bytes[i] & 0xFF;
                }
                assertThat(Checksum.xor(bytes, offset, length)).isEqualTo(expected);
                assertThat(Checksum.xor(direct, offset, offset + length)).isEqualTo(expected);
            }
        }
    }
}
