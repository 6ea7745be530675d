package org.octopipes.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The harness's arithmetic: what its medians, distributions and plot scales are made of. */
class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        assertThat(Stats.median(5, 1, 3)).isEqualTo(3);
        assertThat(Stats.median(2.5)).isEqualTo(2.5);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(Stats.median(4, 1, 3, 100)).isEqualTo(3.5);
    }

    @Test
    void medianLeavesItsArgumentAsItWas() {
        double[] values = {3, 1, 2};
        Stats.median(values);
        assertThat(values).containsExactly(3, 1, 2);
    }

    @Test
    void medianOfNothingIsNotANumber() {
        assertThat(Stats.median()).isNaN();
    }

    @Test
    void cdfRisesFromTheSmallestToTheLargestValueAndEndsAtOneHundredPercent() {
        Histogram nanos = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (int micros = 1; micros <= 1000; micros++) {
            nanos.recordValue(micros * 1000L);
        }
        List<double[]> cdf = Stats.cdfMicros(nanos, 5);
        assertThat(cdf).isNotEmpty();
        for (int i = 1; i < cdf.size(); i++) {
            assertThat(cdf.get(i)[0]).isGreaterThanOrEqualTo(cdf.get(i - 1)[0]);
            assertThat(cdf.get(i)[1]).isGreaterThanOrEqualTo(cdf.get(i - 1)[1]);
        }
        double[] last = cdf.get(cdf.size() - 1);
        assertThat(last[0]).isEqualTo(100.0);
        assertThat(last[1]).isCloseTo(1000.0, within(1.0));
        double[] half = cdf.stream().filter(p -> p[0] >= 50).findFirst().orElseThrow();
        assertThat(half[1]).isCloseTo(500.0, within(1.0));
    }

    @Test
    void cdfOfAnEmptyHistogramHasNoPoints() {
        assertThat(Stats.cdfMicros(new Histogram(3), 5)).isEmpty();
    }

    @Test
    void plotScalesEndAtOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(LoadPlot.niceCeiling(3.1)).isEqualTo(5);
        assertThat(LoadPlot.niceCeiling(0.17)).isCloseTo(0.2, within(1e-12));
        assertThat(LoadPlot.niceCeiling(10)).isEqualTo(10);
        assertThat(LoadPlot.niceCeiling(2.2)).isEqualTo(2.5);
    }

    @Test
    void instancesAreNumberedOnlyWhenThereAreSeveral() {
        assertThat(LoadClient.instanceName("sub", 0, 1)).isEqualTo("sub");
        assertThat(LoadClient.instanceName("sub", 7, 10)).isEqualTo("sub7");
    }
}
