package org.octopipes.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plot drawn from result files of the harness's shape: both panels, headless. */
class LoadPlotTest {

    private static final int OCTOPIPES_BLUE = 0x1F77B4;
    private static final int RELAY_ORANGE = 0xFF7F0E;
    private static final String ENVIRONMENT = "\"environment\":{\"started\":\"2026-11-24T02:00:00Z\",\"cpus\":2,\"jdk\":\"test\","
            + "\"loadavg_before\":\"1 1 1\",\"loadavg_after\":\"2 2 2\"}";

    @TempDir
    Path folder;

    @Test
    void drawsBothPanelsFromResultFiles() throws IOException {
        Path sweep = Files.writeString(folder.resolve("sweep.json"), "{\"count\":1000," + ENVIRONMENT + ",\"points\":["
                + point(32, 2_000_000, 3_000_000) + "," + point(4096, 200_000, 300_000) + "]}");
        Path roundTrip = Files.writeString(folder.resolve("rt.json"), "{\"window\":1,\"payload\":32,\"count\":100," + ENVIRONMENT
                + ",\"medians\":{\"octopipes\":{\"p50_us\":22,\"p99_us\":100,\"p999_us\":900},\"c-relay\":{\"p50_us\":18,\"p99_us\":70,\"p999_us\":800}},"
                + "\"ratios\":{\"p50_octopipes_over_c_relay\":1.22},"
                + "\"cdf_us_all_runs\":{\"octopipes\":[[0,15],[50,22],[99,100],[100,900]],\"c-relay\":[[0,12],[50,18],[99,70],[100,800]]}}");
        Path png = folder.resolve("out/plot.png");

        LoadPlot.draw(sweep, roundTrip, png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1440);
        assertThat(image.getHeight()).isEqualTo(600);
        assertThat(countPixels(image, 0, 720, OCTOPIPES_BLUE)).as("octopipes in the throughput panel").isPositive();
        assertThat(countPixels(image, 0, 720, RELAY_ORANGE)).as("the C relay in the throughput panel").isPositive();
        assertThat(countPixels(image, 720, 1440, OCTOPIPES_BLUE)).as("octopipes in the latency panel").isPositive();
    }

    @Test
    void drawsAPlotEvenWhenResultFilesAreMissing() throws IOException {
        Path png = folder.resolve("plot.png");

        LoadPlot.draw(folder.resolve("none.json"), folder.resolve("none-either.json"), png);

        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(1440);
    }

    private static String point(int payload, long ours, long relay) {
        String run = "{\"deliveries_per_s\":%d}";
        return "{\"payload\":" + payload + ",\"ratio\":" + (double) ours / relay + ",\"runs\":{\"octopipes\":[" + run.formatted(ours)
                + "],\"c-relay\":[" + run.formatted(relay) + "]},\"medians\":{\"octopipes\":" + run.formatted(ours) + ",\"c-relay\":"
                + run.formatted(relay) + "}}";
    }

    private static int countPixels(BufferedImage image, int fromX, int toX, int rgb) {
        int count = 0;
        for (int x = fromX; x < toX; x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }
}
