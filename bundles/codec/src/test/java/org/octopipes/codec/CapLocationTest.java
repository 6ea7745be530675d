package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapLocationTest {

    @Test
    void theEnvironmentVariableWins() {
        assertThat(CapLocation.defaultPath(Map.of("OCTOPIPES_CAP", "/srv/cap", "XDG_RUNTIME_DIR", "/run/user/7"), "/tmp", "ann"))
                .isEqualTo(Path.of("/srv/cap"));
    }

    @Test
    void theUsersRuntimeFolderComesNext() {
        assertThat(CapLocation.defaultPath(Map.of("XDG_RUNTIME_DIR", "/run/user/7"), "/tmp", "ann"))
                .isEqualTo(Path.of("/run/user/7/octopipes/cap.fifo"));
    }

    @Test
    void elseAFolderOfTheUsersOwnInTheTempFolder() {
        assertThat(CapLocation.defaultPath(Map.of(), "/tmp", "ann")).isEqualTo(Path.of("/tmp/octopipes-ann/cap.fifo"));
    }
}
