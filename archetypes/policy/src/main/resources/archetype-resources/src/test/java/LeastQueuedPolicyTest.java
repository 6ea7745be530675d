package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.octopipes.codec.Name;
import org.octopipes.routing.testkit.TestTable;

/** The policy on the routing test kit's table in memory: real frames, no server. */
class LeastQueuedPolicyTest {

    private final TestTable table = new TestTable();
    private final LeastQueuedPolicy policy = new LeastQueuedPolicy("worker-*");

    @BeforeEach
    void subscribe() {
        table.add("worker-1", "jobs");
        table.add("worker-2", "jobs");
        table.add("auditor", "jobs");
        table.add("alice", "chat");
        table.add("bob", "chat");
    }

    @Test
    void aGroupPacketGoesToTheMatchingMemberWithTheFewestQueuedBytes() {
        table.get("worker-1").setQueuedBytes(4096);
        table.get("worker-2").setQueuedBytes(16);

        for (int i = 0; i < 4; i++) {
            assertThat(table.send(policy, "alice", "jobs").names()).containsExactly("worker-2");
        }
        table.get("worker-2").setQueuedBytes(65536);
        assertThat(table.send(policy, "alice", "jobs").names()).containsExactly("worker-1");
    }

    @Test
    void matchingMembersWithEqualQueuesTakeTurns() {
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            chosen.addAll(table.send(policy, "alice", "jobs").names());
        }
        assertThat(chosen).hasSize(6).containsOnly("worker-1", "worker-2");
        assertThat(chosen.stream().filter("worker-1"::equals).count()).isEqualTo(3);
    }

    @Test
    void theSenderIsNeverChosenEvenWhenItMatches() {
        for (int i = 0; i < 4; i++) {
            assertThat(table.send(policy, "worker-1", "jobs").names()).containsExactly("worker-2");
        }
    }

    @Test
    void aGroupWithoutAMatchingMemberIsRoutedAsSpecRoutesIt() {
        assertThat(table.send(policy, "alice", "chat").names()).containsExactly("bob");
        assertThat(table.send(policy, "worker-1", "chat").names()).containsExactly("alice", "bob");
    }

    @Test
    void aPacketToAClientsOwnNameGoesToThatClient() {
        assertThat(table.send(policy, "alice", "auditor").names()).containsExactly("auditor");
        assertThat(table.send(policy, "alice", "nobody").recipients()).isEmpty();
    }

    @Test
    void thePatternMatchesByteByByte() {
        assertThat(LeastQueuedPolicy.matches(bytes("worker-*"), Name.of("worker-12"))).isTrue();
        assertThat(LeastQueuedPolicy.matches(bytes("worker-*"), Name.of("worker"))).isFalse();
        assertThat(LeastQueuedPolicy.matches(bytes("*-?"), Name.of("a-b-c"))).isTrue();
        assertThat(LeastQueuedPolicy.matches(bytes("*-?"), Name.of("a-bc"))).isFalse();
        assertThat(LeastQueuedPolicy.matches(bytes("*"), Name.of("anything"))).isTrue();
    }

    @Test
    void anEmptyPatternIsRefusedWithAReason() {
        assertThatThrownBy(() -> new LeastQueuedPolicy(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("members");
    }

    private static byte[] bytes(String pattern) {
        return pattern.getBytes(StandardCharsets.UTF_8);
    }
}
