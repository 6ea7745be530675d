package org.octopipes.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.octopipes.codec.Name;

class ClientCommandsTest {

    private final RecordingBroker broker = new RecordingBroker();
    private final CapturedOutput output = new CapturedOutput();
    private final ClientCommands commands = new ClientCommands(broker, output);

    @Test
    void clientsIsATableOfEveryClientWithItsGroupsAndCounters() {
        broker.withClient("alice", "team").withClient("bob", "team", "ops");

        commands.clients();

        assertThat(output.lines()).hasSize(3);
        assertThat(output.lines().get(0)).matches("NAME +GROUPS +TRANSPORT +PEER +QUEUED +QUEUED BYTES +RECEIVED +DELIVERED +DROPPED +IDLE");
        assertThat(output.lines().get(1)).matches("alice +team +fifo +- +0 +0 +3 +5 +1 +\\d+s");
        assertThat(output.lines().get(2)).matches("bob +ops, team +fifo +- +0 +0 +3 +5 +1 +\\d+s");
    }

    @Test
    void clientsSaysSoWhenNobodyIsSubscribed() {
        commands.clients();

        assertThat(output.lines()).containsExactly("no client is subscribed");
    }

    @Test
    void clientShowsOneClientAndItsDropsByReason() {
        broker.withClient("alice", "team");

        commands.client("alice");

        assertThat(output.lines()).contains("name           alice", "groups         team", "transport      fifo",
                "address        /run/alice_rx.fifo", "peer           unknown (fifo cannot tell)", "queued         0 packets, 0 bytes", "received       3", "delivered      5");
        assertThat(output.lines()).anySatisfy(line -> assertThat(line).matches("NO_RECIPIENT +1"));
        assertThat(output.lines()).anySatisfy(line -> assertThat(line).matches("QUEUE_FULL +0"));
    }

    @Test
    void anUnknownClientIsAOneLineError() {
        assertThatThrownBy(() -> commands.client("nobody"))
                .isInstanceOf(CommandException.class)
                .hasMessage("no client is subscribed as 'nobody'");
        assertThatThrownBy(() -> commands.kick("nobody")).hasMessage("no client is subscribed as 'nobody'");
        assertThatThrownBy(() -> commands.subscribe("nobody", "team")).hasMessage("no client is subscribed as 'nobody'");
        assertThat(output.lines()).isEmpty();
    }

    @Test
    void groupsListsEachGroupAndItsMembers() {
        broker.withClient("alice", "team").withClient("bob", "team", "ops");

        commands.groups();

        assertThat(output.lines()).containsExactly(
                "GROUP  MEMBERS  NAMES",
                "ops          1  bob",
                "team         2  alice, bob");
    }

    @Test
    void subscribeAndUnsubscribeChangeALiveClientsGroupsAndSayWhatTheyAreNow() {
        broker.withClient("alice", "team");

        commands.subscribe("alice", "ops", "night");
        commands.unsubscribe("alice", "team");

        assertThat(broker.client(Name.of("alice")).orElseThrow().groups()).containsExactlyInAnyOrder(Name.of("ops"), Name.of("night"));
        assertThat(output.lines()).containsExactly("alice: groups night, ops, team", "alice: groups night, ops");
    }

    @Test
    void aBadGroupNameChangesNothing() {
        broker.withClient("alice", "team");

        assertThatThrownBy(() -> commands.subscribe("alice", "ops", "")).isInstanceOf(CommandException.class)
                .hasMessage("bad group name '': the empty name is the server's");
        assertThat(broker.client(Name.of("alice")).orElseThrow().groups()).containsExactly(Name.of("team"));
    }

    @Test
    void kickRemovesTheClient() {
        broker.withClient("alice");

        commands.kick("alice");

        assertThat(broker.clients()).isEmpty();
        assertThat(output.lines()).containsExactly("kicked alice");
    }
}
