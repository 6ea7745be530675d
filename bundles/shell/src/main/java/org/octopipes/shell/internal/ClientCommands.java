package org.octopipes.shell.internal;

import static org.octopipes.shell.internal.Table.Column.left;
import static org.octopipes.shell.internal.Table.Column.right;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.felix.service.command.Descriptor;
import org.octopipes.api.Broker;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.DropReason;
import org.octopipes.api.TrafficCounters;
import org.octopipes.api.UnknownClientException;
import org.octopipes.codec.Name;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The commands about clients and their groups: list them, change a live client's groups, kick one. */
@Component(service = ClientCommands.class, property = {
    ShellScope.PROPERTY,
    ShellScope.FUNCTION + "clients",
    ShellScope.FUNCTION + "client",
    ShellScope.FUNCTION + "groups",
    ShellScope.FUNCTION + "subscribe",
    ShellScope.FUNCTION + "unsubscribe",
    ShellScope.FUNCTION + "kick"})
public final class ClientCommands {

    private final Broker broker;
    private final Supplier<PrintStream> out;

    @Activate
    public ClientCommands(@Reference(name = "broker") Broker broker) {
        // Looked up at each call: Gogo and Karaf route System.out to the session running the command.
        this(broker, () -> System.out);
    }

    ClientCommands(Broker broker, Supplier<PrintStream> out) {
        this.broker = broker;
        this.out = out;
    }

    @Descriptor("lists the subscribed clients: groups, transport, peer (user/pid, over the Unix socket), queued packets and bytes, packets received from"
            + " each, delivered and dropped on the way to each, and how long each has been idle")
    public void clients() {
        Instant now = Instant.now();
        Table table = new Table(left("NAME"), left("GROUPS"), left("TRANSPORT"), left("PEER"), right("QUEUED"), right("QUEUED BYTES"),
                right("RECEIVED"), right("DELIVERED"), right("DROPPED"), right("IDLE"));
        for (ClientInfo client : broker.clients()) {
            TrafficCounters counters = client.counters();
            table.row(Display.name(client.name()), Display.names(client.groups()), client.transport(), Display.peer(client.credentials()),
                    client.queuedPackets(),
                    client.queuedBytes(), counters.received(), counters.delivered(), counters.droppedTotal(),
                    Display.elapsed(Duration.between(client.lastActivity(), now)));
        }
        if (table.isEmpty()) {
            out.get().println("no client is subscribed");
        } else {
            table.print(out.get());
        }
    }

    @Descriptor("shows everything the server knows about one client, with its drops by reason")
    public void client(@Descriptor("the client's name") String name) {
        Name wanted = CommandArguments.clientName(name);
        ClientInfo client = broker.client(wanted).orElseThrow(() -> unknown(wanted));
        Instant now = Instant.now();
        TrafficCounters counters = client.counters();
        PrintStream console = out.get();
        new Table(left("FIELD"), left("VALUE"))
                .row("name", Display.name(client.name()))
                .row("groups", Display.names(client.groups()))
                .row("transport", client.transport())
                .row("address", client.address())
                .row("peer", client.credentials().map(Object::toString).orElse("unknown (" + client.transport() + " cannot tell)"))
                .row("subscribed", Display.dateTime(client.subscribedAt()) + " ("
                        + Display.elapsed(Duration.between(client.subscribedAt(), now)) + " ago)")
                .row("last activity", Display.dateTime(client.lastActivity()) + " (idle "
                        + Display.elapsed(Duration.between(client.lastActivity(), now)) + ")")
                .row("queued", Display.count(client.queuedPackets(), "packet") + ", " + Display.count(client.queuedBytes(), "byte"))
                .row("received", counters.received())
                .row("routed", counters.routed())
                .row("delivered", counters.delivered())
                .row("dropped", counters.droppedTotal())
                .print(console);
        console.println();
        Table drops = new Table(left("DROP REASON"), right("PACKETS"));
        for (DropReason reason : DropReason.values()) {
            drops.row(reason, counters.dropped(reason));
        }
        drops.print(console);
    }

    @Descriptor("lists each group that has members, and its members")
    public void groups() {
        Table table = new Table(left("GROUP"), right("MEMBERS"), left("NAMES"));
        for (Map.Entry<Name, Set<Name>> group : broker.groups().entrySet()) {
            table.row(Display.name(group.getKey()), group.getValue().size(), Display.names(group.getValue()));
        }
        if (table.isEmpty()) {
            out.get().println("no group has members");
        } else {
            table.print(out.get());
        }
    }

    @Descriptor("adds groups to a live client's subscription")
    public void subscribe(@Descriptor("the client's name") String name,
            @Descriptor("the groups to add") String... groups) {
        Name client = CommandArguments.clientName(name);
        try {
            broker.subscribe(client, CommandArguments.groupNames(groups));
        } catch (UnknownClientException e) {
            throw unknown(client);
        }
        printGroupsOf(client);
    }

    @Descriptor("removes groups from a live client's subscription (never its own name)")
    public void unsubscribe(@Descriptor("the client's name") String name,
            @Descriptor("the groups to remove") String... groups) {
        Name client = CommandArguments.clientName(name);
        try {
            broker.unsubscribe(client, CommandArguments.groupNames(groups));
        } catch (UnknownClientException e) {
            throw unknown(client);
        }
        printGroupsOf(client);
    }

    @Descriptor("unsubscribes a client: its FIFOs are deleted and what was queued for it is dropped; it may subscribe again")
    public void kick(@Descriptor("the client's name") String name) {
        Name client = CommandArguments.clientName(name);
        if (!broker.kick(client)) {
            throw unknown(client);
        }
        out.get().println("kicked " + Display.name(client));
    }

    private void printGroupsOf(Name name) {
        // The client may leave between the change and this look; say so rather than fail.
        String groups = broker.client(name).map(client -> "groups " + Display.names(client.groups())).orElse("left meanwhile");
        out.get().println(Display.name(name) + ": " + groups);
    }

    private static CommandException unknown(Name name) {
        return new CommandException("no client is subscribed as '" + Display.name(name) + "'");
    }
}
