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
