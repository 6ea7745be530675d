package org.octopipes.shell.internal;

import static org.octopipes.shell.internal.Table.Column.left;
import static org.octopipes.shell.internal.Table.Column.right;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.octopipes.api.Broker;
import org.octopipes.api.Tap;
import org.octopipes.api.TappedPacket;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The commands about packets: send one from the server, and watch the ones routed. */
@Component(service = PacketCommands.class, property = {
    ShellScope.PROPERTY,
    ShellScope.FUNCTION + "send",
    ShellScope.FUNCTION + "monitor"})
public final class PacketCommands {

    /** Packets the monitor holds for the terminal before it skips new ones. */
    static final int MONITOR_QUEUE_CAPACITY = 1024;

    private static final int MAX_MONITOR_SECONDS = 24 * 3600;

    private final Broker broker;
    private final Supplier<PrintStream> out;

    @Activate
    public PacketCommands(@Reference(name = "broker") Broker broker) {
        // Looked up at each call: Gogo and Karaf route System.out to the session running the command.
        this(broker, () -> System.out);
    }

    PacketCommands(Broker broker, Supplier<PrintStream> out) {
        this.broker = broker;
        this.out = out;
    }

    @Descriptor("sends a packet from the server (origin empty) to a client or a group, and tells how many recipients it was queued for")
    public void send(
            @Descriptor("seconds the packet may wait for each recipient, 0 for no deadline (default "
                    + Protocol.DEFAULT_MESSAGE_TTL + ")")
            @Parameter(names = "--ttl", absentValue = "" + Protocol.DEFAULT_MESSAGE_TTL) String ttl,
            @Descriptor("asks for an ACK; ACKs come back to the server, which counts them as UNHANDLED")
            @Parameter(names = "--rck", presentValue = "true", absentValue = "false") boolean rck,
            @Descriptor("the payload is hex digits, two per byte, e.g. 48690a")
            @Parameter(names = "--hex", presentValue = "true", absentValue = "false") boolean hex,
            @Descriptor("the client or group it is for") String remote,
            @Descriptor("the payload: UTF-8 text, words joined by single spaces (quote it to keep spacing); none for an empty payload")
            String... payload) {
        Name to = CommandArguments.remote(remote);
        String text = String.join(" ", payload);
        Packet packet = Packet.builder()
                .origin(Name.SERVER)
                .remote(to)
                .ttl(CommandArguments.ttl(ttl))
                .options(rck ? Protocol.OPTION_RCK : 0)
                .payload(hex ? CommandArguments.hex(text) : text.getBytes(StandardCharsets.UTF_8))
                .build();
        int recipients = broker.send(packet);
        out.get().println(Display.name(to) + ": queued for " + Display.count(recipients, "recipient"));
    }

    @Descriptor("shows each packet the router routes, one line each (time, origin, remote, payload size, TTL, options,"
            + " recipients, the payload's first bytes), until --count or --seconds is reached or it is interrupted"
            + " (Ctrl-C in Karaf or with Gogo's jline console; the basic gogo.shell console cannot interrupt a"
            + " command, Ctrl-C there ends the JVM, so give it a limit)")
    public void monitor(
            @Descriptor("shows payloads in hex instead of text")
            @Parameter(names = "--hex", presentValue = "true", absentValue = "false") boolean hex,
            @Descriptor("stops after this many packets (0: no limit)")
            @Parameter(names = "--count", absentValue = "0") String count,
            @Descriptor("stops after this many seconds (0: no limit)")
            @Parameter(names = "--seconds", absentValue = "0") String seconds,
            @Descriptor("only packets to or from these clients or groups (none: every packet)") String... names) {
        int maxPackets = CommandArguments.integer(count, "count", 0, Integer.MAX_VALUE);
        int maxSeconds = CommandArguments.integer(seconds, "seconds", 0, MAX_MONITOR_SECONDS);
        Set<Name> watched = CommandArguments.names(names);
        boolean timed = maxSeconds > 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);

        PrintStream console = out.get();
        Table lines = monitorTable();
        PacketMonitor monitor = new PacketMonitor(MONITOR_QUEUE_CAPACITY);
        long shown = 0;
        long skippedSoFar = 0;
        try (Tap tap = broker.tap(watched, monitor)) {
            console.println(lines.header());
            while (maxPackets == 0 || shown < maxPackets) {
                TappedPacket packet = timed ? monitor.next(deadline - System.nanoTime()) : monitor.next();
                if (packet == null) {
                    break;
                }
                console.println(lines.line(Display.timeOfDay(packet.time()), Display.name(packet.origin()), Display.peer(packet.peer()),
                        Display.name(packet.remote()), packet.payloadLength(), packet.ttl(), Display.options(packet.options()),
                        packet.recipients(), Display.payload(packet.payloadPreview(), packet.payloadLength(), hex)));
                shown++;
                long skipped = monitor.skipped();
                if (skipped > skippedSoFar) {
                    console.println("... " + Display.count(skipped - skippedSoFar, "packet") + " skipped: the terminal is slower than the traffic");
                    skippedSoFar = skipped;
                }
            }
        } catch (InterruptedException stop) {
            // Ctrl-C interrupts the command's thread: the way a monitor is meant to end, not an
            // error. The interrupt is not passed on: Gogo's session streams are interruptible
            // channels, and writing to one from an interrupted thread would close the session's output.
        }
        console.println("monitor stopped: " + Display.count(shown, "packet") + " shown, " + monitor.skipped() + " skipped");
    }

    private static Table monitorTable() {
        // Minimum widths keep streamed lines aligned for the usual short names and sizes.
        return new Table(left("TIME", 12), left("ORIGIN", 10), left("PEER", 4), left("REMOTE", 10), right("SIZE", 6), right("TTL", 3),
                left("OPTIONS", 7), right("TO", 2), left("PAYLOAD"));
    }
}
