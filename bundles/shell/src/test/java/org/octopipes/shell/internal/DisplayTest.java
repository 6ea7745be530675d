package org.octopipes.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.octopipes.codec.Name;
import org.octopipes.codec.Protocol;

class DisplayTest {

    @Test
    void utf8TextIsShownAsItIs() {
        assertThat(Display.escaped("héllo wörld €".getBytes(StandardCharsets.UTF_8))).isEqualTo("héllo wörld €");
    }

    @Test
    void controlCharactersAndTheBackslashAreEscapedSoAPayloadNeverBreaksALine() {
        assertThat(Display.escaped("a\nb\tc\\d\u0000".getBytes(StandardCharsets.UTF_8))).isEqualTo("a\\x0ab\\x09c\\x5cd\\x00");
    }

    @Test
    void bytesThatAreNotUtf8AreEscapedOneByOne() {
        assertThat(Display.escaped(new byte[] {'o', 'k', (byte) 0xFF, (byte) 0xC3, '!'})).isEqualTo("ok\\xff\\xc3!");
    }

    @Test
    void aPayloadShowsInHexOnRequestAndMarksWhenItIsOnlyItsBeginning() {
        byte[] preview = {0x48, 0x69, 0x0A};

        assertThat(Display.payload(preview, 3, true)).isEqualTo("48690a");
        assertThat(Display.payload(preview, 3, false)).isEqualTo("Hi\\x0a");
        assertThat(Display.payload(preview, 100, false)).isEqualTo("Hi\\x0a...");
    }

    @Test
    void theServersEmptyNameIsShownByWhatItMeans() {
        assertThat(Display.name(Name.SERVER)).isEqualTo("(server)");
        assertThat(Display.name(Name.of("bob"))).isEqualTo("bob");
    }

    @Test
    void namesAreSortedAndNoneIsADash() {
        assertThat(Display.names(List.of(Name.of("team"), Name.of("ops")))).isEqualTo("ops, team");
        assertThat(Display.names(List.of())).isEqualTo(Display.NONE);
    }

    @Test
    void optionBitsAreNamedAndUnknownOnesShownInHex() {
        assertThat(Display.options(0)).isEqualTo("-");
        assertThat(Display.options(Protocol.OPTION_RCK)).isEqualTo("RCK");
        assertThat(Display.options(Protocol.OPTION_ACK | Protocol.OPTION_ICK | 0x80)).isEqualTo("ACK,ICK,0x80");
    }

    @Test
    void elapsedTimeShowsItsTwoLargestUnits() {
        assertThat(Display.elapsed(Duration.ofSeconds(42))).isEqualTo("42s");
        assertThat(Display.elapsed(Duration.ofSeconds(185))).isEqualTo("3m05s");
        assertThat(Display.elapsed(Duration.ofMinutes(127))).isEqualTo("2h07m");
        assertThat(Display.elapsed(Duration.ofHours(76))).isEqualTo("3d04h");
        assertThat(Display.elapsed(Duration.ofSeconds(-3))).as("clocks may disagree by a little").isEqualTo("0s");
    }

    @Test
    void countsAgreeWithTheirNoun() {
        assertThat(Display.count(1, "recipient")).isEqualTo("1 recipient");
        assertThat(Display.count(0, "recipient")).isEqualTo("0 recipients");
    }
}
