package org.octopipes.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketLocationTest {

    @Test
    void theEnvironmentVariableWins() {
        assertThat(SocketLocation.defaultPath(Map.of("OCTOPIPES_SOCKET", " /x/y.sock "), "/srv/c/cap.fifo", "/tmp", "ann"))
                .isEqualTo(Path.of("/x/y.sock"));
    }

    @Test
    void aServerPutsItBesideTheCapItIsConfiguredWith() {
        assertThat(SocketLocation.defaultPath(Map.of("OCTOPIPES_CAP", "/srv/o/cap.fifo"), "/srv/c/cap.fifo", "/tmp", "ann"))
                .isEqualTo(Path.of("/srv/c/octopipes.sock"));
    }

    @Test
    void elseBesideTheDefaultCap() {
        assertThat(SocketLocation.defaultPath(Map.of("OCTOPIPES_CAP", "/srv/o/cap.fifo"), null, "/tmp", "ann"))
                .isEqualTo(Path.of("/srv/o/octopipes.sock"));
        assertThat(SocketLocation.defaultPath(Map.of("XDG_RUNTIME_DIR", "/run/user/7"), " ", "/tmp", "ann"))
                .isEqualTo(Path.of("/run/user/7/octopipes/octopipes.sock"));
        assertThat(SocketLocation.defaultPath(Map.of(), null, "/tmp", "ann")).isEqualTo(Path.of("/tmp/octopipes-ann/octopipes.sock"));
    }
}
