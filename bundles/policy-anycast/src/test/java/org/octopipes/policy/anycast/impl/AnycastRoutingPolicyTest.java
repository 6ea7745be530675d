package org.octopipes.policy.anycast.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.octopipes.routing.testkit.TestTable;

class AnycastRoutingPolicyTest {

    private final TestTable table = new TestTable();

    @BeforeEach
    void subscribe() {
        table.add("alice", "workers");
        table.add("bob", "workers");
        table.add("carol", "workers");
        table.add("boss");
    }

    @Test
    void roundRobinGivesEachGroupPacketToExactlyOneMemberInTurn() {
        AnycastRoutingPolicy policy = new AnycastRoutingPolicy(false);
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TestTable.Choice choice = table.send(policy, "boss", "workers");
            assertThat(choice.recipients()).hasSize(1);
            chosen.add(choice.names().get(0));
        }
        assertThat(chosen).containsExactly("alice", "bob", "carol", "alice", "bob", "carol");
    }

    @Test
    void theSenderIsNeverChosenEvenWhenItIsAMember() {
        AnycastRoutingPolicy policy = new AnycastRoutingPolicy(false);
        for (int i = 0; i < 5; i++) {
            assertThat(table.send(policy, "alice", "workers").names()).hasSize(1).doesNotContain("alice");
        }
        table.add("solo", "alone");
        assertThat(table.send(policy, "solo", "alone").recipients()).isEmpty();
    }

    @Test
    void aPacketToAClientsOwnNameGoesToThatClient() {
        AnycastRoutingPolicy policy = new AnycastRoutingPolicy(false);
        for (int i = 0; i < 3; i++) {
            assertThat(table.send(policy, "boss", "bob").names()).containsExactly("bob");
        }
        assertThat(table.send(policy, "bob", "bob").recipients()).as("never back to its sender, as in the spec").isEmpty();
    }

    @Test
    void theServerMayBeTheSender() {
        AnycastRoutingPolicy policy = new AnycastRoutingPolicy(false);
        assertThat(table.send(policy, null, "workers").recipients()).hasSize(1);
    }

    @Test
    void leastQueuedChoosesTheMemberFurthestAheadAndTiesTakeTurns() {
        AnycastRoutingPolicy policy = new AnycastRoutingPolicy(true);
        table.get("alice").setQueuedBytes(500);
        table.get("bob").setQueuedBytes(10);
        table.get("carol").setQueuedBytes(300);
        for (int i = 0; i < 4; i++) {
            assertThat(table.send(policy, "boss", "workers").names()).containsExactly("bob");
        }
        table.get("alice").setQueuedBytes(0);
        table.get("bob").setQueuedBytes(0);
        table.get("carol").setQueuedBytes(0);
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            chosen.add(table.send(policy, "boss", "workers").names().get(0));
        }
        assertThat(chosen).containsExactlyInAnyOrder("alice", "bob", "carol");
    }

    @Test
    void roundRobinStaysFairUnderConcurrentSenders() throws Exception {
        AnycastRoutingPolicy policy = new AnycastRoutingPolicy(false);
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        TestTable.Choice choice = table.send(policy, "boss", "workers");
                        assertThat(choice.recipients()).hasSize(1);
                        counts.computeIfAbsent(choice.names().get(0), k -> new AtomicInteger()).incrementAndGet();
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdown();
        }
        assertThat(counts).containsOnlyKeys("alice", "bob", "carol");
        assertThat(counts.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(400));
    }
}
