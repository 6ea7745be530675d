package org.octopipes.codec.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The committed seed files are exactly what {@link SeedCorpus} makes from the protocol vectors. */
class SeedCorpusTest {

    @Test
    void theCommittedSeedsAreTheVectors() throws IOException {
        Map<String, byte[]> seeds = SeedCorpus.seeds();
        assertThat(seeds).hasSizeGreaterThan(60);
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            try (InputStream in = getClass().getResourceAsStream(seed.getKey())) {
                assertThat(in).as(seed.getKey() + " (regenerate with SeedCorpus.main)").isNotNull();
                assertThat(in.readAllBytes()).as(seed.getKey()).isEqualTo(seed.getValue());
            }
        }
    }
}
