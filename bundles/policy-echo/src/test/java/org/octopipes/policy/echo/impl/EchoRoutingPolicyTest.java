package org.octopipes.policy.echo.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.octopipes.routing.testkit.TestTable;

class EchoRoutingPolicyTest {

    private final EchoRoutingPolicy policy = new EchoRoutingPolicy();
    private final TestTable table = new TestTable();

    @BeforeEach
    void subscribe() {
        table.add("alice", "team");
        table.add("bob", "team");
        table.add("carol");
    }

    @Test
    void theSenderReceivesItsOwnGroupPacket() {
        assertThat(table.send(policy, "alice", "team").names()).containsExactly("alice", "bob");
    }

    @Test
    void aPacketToAClientGoesToThatClient() {
        assertThat(table.send(policy, "alice", "carol").names()).containsExactly("carol");
    }

    @Test
    void aGroupTheSenderIsNotInGoesToItsMembersOnly() {
        assertThat(table.send(policy, "carol", "team").names()).containsExactly("alice", "bob");
    }

    @Test
    void nobodySubscribedMeansNobodyReceives() {
        TestTable.Choice choice = table.send(policy, "alice", "nobody");
        assertThat(choice.recipients()).isEmpty();
        assertThat(choice.denial()).isNull();
    }
}
