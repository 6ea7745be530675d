package org.octopipes.shell.internal;

import static org.octopipes.shell.internal.Table.Column.left;
import static org.octopipes.shell.internal.Table.Column.right;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.octopipes.api.Broker;
import org.octopipes.api.DropReason;
import org.octopipes.api.PolicyInfo;
import org.octopipes.api.TrafficCounters;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The commands about the server as a whole: its traffic and its routing policies. */
@Component(service = ServerCommands.class, property = {
    ShellScope.PROPERTY,
    ShellScope.FUNCTION + "stats",
    ShellScope.FUNCTION + "policies"})
public final class ServerCommands {

    private static final int MAX_SAMPLE_SECONDS = 60;

    private final Broker broker;
    private final Supplier<PrintStream> out;

    @Activate
    public ServerCommands(@Reference(name = "broker") Broker broker) {
        // Looked up at each call: Gogo and Karaf route System.out to the session running the command.
        this(broker, () -> System.out);
    }

    ServerCommands(Broker broker, Supplier<PrintStream> out) {
        this.broker = broker;
        this.out = out;
    }

    /**
     * Rates are measured, not averaged since start: the counters are read twice, {@code --interval}
     * seconds apart, so a rate is the traffic of that moment whenever the command is typed.
     */
    @Descriptor("shows the server's packet counters, and their rates per second measured over a short interval")
    public void stats(
            @Descriptor("seconds between the two readings the rates come from (default 1; 0: totals only, at once)")
            @Parameter(names = "--interval", absentValue = "1") String interval) {
        int seconds = CommandArguments.integer(interval, "interval", 0, MAX_SAMPLE_SECONDS);
        TrafficCounters before = broker.counters();
        long start = System.nanoTime();
        boolean sampled = seconds > 0;
        if (sampled) {
            try {
                TimeUnit.SECONDS.sleep(seconds);
            } catch (InterruptedException stop) {
                // Ctrl-C while sampling: the totals are still worth showing. Not passed on, for the
                // reason PacketCommands.monitor gives.
                sampled = false;
            }
        }
        TrafficCounters after = broker.counters();
        double elapsedSeconds = (System.nanoTime() - start) / 1e9;

        Table table = sampled
                ? new Table(left("COUNTER"), right("TOTAL"), right("PER SECOND"))
                : new Table(left("COUNTER"), right("TOTAL"));
        for (Map.Entry<String, ToLongFunction<TrafficCounters>> counter : counters().entrySet()) {
            long total = counter.getValue().applyAsLong(after);
            if (sampled) {
                long increase = total - counter.getValue().applyAsLong(before);
                table.row(counter.getKey(), total, String.format(Locale.ROOT, "%.1f", increase / elapsedSeconds));
            } else {
                table.row(counter.getKey(), total);
            }
        }
        PrintStream console = out.get();
        table.print(console);
        console.println(Display.count(broker.clients().size(), "client") + " subscribed, "
                + Display.count(broker.groups().size(), "group") + " with members"
                + (sampled ? String.format(Locale.ROOT, "; rates over %.1f s", elapsedSeconds) : ""));
    }

    @Descriptor("lists the routing policies installed, highest ranking first, and which one routes now; then the access checks, asked before any policy")
    public void policies() {
        List<PolicyInfo> policies = broker.policies();
        if (policies.isEmpty()) {
            out.get().println("no routing policy is installed");
        } else {
            Table table = new Table(left("NAME"), right("RANKING"), right("SERVICE ID"), left("BUNDLE"), left("ACTIVE"));
            for (PolicyInfo policy : policies) {
                table.row(policy.name(), policy.ranking(), policy.serviceId(), policy.bundle(), policy.active() ? "yes" : "no");
            }
            table.print(out.get());
        }
        List<PolicyInfo> checks = broker.accessChecks();
        if (!checks.isEmpty()) {
            out.get().println();
            out.get().println("access checks, asked in this order before any policy:");
            Table table = new Table(left("NAME"), right("RANKING"), right("SERVICE ID"), left("BUNDLE"));
            for (PolicyInfo check : checks) {
                table.row(check.name(), check.ranking(), check.serviceId(), check.bundle());
            }
            table.print(out.get());
        }
    }

    /** Each counter {@code stats} shows, by the name it shows it under, in that order. */
    private static Map<String, ToLongFunction<TrafficCounters>> counters() {
        Map<String, ToLongFunction<TrafficCounters>> counters = new LinkedHashMap<>();
        counters.put("received", TrafficCounters::received);
        counters.put("routed", TrafficCounters::routed);
        counters.put("delivered", TrafficCounters::delivered);
        counters.put("dropped", TrafficCounters::droppedTotal);
        for (DropReason reason : DropReason.values()) {
            counters.put("dropped " + reason, snapshot -> snapshot.dropped(reason));
        }
        return counters;
    }
}
