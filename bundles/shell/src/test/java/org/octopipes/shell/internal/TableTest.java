package org.octopipes.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.octopipes.shell.internal.Table.Column.left;
import static org.octopipes.shell.internal.Table.Column.right;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void textIsLeftAlignedAndNumbersRightAlignedUnderTheHeader() {
        Table table = new Table(left("NAME"), right("RECEIVED"), left("GROUPS"))
                .row("alice", 7, "team")
                .row("bartholomew", 1234567890L, "-");

        assertThat(table.lines()).containsExactly(
                "NAME           RECEIVED  GROUPS",
                "alice                 7  team",
                "bartholomew  1234567890  -");
    }

    @Test
    void noLineEndsInSpaces() {
        Table table = new Table(left("KEY"), left("VALUE")).row("a", "").row("longer key", "x");

        assertThat(table.lines()).allSatisfy(line -> assertThat(line).doesNotEndWith(" "));
        assertThat(table.lines()).containsExactly("KEY         VALUE", "a", "longer key  x");
    }

    @Test
    void aTableWithoutRowsIsItsHeader() {
        Table table = new Table(left("GROUP"), left("MEMBERS"));

        assertThat(table.isEmpty()).isTrue();
        assertThat(table.lines()).containsExactly("GROUP  MEMBERS");
    }

    @Test
    void streamedLinesKeepTheMinimumWidthsAndWidenOnlyWhereACellNeedsIt() {
        Table table = new Table(left("ORIGIN", 6), right("SIZE", 4), left("PAYLOAD"));

        assertThat(table.header()).isEqualTo("ORIGIN  SIZE  PAYLOAD");
        assertThat(table.line("bob", 5, "hello")).isEqualTo("bob        5  hello");
        assertThat(table.line("a-long-name", 12345, "x")).isEqualTo("a-long-name  12345  x");
    }

    @Test
    void aRowMustHaveOneCellPerColumn() {
        Table table = new Table(left("A"), left("B"));

        assertThatThrownBy(() -> table.row("only one")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a row of 2 columns got 1 cells");
    }
}
