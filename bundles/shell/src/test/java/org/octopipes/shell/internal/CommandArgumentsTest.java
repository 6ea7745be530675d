package org.octopipes.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.octopipes.codec.Name;

class CommandArgumentsTest {

    @Test
    void hexTakesTwoDigitsPerByteInEitherCaseWithSpacesBetween() {
        assertThat(CommandArguments.hex("48690a")).containsExactly(0x48, 0x69, 0x0A);
        assertThat(CommandArguments.hex("48 69 0A")).containsExactly(0x48, 0x69, 0x0A);
        assertThat(CommandArguments.hex("FF00")).containsExactly(0xFF, 0x00);
        assertThat(CommandArguments.hex("")).isEmpty();
    }

    @Test
    void hexWithAnOddNumberOfDigitsIsRefusedInOneLine() {
        assertThatThrownBy(() -> CommandArguments.hex("486"))
                .isInstanceOf(CommandException.class)
                .hasMessage("bad hex payload: 3 hex digits, but a byte takes two");
    }

    @Test
    void hexWithAnythingButHexDigitsIsRefusedNamingTheCulprit() {
        assertThatThrownBy(() -> CommandArguments.hex("48zz"))
                .isInstanceOf(CommandException.class)
                .hasMessage("bad hex payload: 'z' is not a hex digit");
        assertThatThrownBy(() -> CommandArguments.hex("0x48"))
                .hasMessage("bad hex payload: 'x' is not a hex digit");
    }

    @Test
    void aTtlIsAByteOfSeconds() {
        assertThat(CommandArguments.ttl("0")).isZero();
        assertThat(CommandArguments.ttl("255")).isEqualTo(255);
        assertThatThrownBy(() -> CommandArguments.ttl("256")).isInstanceOf(CommandException.class)
                .hasMessage("bad TTL 256: must be 0 to 255");
        assertThatThrownBy(() -> CommandArguments.ttl("soon")).isInstanceOf(CommandException.class)
                .hasMessage("bad TTL 'soon': not a whole number");
    }

    @Test
    void groupNamesAreTheirUtf8Bytes() {
        assertThat(CommandArguments.groupNames(new String[] {"team", "ops"})).containsExactly(Name.of("team"), Name.of("ops"));
    }

    @Test
    void anEmptyGroupNameIsRefusedBecauseItIsTheServers() {
        assertThatThrownBy(() -> CommandArguments.groupNames(new String[] {"team", ""}))
                .isInstanceOf(CommandException.class)
                .hasMessage("bad group name '': the empty name is the server's");
    }

    @Test
    void aNameLongerThanTheProtocolAllowsIsRefused() {
        String tooLong = "x".repeat(256);

        assertThatThrownBy(() -> CommandArguments.clientName(tooLong))
                .isInstanceOf(CommandException.class)
                .hasMessage("bad client name '" + tooLong + "': a name is 0 to 255 bytes, not 256");
    }

    @Test
    void changingGroupsNeedsAtLeastOne() {
        assertThatThrownBy(() -> CommandArguments.groupNames(new String[0]))
                .isInstanceOf(CommandException.class)
                .hasMessage("name at least one group");
    }

    @Test
    void aCommandErrorIsOneLineWhateverItQuotes() {
        assertThat(new CommandException("bad name 'a\nb'").getMessage()).isEqualTo("bad name 'a b'");
    }
}
