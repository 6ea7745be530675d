package org.octopipes.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.octopipes.client.DisconnectedException;
import org.octopipes.client.Message;
import org.octopipes.client.OctopipesClient;
import org.octopipes.codec.CapMessage;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.Protocol;

/**
 * The command line of the client jar, after mosquitto_sub and mosquitto_pub: {@code sub} prints
 * what arrives for a name, {@code send} sends one packet.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int TIMED_OUT = 3;
    /** What a shell reports for a process ended by Ctrl-C (128 + SIGINT). */
    static final int INTERRUPTED = 130;

    private static final String PROGRAM = "octopipes-client";
    private static final String INVOCATION = "java -jar org.octopipes.client.jar";

    static final String USAGE_TEXT = ""
            + "usage: " + INVOCATION + " COMMAND [OPTIONS]\n"
            + "\n"
            + "A client for an Octopipes server.\n"
            + "\n"
            + "Commands:\n"
            + "  sub    subscribe and print the packets that arrive\n"
            + "  send   send one packet\n"
            + "\n"
            + "COMMAND --help describes each. Exit status: 0 done, 1 failed, 2 bad arguments,\n"
            + "3 timed out (no ACK, or fewer packets than --count).\n"
            + "\n"
            + "The CAP is --cap if given, else $" + OctopipesClient.CAP_ENVIRONMENT_VARIABLE + ", else\n"
            + "$XDG_RUNTIME_DIR/octopipes/cap.fifo, else <java.io.tmpdir>/octopipes-<user.name>/cap.fifo.\n"
            + "With --socket PATH the client goes through the server's Unix socket transport instead of\n"
            + "the CAP and FIFOs; --socket - is $" + OctopipesClient.SOCKET_ENVIRONMENT_VARIABLE + ", else "
            + OctopipesClient.DEFAULT_SOCKET_FILE_NAME + " beside the default CAP.\n";

    static final String SUB_USAGE = ""
            + "usage: " + INVOCATION + " sub [--cap PATH | --socket PATH] --name NAME\n"
            + "           [--groups G1,G2] [--count N] [--hex] [--timeout SECONDS]\n"
            + "\n"
            + "Subscribes as NAME, and to the groups, and prints one line per packet that arrives:\n"
            + "  ORIGIN -> REMOTE: PAYLOAD\n"
            + "Names and text payloads show unprintable bytes as \\xNN. Packets that ask for an ACK\n"
            + "are acknowledged. Ctrl-C unsubscribes and exits 0.\n"
            + "\n"
            + "  --cap PATH         the server's CAP (default: see --help without a command)\n"
            + "  --socket PATH      the server's Unix socket instead of the CAP; - for the default\n"
            + "  --name NAME        the name to subscribe with (required)\n"
            + "  --groups G1,G2     groups to subscribe to as well, comma-separated\n"
            + "  --count N          exit 0 after N packets\n"
            + "  --hex              print payloads as hex instead of text\n"
            + "  --timeout SECONDS  stop after SECONDS; exit 3 if fewer than --count packets came\n";

    static final String SEND_USAGE = ""
            + "usage: " + INVOCATION + " send [--cap PATH | --socket PATH] --name NAME\n"
            + "           [--ttl N] [--rck] [--hex] [--timeout SECONDS] REMOTE [PAYLOAD]\n"
            + "\n"
            + "Subscribes as NAME, sends PAYLOAD to REMOTE (a client or a group), unsubscribes.\n"
            + "Without PAYLOAD, or with -, the payload is standard input, byte for byte.\n"
            + "\n"
            + "  --cap PATH         the server's CAP (default: see --help without a command)\n"
            + "  --socket PATH      the server's Unix socket instead of the CAP; - for the default\n"
            + "  --name NAME        the name to send from (required)\n"
            + "  --ttl N            seconds the server may try to deliver, 0 for no limit (default "
            + Protocol.DEFAULT_MESSAGE_TTL + ")\n"
            + "  --rck              ask for an ACK and wait for it: exit 0 if it came, 3 if not\n"
            + "  --hex              PAYLOAD is hex (whitespace ignored)\n"
            + "  --timeout SECONDS  how long to wait for the server and for the ACK (default 5)\n";

    private static final Duration DEFAULT_TIMEOUT = OctopipesClient.DEFAULT_SUBSCRIBE_TIMEOUT;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    /** From {@link #main} only: after Ctrl-C, exit with the command's own status instead of the JVM's 130. */
    private final boolean haltAfterInterrupt;

    private Main(InputStream in, PrintStream out, PrintStream err, boolean haltAfterInterrupt) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.haltAfterInterrupt = haltAfterInterrupt;
    }

    public static void main(String[] args) {
        System.exit(new Main(System.in, System.out, System.err, true).execute(args));
    }

    /** Runs a command in this JVM and returns its exit status instead of exiting. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return new Main(in, out, err, false).execute(args);
    }

    private int execute(String[] args) {
        if (args.length == 0) {
            err.println(PROGRAM + ": no command: use sub or send (see --help)");
            return USAGE;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (args[0]) {
                case "--help":
                case "-h":
                case "help":
                    out.print(USAGE_TEXT);
                    return OK;
                case "sub":
                    return subscribe(rest);
                case "send":
                    return send(rest);
                default:
                    err.println(PROGRAM + ": unknown command '" + args[0] + "': use sub or send (see --help)");
                    return USAGE;
            }
        } catch (UsageException e) {
            err.println(PROGRAM + " " + args[0] + ": " + e.getMessage() + " (see " + args[0] + " --help)");
            return USAGE;
        } finally {
            out.flush();
        }
    }

    private int subscribe(List<String> args) throws UsageException {
        CommandLine line = CommandLine.parse(args, Set.of("cap", "socket", "name", "groups", "count", "timeout"), Set.of("hex", "help"));
        if (line.has("help")) {
            out.print(SUB_USAGE);
            return OK;
        }
        if (!line.operands().isEmpty()) {
            throw new UsageException("unexpected argument '" + line.operands().get(0) + "'");
        }
        OctopipesClient.Builder builder = clientBuilder(line);
        if (line.value("groups") != null) {
            builder.groups(groups(line.value("groups")));
        }
        Integer count = line.value("count") == null ? null : integer(line, "count", 1, Integer.MAX_VALUE);
        Duration timeout = line.value("timeout") == null ? null : seconds(line, "timeout");
        boolean hex = line.has("hex");

        return withClient("sub", builder, (client, interrupted) -> {
            long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
            int received = 0;
            try {
                while (count == null || received < count) {
                    Packet packet = timeout == null ? client.receive() : client.receive(Duration.ofNanos(deadline - System.nanoTime()));
                    if (packet == null) {
                        break;
                    }
                    out.println(packet.origin() + " -> " + packet.remote() + ": " + render(packet.payloadBytes(), hex));
                    out.flush();
                    received++;
                }
            } catch (DisconnectedException e) {
                if (interrupted.get()) {
                    return OK;
                }
                throw e;
            }
            if (count != null && received < count) {
                err.println(PROGRAM + " sub: " + received + " of " + count + " packets within " + timeout.toMillis() / 1000.0 + " s");
                return TIMED_OUT;
            }
            return OK;
        });
    }

    private int send(List<String> args) throws UsageException {
        CommandLine line = CommandLine.parse(args, Set.of("cap", "socket", "name", "ttl", "timeout"), Set.of("rck", "hex", "help"));
        if (line.has("help")) {
            out.print(SEND_USAGE);
            return OK;
        }
        List<String> operands = line.operands();
        if (operands.isEmpty()) {
            throw new UsageException("missing REMOTE");
        }
        if (operands.size() > 2) {
            throw new UsageException("unexpected argument '" + operands.get(2) + "'");
        }
        Name remote = name(operands.get(0), "REMOTE");
        int ttl = line.value("ttl") == null ? Protocol.DEFAULT_MESSAGE_TTL : integer(line, "ttl", 0, Protocol.MAX_TTL);
        Duration timeout = line.value("timeout") == null ? DEFAULT_TIMEOUT : seconds(line, "timeout");
        OctopipesClient.Builder builder = clientBuilder(line).subscribeTimeout(timeout);
        byte[] payload = payload(operands.size() == 2 ? operands.get(1) : "-", line.has("hex"));
        Message message = Message.to(remote).payload(payload).ttl(ttl);
        boolean waitForAck = line.has("rck");
        if (waitForAck) {
            message = message.requestAck();
        }
        Message outgoing = message;

        return withClient("send", builder, (client, interrupted) -> {
            client.send(outgoing);
            if (!waitForAck) {
                return OK;
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (true) {
                    Packet packet = client.receive(Duration.ofNanos(deadline - System.nanoTime()));
                    if (packet == null) {
                        err.println(PROGRAM + " send: no ACK from '" + remote + "' within " + timeout.toMillis() / 1000.0 + " s");
                        return TIMED_OUT;
                    }
                    if (Message.isAck(packet)) {
                        return OK;
                    }
                }
            } catch (DisconnectedException e) {
                if (interrupted.get()) {
                    return INTERRUPTED;
                }
                throw e;
            }
        });
    }

    /** What a command does with its subscribed client; {@code interrupted} turns true when Ctrl-C closed the client. */
    @FunctionalInterface
    private interface ClientSession {
        int run(OctopipesClient client, AtomicBoolean interrupted) throws IOException, InterruptedException;
    }

    /**
     * Subscribes, runs {@code session}, unsubscribes. A shutdown hook unsubscribes on Ctrl-C too,
     * waits for the session to finish, and then exits with the session's status.
     */
    private int withClient(String command, OctopipesClient.Builder builder, ClientSession session) {
        OctopipesClient client;
        try {
            client = builder.connect();
        } catch (IOException e) {
            err.println(PROGRAM + " " + command + ": " + e.getMessage());
            return FAILED;
        }
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicInteger status = new AtomicInteger(INTERRUPTED);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted.set(true);
            client.close();
            try {
                if (finished.await(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) && haltAfterInterrupt) {
                    out.flush();
                    Runtime.getRuntime().halt(status.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, PROGRAM + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            status.set(session.run(client, interrupted));
        } catch (IOException e) {
            err.println(PROGRAM + " " + command + ": " + e.getMessage());
            status.set(FAILED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(PROGRAM + " " + command + ": interrupted");
            status.set(INTERRUPTED);
        } finally {
            client.close();
            out.flush();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook is running and exits for us.
            }
        }
        return status.get();
    }

    private static OctopipesClient.Builder clientBuilder(CommandLine line) throws UsageException {
        String name = line.value("name");
        if (name == null) {
            throw new UsageException("--name is required");
        }
        String socket = line.value("socket");
        if (socket != null) {
            if (line.value("cap") != null) {
                throw new UsageException("--cap and --socket exclude each other: a client goes through the CAP or the socket");
            }
            if (socket.isEmpty()) {
                throw new UsageException("--socket is empty; use - for the default socket");
            }
            Path path = socket.equals("-") ? OctopipesClient.defaultSocketPath() : Path.of(socket);
            return OctopipesClient.socketBuilder(path).name(name(name, "--name"));
        }
        Path cap = line.value("cap") == null ? OctopipesClient.defaultCapPath() : Path.of(line.value("cap"));
        return OctopipesClient.builder(cap).name(name(name, "--name"));
    }

    private static Name name(String text, String what) throws UsageException {
        if (text.isEmpty()) {
            throw new UsageException(what + " is empty: the empty name is the server's");
        }
        try {
            return Name.of(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + " is too long: " + e.getMessage());
        }
    }

    private static Name[] groups(String list) throws UsageException {
        String[] parts = list.split(",", -1);
        Name[] groups = new Name[parts.length];
        for (int i = 0; i < parts.length; i++) {
            groups[i] = name(parts[i], "a group in --groups");
        }
        if (groups.length > CapMessage.MAX_GROUPS) {
            throw new UsageException("--groups lists " + groups.length + " groups, at most " + CapMessage.MAX_GROUPS + " are allowed");
        }
        return groups;
    }

    private static int integer(CommandLine line, String option, int min, int max) throws UsageException {
        String text = line.value(option);
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the range.
        }
        throw new UsageException("--" + option + " must be a whole number from " + min + " to " + max + ", not '" + text + "'");
    }

    private static Duration seconds(CommandLine line, String option) throws UsageException {
        String text = line.value(option);
        try {
            BigDecimal seconds = new BigDecimal(text);
            if (seconds.signum() > 0 && seconds.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
                return Duration.ofMillis(Math.max(1, seconds.movePointRight(3).longValue()));
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new UsageException("--" + option + " must be a positive number of seconds, not '" + text + "'");
    }

    private byte[] payload(String operand, boolean hex) throws UsageException {
        byte[] bytes;
        if (operand.equals("-")) {
            try {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UsageException("cannot read the payload from standard input: " + e.getMessage());
            }
        } else {
            bytes = operand.getBytes(StandardCharsets.UTF_8);
        }
        if (!hex) {
            return bytes;
        }
        String digits = new String(bytes, StandardCharsets.US_ASCII).replaceAll("\\s", "");
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--hex: the payload is not hex: " + e.getMessage());
        }
    }

    private static String render(byte[] payload, boolean hex) {
        return hex ? HexFormat.of().formatHex(payload) : PayloadText.escape(payload);
    }
}
