package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NameTest {

    @Test
    void namesAreComparedByTheirExactBytes() {
        assertThat(Name.of("bob")).isEqualTo(Name.of(new byte[] {'b', 'o', 'b'})).hasSameHashCodeAs(Name.of("bob"));
        assertThat(Name.of(new byte[] {'b', 'o', 'b', 0, 'y'})).isNotEqualTo(Name.of("bob"));
        assertThat(Name.of("")).isSameAs(Name.SERVER);
        assertThat(Name.SERVER.isServer()).isTrue();
    }

    @Test
    void aNameCanBe255BytesAndNoMore() {
        assertThat(Name.of("x".repeat(255)).length()).isEqualTo(255);
        assertThatThrownBy(() -> Name.of("x".repeat(256))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
    }

    @Test
    void aNameIsACopyThatCannotBeChangedFromOutside() {
        byte[] bytes = {'a', 'b'};
        Name name = Name.of(bytes);
        bytes[0] = 'z';
        name.toBytes()[1] = 'z';

        assertThat(name.toString()).isEqualTo("ab");
    }

    @Test
    void unprintableBytesShowAsEscapesNeverAsLossyCharacters() {
        assertThat(Name.of(new byte[] {'b', 'o', 'b', 0, 'y', (byte) 0xE9, '\\'}).toString()).isEqualTo("bob\\x00y\\xe9\\x5c");
    }

    @Test
    void everyNameReadsBackFromHowItIsShown() {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        for (int start = 0; start < 256; start += 85) {
            Name name = Name.of(everyByte, start, Math.min(85, 256 - start));

            assertThat(Name.parse(name.toString())).isEqualTo(name);
        }
        assertThat(Name.parse("")).isSameAs(Name.SERVER);
    }

    @Test
    void plainTextParsesToItsUtf8Bytes() {
        assertThat(Name.parse("bob")).isEqualTo(Name.of("bob"));
        assertThat(Name.parse("zo\u00eb")).isEqualTo(Name.of("zo\u00eb".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void aBackslashThatStartsNoEscapeIsKept() {
        assertThat(Name.parse("a\\b")).isEqualTo(Name.of("a\\b"));
        assertThat(Name.parse("a\\x4")).isEqualTo(Name.of("a\\x4"));
        assertThat(Name.parse("a\\xzz")).isEqualTo(Name.of("a\\xzz"));
        assertThat(Name.parse("\\x41\\x5c")).isEqualTo(Name.of("A\\"));
        assertThatThrownBy(() -> Name.parse("x".repeat(256))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theHashOfBytesInPlaceIsTheHashOfTheName() {
        byte[] around = {9, 'g', 'r', 'p', 9};
        assertThat(Name.hash(around, 1, 3)).isEqualTo(Name.of("grp").hashCode());
        assertThat(Name.of("grp").contentEquals(around, 1, 3)).isTrue();
    }

    @Test
    void namesSortByUnsignedBytes() {
        assertThat(Name.of("a").compareTo(Name.of(new byte[] {(byte) 0xFF}))).isNegative();
        assertThat(Name.of("ab").compareTo(Name.of("a"))).isPositive();
    }
}
