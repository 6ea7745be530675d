package org.octopipes.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What can be checked without a framework; the configuration itself is read in the Felix integration test. */
class ConfigCommandTest {

    @Test
    void withNeitherConfigAdminNorMetatypeItSaysWhatIsMissing() throws Exception {
        CapturedOutput output = new CapturedOutput();

        new ConfigCommand(null, output).config();

        assertThat(output.lines()).containsExactly(
                "Config Admin is not available: the server runs on its defaults",
                "the Metatype service is not available: the defaults cannot be shown");
    }

    @Test
    void aPidIsAFilterValueWithItsSpecialCharactersEscaped() {
        assertThat(ConfigCommand.filterValue("org.octopipes.transport.unix")).isEqualTo("org.octopipes.transport.unix");
        assertThat(ConfigCommand.filterValue("a(b)*c\\d")).isEqualTo("a\\(b\\)\\*c\\\\d");
    }

    @Test
    void valuesAreOneLine() {
        assertThat(ConfigCommand.valueText("0600")).isEqualTo("0600");
        assertThat(ConfigCommand.valueText(16777216)).isEqualTo("16777216");
        assertThat(ConfigCommand.valueText(new String[] {"0600"})).as("a metatype default").isEqualTo("0600");
        assertThat(ConfigCommand.valueText(new String[] {"a", "b"})).isEqualTo("a, b");
        assertThat(ConfigCommand.valueText(List.of(1, 2))).isEqualTo("1, 2");
        assertThat(ConfigCommand.valueText("")).isEqualTo("\"\"");
        assertThat(ConfigCommand.valueText("two\nlines")).isEqualTo("two\\x0alines");
    }
}
