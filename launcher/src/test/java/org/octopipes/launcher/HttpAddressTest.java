package org.octopipes.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --http [HOST:]PORT} as typed, and the port read back from the HTTP runtime's endpoint. */
class HttpAddressTest {

    @Test
    void aPortAloneIsOnTheLoopback() throws Exception {
        assertThat(HttpAddress.parse("8181")).isEqualTo(new HttpAddress("127.0.0.1", 8181));
    }

    @Test
    void aHostAndPortAndABracketedIpv6AddressAreTakenAsGiven() throws Exception {
        assertThat(HttpAddress.parse("0.0.0.0:8181")).isEqualTo(new HttpAddress("0.0.0.0", 8181));
        assertThat(HttpAddress.parse("[::1]:0")).isEqualTo(new HttpAddress("::1", 0));
        assertThat(new HttpAddress("::1", 0).url(4242)).isEqualTo("http://[::1]:4242");
    }

    @Test
    void badValuesSayWhatIsWrong() {
        assertThatThrownBy(() -> HttpAddress.parse("localhost:http")).hasMessage("--http localhost:http: 'http' is not a port number");
        assertThatThrownBy(() -> HttpAddress.parse("-1")).hasMessage("--http -1: the port must be from 0 to 65535");
        assertThatThrownBy(() -> HttpAddress.parse(":8181")).hasMessageContaining("the host before ':' is empty");
        assertThatThrownBy(() -> HttpAddress.parse("::1:8181")).hasMessageContaining("write an IPv6 address in brackets");
    }

    @Test
    void theBoundPortIsReadFromTheRuntimesEndpointWhateverItsForm() {
        assertThat(HttpAnnouncer.boundPort(new String[] {"http://127.0.0.1:43541/"})).isEqualTo(43541);
        // Felix HTTP writes an IPv6 host without brackets.
        assertThat(HttpAnnouncer.boundPort("http://::1:46571/")).isEqualTo(46571);
        assertThat(HttpAnnouncer.boundPort(List.of("http://[::1]:8181/"))).isEqualTo(8181);
        assertThat(HttpAnnouncer.boundPort(new String[0])).isEqualTo(-1);
        assertThat(HttpAnnouncer.boundPort(null)).isEqualTo(-1);
    }
}
