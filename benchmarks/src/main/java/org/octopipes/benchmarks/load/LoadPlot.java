package org.octopipes.benchmarks.load;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the harness's results as one PNG, with Java2D only: throughput against payload size
 * (the {@code sweep} scenario: every run as a dot, the medians as lines, the ratio over each
 * size) and the round-trip latency distribution (the {@code round-trip} scenario, all runs of a
 * system merged). Runs headless.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.octopipes.benchmarks.load.LoadPlot \
 *     benchmarks/target/load-sweep.json benchmarks/target/load-round-trip.json out.png
 * </pre>
 */
public final class LoadPlot {

    private static final int PANEL_WIDTH = 720;
    private static final int HEIGHT = 600;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 110;
    private static final Map<String, Color> COLORS = Map.of("octopipes", new Color(0x1F77B4), "c-relay", new Color(0xFF7F0E),
            "mosquitto", new Color(0x2CA02C));
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private LoadPlot() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: LoadPlot SWEEP.json ROUND-TRIP.json OUT.png");
        }
        draw(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
    }

    static void draw(Path sweepJson, Path roundTripJson, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        Graphics2D left = (Graphics2D) g.create(0, 0, PANEL_WIDTH, HEIGHT);
        Graphics2D right = (Graphics2D) g.create(PANEL_WIDTH, 0, PANEL_WIDTH, HEIGHT);
        if (Files.isRegularFile(sweepJson)) {
            throughputPanel(left, read(sweepJson));
        } else {
            missing(left, sweepJson);
        }
        if (Files.isRegularFile(roundTripJson)) {
            latencyPanel(right, read(roundTripJson));
        } else {
            missing(right, roundTripJson);
        }
        g.dispose();
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private static JsonObject read(Path json) throws IOException {
        return JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    }

    private static void missing(Graphics2D g, Path json) {
        g.setColor(Color.DARK_GRAY);
        g.setFont(LABEL);
        g.drawString("no results at " + json, LEFT, HEIGHT / 2);
    }

    // ---- Throughput against payload size

    private static void throughputPanel(Graphics2D g, JsonObject sweep) {
        JsonArray points = sweep.getAsJsonArray("points");
        List<Integer> payloads = new ArrayList<>();
        double top = 0;
        for (JsonElement point : points) {
            JsonObject p = point.getAsJsonObject();
            payloads.add(p.get("payload").getAsInt());
            for (Map.Entry<String, JsonElement> system : p.getAsJsonObject("runs").entrySet()) {
                for (JsonElement run : system.getValue().getAsJsonArray()) {
                    top = Math.max(top, run.getAsJsonObject().get("deliveries_per_s").getAsDouble() / 1e6);
                }
            }
        }
        double yMax = niceCeiling(top * 1.12);
        double xMin = log2(payloads.get(0)) - 0.4;
        double xMax = log2(payloads.get(payloads.size() - 1)) + 0.4;
        Axes axes = new Axes(xMin, xMax, 0, yMax);
        title(g, "One-to-one throughput vs payload size", "medians of " + runCount(points) + " alternated runs (dots: each run)");
        g.setFont(SMALL);
        for (int payload : payloads) {
            axes.xTick(g, log2(payload), payload >= 1024 ? (payload / 1024) + " KiB" : payload + " B");
        }
        for (double y : ticks(0, yMax)) {
            axes.yTick(g, y, String.format(Locale.ROOT, y == Math.rint(y) ? "%.0f" : "%.1f", y));
        }
        axes.xLabel(g, "payload per packet (log scale)");
        axes.yLabel(g, "deliveries/s (millions)");
        axes.frame(g);
        int legendRow = 0;
        for (String system : List.of("octopipes", "c-relay")) {
            Color color = COLORS.get(system);
            Path2D line = new Path2D.Double();
            boolean first = true;
            for (JsonElement point : points) {
                JsonObject p = point.getAsJsonObject();
                double x = axes.x(log2(p.get("payload").getAsInt()));
                JsonArray runs = p.getAsJsonObject("runs").getAsJsonArray(system);
                if (runs == null) {
                    continue;
                }
                g.setColor(translucent(color));
                for (JsonElement run : runs) {
                    double y = axes.y(run.getAsJsonObject().get("deliveries_per_s").getAsDouble() / 1e6);
                    g.fillOval((int) x - 3, (int) y - 3, 7, 7);
                }
                double median = p.getAsJsonObject("medians").getAsJsonObject(system).get("deliveries_per_s").getAsDouble() / 1e6;
                if (first) {
                    line.moveTo(x, axes.y(median));
                    first = false;
                } else {
                    line.lineTo(x, axes.y(median));
                }
                g.setColor(color);
                g.fillRect((int) x - 4, (int) axes.y(median) - 4, 9, 9);
                if (system.equals("octopipes")) {
                    g.setFont(SMALL);
                    g.setColor(Color.BLACK);
                    g.drawString(String.format(Locale.ROOT, "%.2fx", p.get("ratio").getAsDouble()), (int) x + 8, (int) axes.y(median) - 8);
                }
            }
            g.setColor(color);
            g.setStroke(new BasicStroke(2.2f));
            g.draw(line);
            g.setStroke(new BasicStroke(1));
            legend(g, TOP + 18 + 18 * legendRow++, 290, color, system.equals("c-relay") ? "C relay (baseline)" : "octopipes");
        }
        g.setFont(SMALL);
        g.setColor(Color.DARK_GRAY);
        g.drawString("ratio = octopipes / C relay, medians", PANEL_WIDTH - RIGHT - 220, TOP + 14 + 2 * 18 + 4);
        footer(g, sweep, String.format(Locale.ROOT, "%,d packets a run", sweep.get("count").getAsLong()));
    }

    // ---- Round-trip latency distribution

    private static void latencyPanel(Graphics2D g, JsonObject roundTrip) {
        JsonObject cdfs = roundTrip.getAsJsonObject("cdf_us_all_runs");
        double low = Double.MAX_VALUE;
        double high = 0;
        for (Map.Entry<String, JsonElement> system : cdfs.entrySet()) {
            for (JsonElement point : system.getValue().getAsJsonArray()) {
                double micros = point.getAsJsonArray().get(1).getAsDouble();
                if (micros > 0) {
                    low = Math.min(low, micros);
                    high = Math.max(high, micros);
                }
            }
        }
        double xMin = Math.floor(Math.log10(low));
        double xMax = Math.ceil(Math.log10(high));
        Axes axes = new Axes(xMin, xMax, 0, 100);
        JsonObject medians = roundTrip.getAsJsonObject("medians");
        title(g, "Round-trip latency, cumulative distribution", String.format(Locale.ROOT,
                "window %d, %d B payload, %,d timed round trips a run, all runs merged", roundTrip.get("window").getAsInt(),
                roundTrip.get("payload").getAsInt(), roundTrip.get("count").getAsLong()));
        g.setFont(SMALL);
        for (double decade = xMin; decade <= xMax; decade++) {
            double value = Math.pow(10, decade);
            axes.xTick(g, decade, value >= 1e6 ? String.format(Locale.ROOT, "%.0f s", value / 1e6)
                    : value >= 1000 ? String.format(Locale.ROOT, "%.0f ms", value / 1000) : String.format(Locale.ROOT, "%.0f us", value));
            for (int k = 2; k < 10 && decade < xMax; k++) {
                axes.minorXTick(g, decade + Math.log10(k));
            }
        }
        for (int y = 0; y <= 100; y += 10) {
            axes.yTick(g, y, y + "%");
        }
        Stroke dashed = new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0);
        g.setStroke(dashed);
        g.setColor(Color.GRAY);
        for (double level : new double[] {50, 99}) {
            g.drawLine((int) axes.x(xMin), (int) axes.y(level), (int) axes.x(xMax), (int) axes.y(level));
        }
        g.setStroke(new BasicStroke(1));
        axes.xLabel(g, "round trip (log scale)");
        axes.yLabel(g, "share of round trips at or below");
        axes.frame(g);
        int legendRow = 0;
        for (Map.Entry<String, JsonElement> system : cdfs.entrySet()) {
            Color color = COLORS.getOrDefault(system.getKey(), Color.BLACK);
            Path2D line = new Path2D.Double();
            boolean first = true;
            for (JsonElement point : system.getValue().getAsJsonArray()) {
                JsonArray p = point.getAsJsonArray();
                double x = axes.x(Math.log10(Math.max(p.get(1).getAsDouble(), Math.pow(10, xMin))));
                double y = axes.y(p.get(0).getAsDouble());
                if (first) {
                    line.moveTo(x, y);
                    first = false;
                } else {
                    line.lineTo(x, y);
                }
            }
            g.setColor(color);
            g.setStroke(new BasicStroke(2.2f));
            g.draw(line);
            g.setStroke(new BasicStroke(1));
            JsonObject median = medians.getAsJsonObject(system.getKey());
            String name = system.getKey().equals("c-relay") ? "C relay" : system.getKey();
            // Bottom right: the curves rise on the left and run along the top.
            legend(g, HEIGHT - BOTTOM - 14 - 18 * (cdfs.size() - 1 - legendRow++), 360, color, String.format(Locale.ROOT,
                    "%s: p50 %.1f, p99 %.1f, p99.9 %.1f us", name, median.get("p50_us").getAsDouble(), median.get("p99_us").getAsDouble(),
                    median.get("p999_us").getAsDouble()));
        }
        JsonObject ratios = roundTrip.getAsJsonObject("ratios");
        footer(g, roundTrip, ratios.has("p50_octopipes_over_c_relay")
                ? String.format(Locale.ROOT, "p50 octopipes / C relay %.2f (medians of runs)", ratios.get("p50_octopipes_over_c_relay").getAsDouble())
                : "");
    }

    // ---- Drawing helpers

    /** The plot area of a panel and its mapping from data to pixels. */
    private record Axes(double xMin, double xMax, double yMin, double yMax) {
        double x(double value) {
            return LEFT + (value - xMin) / (xMax - xMin) * (PANEL_WIDTH - LEFT - RIGHT);
        }

        double y(double value) {
            return HEIGHT - BOTTOM - (value - yMin) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM);
        }

        void frame(Graphics2D g) {
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, PANEL_WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        }

        void xTick(Graphics2D g, double value, String label) {
            int x = (int) x(value);
            g.setColor(new Color(0xE0E0E0));
            g.drawLine(x, TOP + 1, x, HEIGHT - BOTTOM - 1);
            g.setColor(Color.BLACK);
            g.drawLine(x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 5);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, HEIGHT - BOTTOM + 19);
        }

        void minorXTick(Graphics2D g, double value) {
            int x = (int) x(value);
            g.setColor(Color.BLACK);
            g.drawLine(x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 3);
        }

        void yTick(Graphics2D g, double value, String label) {
            int y = (int) y(value);
            g.setColor(new Color(0xE0E0E0));
            g.drawLine(LEFT + 1, y, PANEL_WIDTH - RIGHT - 1, y);
            g.setColor(Color.BLACK);
            g.drawLine(LEFT - 5, y, LEFT, y);
            g.drawString(label, LEFT - 9 - g.getFontMetrics().stringWidth(label), y + 4);
        }

        void xLabel(Graphics2D g, String label) {
            g.setFont(LABEL);
            g.setColor(Color.BLACK);
            g.drawString(label, LEFT + (PANEL_WIDTH - LEFT - RIGHT - g.getFontMetrics().stringWidth(label)) / 2, HEIGHT - BOTTOM + 42);
        }

        void yLabel(Graphics2D g, String label) {
            g.setFont(LABEL);
            g.setColor(Color.BLACK);
            Graphics2D turned = (Graphics2D) g.create();
            turned.translate(24, TOP + (HEIGHT - TOP - BOTTOM + turned.getFontMetrics().stringWidth(label)) / 2);
            turned.rotate(-Math.PI / 2);
            turned.drawString(label, 0, 0);
            turned.dispose();
        }
    }

    private static void title(Graphics2D g, String title, String subtitle) {
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString(title, LEFT, 26);
        g.setFont(SMALL);
        g.setColor(Color.DARK_GRAY);
        g.drawString(subtitle, LEFT, 45);
    }

    private static void legend(Graphics2D g, int y, int width, Color color, String text) {
        int x = PANEL_WIDTH - RIGHT - width;
        g.setColor(color);
        g.fillRect(x, y - 9, 22, 4);
        g.setFont(LABEL);
        g.setColor(Color.BLACK);
        g.drawString(text, x + 30, y - 3);
    }

    /** What the figures were measured on, from the results file: nobody should read a plot without it. */
    private static void footer(Graphics2D g, JsonObject results, String extra) {
        JsonObject environment = results.getAsJsonObject("environment");
        g.setFont(SMALL);
        g.setColor(Color.DARK_GRAY);
        if (environment != null) {
            g.drawString(String.format(Locale.ROOT, "measured %s, %d CPUs, %s", environment.get("started").getAsString().replaceFirst("\\.\\d+Z$", "Z"),
                    environment.get("cpus").getAsInt(), environment.get("jdk").getAsString()), LEFT, HEIGHT - 40);
            g.drawString("load average (1/5/15 min) before " + environment.get("loadavg_before").getAsString() + ", after "
                    + (environment.has("loadavg_after") ? environment.get("loadavg_after").getAsString() : "?"), LEFT, HEIGHT - 24);
        }
        if (!extra.isEmpty()) {
            g.drawString(extra, LEFT, HEIGHT - 8);
        }
    }

    private static Color translucent(Color color) {
        return new Color(color.getRed(), color.getGreen(), color.getBlue(), 110);
    }

    private static int runCount(JsonArray points) {
        return points.get(0).getAsJsonObject().getAsJsonObject("runs").getAsJsonArray("octopipes").size();
    }

    private static double log2(double value) {
        return Math.log(value) / Math.log(2);
    }

    /** The next 1, 2, 2.5 or 5 times a power of ten at or above {@code value}. */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * power >= value - 1e-12) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static List<Double> ticks(double min, double max) {
        double span = max - min;
        double step = niceCeiling(span / 6);
        List<Double> ticks = new ArrayList<>();
        for (double t = min; t <= max + 1e-9; t += step) {
            ticks.add(t);
        }
        return ticks;
    }
}
