package org.octopipes.routing.testkit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.octopipes.api.Credentials;
import org.octopipes.api.routing.AccessCheck;
import org.octopipes.api.routing.Recipients;
import org.octopipes.api.routing.RoutingPolicy;
import org.octopipes.api.routing.Subscriber;
import org.octopipes.api.routing.SubscriptionTable;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;

/**
 * A subscription table in memory for routing-policy tests: add clients with their groups, then
 * {@link #send} a packet through a policy and look at its {@link Choice}. The packets are real
 * frames, decoded from encoded bytes, as a transport hands them over.
 */
public final class TestTable implements SubscriptionTable {

    /** A client with its groups and a settable queue. */
    public static final class Client implements Subscriber {
        private final Name name;
        private final Set<Name> groups;
        private volatile long queuedBytes;
        private volatile String transport = "";
        private volatile Optional<Credentials> credentials = Optional.empty();

        Client(String name, String... groups) {
            this.name = Name.of(name);
            this.groups = Set.copyOf(java.util.Arrays.stream(groups).map(Name::of).toList());
        }

        @Override
        public Name name() {
            return name;
        }

        @Override
        public Set<Name> groups() {
            return groups;
        }

        @Override
        public int queuedPackets() {
            return queuedBytes == 0 ? 0 : 1;
        }

        @Override
        public long queuedBytes() {
            return queuedBytes;
        }

        @Override
        public String transport() {
            return transport;
        }

        @Override
        public Optional<Credentials> credentials() {
            return credentials;
        }

        /**
         * Plays a client of {@code transport} whose peer the kernel told, for access rules on users.
         *
         * @param transport its transport, e.g. {@code unix}
         * @param user its user, or null for a client whose transport cannot tell (FIFOs)
         * @param group its group
         * @return this client
         */
        public Client connectedThrough(String transport, String user, String group) {
            this.transport = transport;
            this.credentials = user == null ? Optional.empty() : Optional.of(new Credentials(user, group, Credentials.UNKNOWN_PID));
            return this;
        }

        /**
         * Plays a client that is behind: what {@link #queuedBytes()} returns from now on.
         *
         * @param bytes the bytes waiting for it in the server
         */
        public void setQueuedBytes(long bytes) {
            queuedBytes = bytes;
        }

        @Override
        public String toString() {
            return name.toString();
        }
    }

    /** What a policy chose for one packet. */
    public static final class Choice implements Recipients {
        private final List<Subscriber> recipients = new ArrayList<>();
        private String denial;

        @Override
        public void add(Subscriber recipient) {
            if (!recipients.contains(recipient)) {
                recipients.add(recipient);
            }
        }

        @Override
        public void deny(String why) {
            denial = why;
        }

        /** @return the recipients, in the order the policy added them, each once */
        public List<Subscriber> recipients() {
            return List.copyOf(recipients);
        }

        /** @return why the policy denied the packet, or null */
        public String denial() {
            return denial;
        }

        /** @return the recipients' names as {@link Name#toString()} shows them */
        public List<String> names() {
            return recipients.stream().map(s -> s.name().toString()).toList();
        }
    }

    private final Map<String, Client> clients = new LinkedHashMap<>();

    /**
     * Subscribes a client to its own name and to {@code groups}.
     *
     * @param name the client's name
     * @param groups its groups
     * @return the client, to play its queue
     */
    public Client add(String name, String... groups) {
        Client client = new Client(name, groups);
        clients.put(name, client);
        return client;
    }

    /**
     * @param name a client's name
     * @return the client added with this name, or null
     */
    public Client get(String name) {
        return clients.get(name);
    }

    /**
     * Sends a packet from {@code origin} (null: the server) to {@code remote} through {@code policy}.
     *
     * @param policy the policy under test
     * @param origin the sending client's name, or null for the server
     * @param remote a client's name or a group
     * @return what the policy chose
     */
    public Choice send(RoutingPolicy policy, String origin, String remote) {
        Choice choice = new Choice();
        Client from = origin == null ? null : clients.get(origin);
        decode(origin, remote, frame -> policy.route(frame, from, this, choice));
        return choice;
    }

    /** Hands {@code use} the frame of a one-byte packet from {@code origin} to {@code remote}. */
    private static void decode(String origin, String remote, java.util.function.Consumer<Frame> use) {
        byte[] bytes = Packet.builder().origin(origin == null ? Name.SERVER : Name.of(origin)).remote(Name.of(remote))
                .payload(new byte[] {1}).build().toBytes();
        AtomicReference<Boolean> seen = new AtomicReference<>(false);
        new StreamDecoder().feed(bytes, 0, bytes.length, frame -> {
            use.accept(frame);
            seen.set(true);
        });
        if (!seen.get()) {
            throw new AssertionError("the packet was not decoded");
        }
    }

    /**
     * Asks {@code check} about a packet from {@code origin} (null: the server) to {@code remote},
     * as the router does before any routing policy.
     *
     * @param check the access check under test
     * @param origin the sending client's name, or null for the server
     * @param remote a client's name or a group
     * @return why it denies the packet, or null if it lets it through
     */
    public String check(AccessCheck check, String origin, String remote) {
        Client from = origin == null ? null : clients.get(origin);
        String[] denial = new String[1];
        decode(origin, remote, frame -> denial[0] = check.denial(frame, from));
        return denial[0];
    }

    @Override
    public List<Subscriber> subscribersOf(Frame packet) {
        return subscribersOf(packet.remote());
    }

    @Override
    public List<Subscriber> subscribersOf(Name remote) {
        List<Subscriber> subscribers = new ArrayList<>();
        for (Client client : clients.values()) {
            if (client.name().equals(remote) || client.groups().contains(remote)) {
                subscribers.add(client);
            }
        }
        return subscribers;
    }

    @Override
    public Optional<Subscriber> subscriber(Name name) {
        return Optional.ofNullable(clients.get(name.toString()));
    }

    @Override
    public Collection<Subscriber> subscribers() {
        return List.copyOf(clients.values());
    }
}
