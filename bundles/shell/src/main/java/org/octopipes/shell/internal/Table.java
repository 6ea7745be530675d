package org.octopipes.shell.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of text in aligned columns under a header row: the one output layout of every command.
 * A whole table is laid out at once ({@link #print}); a stream of rows, such as the monitor's, is
 * laid out row by row ({@link #header()}, {@link #line}) with each column at least its minimum width.
 */
final class Table {

    /** Between two columns. */
    private static final String GAP = "  ";

    /** A column: its header, whether its cells are right-aligned (numbers), and its narrowest width. */
    record Column(String header, boolean rightAligned, int minimumWidth) {

        /** Left-aligned, for names and text. */
        static Column left(String header) {
            return new Column(header, false, 0);
        }

        /** Left-aligned and at least {@code minimumWidth} wide, so that streamed rows line up. */
        static Column left(String header, int minimumWidth) {
            return new Column(header, false, minimumWidth);
        }

        /** Right-aligned, for numbers. */
        static Column right(String header) {
            return new Column(header, true, 0);
        }

        /** Right-aligned and at least {@code minimumWidth} wide. */
        static Column right(String header, int minimumWidth) {
            return new Column(header, true, minimumWidth);
        }
    }

    private final List<Column> columns;
    private final List<String[]> rows = new ArrayList<>();

    Table(Column... columns) {
        this.columns = List.of(columns);
    }

    /** Adds a row: one cell per column, each shown with {@link String#valueOf(Object)}. */
    Table row(Object... cells) {
        rows.add(texts(cells));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The header and every row, each column as wide as its widest cell. */
    List<String> lines() {
        int[] widths = headerWidths();
        for (String[] row : rows) {
            widen(widths, row);
        }
        List<String> lines = new ArrayList<>(rows.size() + 1);
        lines.add(layout(headers(), widths));
        for (String[] row : rows) {
            lines.add(layout(row, widths));
        }
        return lines;
    }

    void print(PrintStream out) {
        for (String line : lines()) {
            out.println(line);
        }
    }

    /** The header row alone, for a table streamed row by row. */
    String header() {
        return layout(headers(), headerWidths());
    }

    /** One row laid out on its own: columns at their minimum width, wider only where this row needs it. */
    String line(Object... cells) {
        String[] row = texts(cells);
        int[] widths = headerWidths();
        widen(widths, row);
        return layout(row, widths);
    }

    private String[] headers() {
        return columns.stream().map(Column::header).toArray(String[]::new);
    }

    private int[] headerWidths() {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = Math.max(columns.get(i).header().length(), columns.get(i).minimumWidth());
        }
        return widths;
    }

    private String[] texts(Object[] cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("a row of " + columns.size() + " columns got " + cells.length + " cells");
        }
        String[] texts = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            texts[i] = String.valueOf(cells[i]);
        }
        return texts;
    }

    private static void widen(int[] widths, String[] row) {
        for (int i = 0; i < row.length; i++) {
            widths[i] = Math.max(widths[i], row[i].length());
        }
    }

    private String layout(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append(GAP);
            }
            String padding = " ".repeat(widths[i] - cells[i].length());
            if (columns.get(i).rightAligned()) {
                line.append(padding).append(cells[i]);
            } else {
                line.append(cells[i]).append(padding);
            }
        }
        // Padding after the last cell only makes lines longer than the terminal needs.
        return line.toString().stripTrailing();
    }
}
