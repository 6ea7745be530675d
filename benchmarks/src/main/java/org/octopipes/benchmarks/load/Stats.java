package org.octopipes.benchmarks.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

/** The few statistics the harness reports: medians of runs and a histogram's distribution. */
final class Stats {

    private Stats() {
    }

    /** The median: the middle value, or the mean of the two middle ones; NaN for no values. */
    static double median(double... values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * The cumulative distribution of a histogram of nanoseconds as points (percentile, microseconds),
     * denser towards the tail: {@code ticksPerHalfDistance} points between each halving of what is
     * left above (50%, 75%, 87.5%, ...), ending at 100% and the largest value.
     */
    static List<double[]> cdfMicros(AbstractHistogram nanos, int ticksPerHalfDistance) {
        List<double[]> points = new ArrayList<>();
        if (nanos.getTotalCount() == 0) {
            return points;
        }
        for (HistogramIterationValue value : nanos.percentiles(ticksPerHalfDistance)) {
            points.add(new double[] {value.getPercentileLevelIteratedTo(), value.getValueIteratedTo() / 1e3});
        }
        return points;
    }
}
