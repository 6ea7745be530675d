package org.octopipes.sessions.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.octopipes.api.Credentials;
import org.octopipes.api.DropReason;
import org.octopipes.api.session.ClientSession;
import org.octopipes.api.session.RoutingEngine;
import org.octopipes.api.session.SessionRegistry;
import org.octopipes.api.session.SessionRoute;
import org.octopipes.api.transport.Sender;
import org.octopipes.api.transport.Session;
import org.octopipes.api.transport.SubscriptionRefusedException;
import org.octopipes.codec.Frame;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.StreamDecoder;
import org.octopipes.testsupport.PlainDelivery;
import org.octopipes.testsupport.PacketRuns;
import org.octopipes.testsupport.RecordingOutlet;
import org.octopipes.testsupport.TestLogger;

/** The sessions alone: one place admits, a router reads them and lets go, nothing waits forever or twice. */
class SessionBookTest {

    private final SessionBook sessions = new SessionBook(TestLogger.printing(), 3, 2);

    @Test
    void aNameIsTakenOnceOverEveryTransportAndFreeAgainWhenItsSessionCloses() {
        Session alice = sessions.open(Name.of("alice"), List.of(), new RecordingOutlet("fifo"), Sender.NONE);

        assertThatThrownBy(() -> sessions.open(Name.of("alice"), List.of(), new RecordingOutlet("unix"), Sender.NONE))
                .isInstanceOfSatisfying(SubscriptionRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SubscriptionRefusedException.Reason.NAME_TAKEN);
                    assertThat(e.getMessage()).contains("through fifo");
                });
        alice.close();
        alice.close();
        assertThat(sessions.open(Name.of("alice"), List.of(), new RecordingOutlet("unix"), Sender.NONE).name()).isEqualTo(Name.of("alice"));
    }

    @Test
    void theServersOwnNameAndGroupCannotBeTaken() {
        assertThatThrownBy(() -> sessions.open(Name.SERVER, List.of(), new RecordingOutlet("fifo"), Sender.NONE))
                .isInstanceOfSatisfying(SubscriptionRefusedException.class, e -> assertThat(e.reason()).isEqualTo(SubscriptionRefusedException.Reason.INVALID_NAME));
        assertThatThrownBy(() -> sessions.open(Name.of("eve"), List.of(Name.SERVER), new RecordingOutlet("fifo"), Sender.NONE))
                .isInstanceOfSatisfying(SubscriptionRefusedException.class, e -> assertThat(e.reason()).isEqualTo(SubscriptionRefusedException.Reason.INVALID_NAME));
    }

    @Test
    void theLimitsAreTheSessionsForEveryTransport() {
        assertThatThrownBy(() -> sessions.open(Name.of("greedy"), List.of(Name.of("a"), Name.of("b"), Name.of("c")), new RecordingOutlet("fifo"), Sender.NONE))
                .isInstanceOfSatisfying(SubscriptionRefusedException.class, e -> assertThat(e.reason()).isEqualTo(SubscriptionRefusedException.Reason.TOO_MANY_GROUPS));
        for (int i = 0; i < 3; i++) {
            sessions.open(Name.of("c" + i), List.of(), new RecordingOutlet(i % 2 == 0 ? "fifo" : "unix"), Sender.NONE);
        }
        assertThatThrownBy(() -> sessions.open(Name.of("one-too-many"), List.of(), new RecordingOutlet("fifo"), Sender.NONE))
                .isInstanceOfSatisfying(SubscriptionRefusedException.class, e -> assertThat(e.reason()).isEqualTo(SubscriptionRefusedException.Reason.TOO_MANY_CLIENTS));
    }

    @Test
    void anOwnedNameIsForItsOwnersOverTheSocketOnlyAndOtherNamesForAnybody() {
        sessions.owners(NameOwners.parse("admin*=root,@wheel; ops=operator"));
        Credentials root = new Credentials("root", "root", 1);
        Credentials wheel = new Credentials("alice", "wheel", 2);
        Credentials nobody = new Credentials("nobody", "nogroup", 3);

        assertThatThrownBy(() -> sessions.open(Name.of("admin-1"), List.of(), new RecordingOutlet("fifo"), Sender.NONE))
                .isInstanceOfSatisfying(SubscriptionRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SubscriptionRefusedException.Reason.NOT_OWNER);
                    assertThat(e.getMessage()).contains("belongs to root, @wheel").contains("cannot tell who the client is");
                });
        assertThatThrownBy(() -> sessions.open(Name.of("admin-1"), List.of(), new RecordingOutlet("unix"), Sender.NONE, nobody))
                .hasMessageContaining("not to user nobody, group nogroup");
        assertThat(sessions.open(Name.of("admin-1"), List.of(), new RecordingOutlet("unix"), Sender.NONE, root).name()).isEqualTo(Name.of("admin-1"));
        assertThat(sessions.open(Name.of("admin-2"), List.of(), new RecordingOutlet("unix"), Sender.NONE, wheel).name()).isEqualTo(Name.of("admin-2"));
        assertThat(sessions.open(Name.of("anyone"), List.of(), new RecordingOutlet("fifo"), Sender.NONE).name()).as("an unowned name").isEqualTo(Name.of("anyone"));
        assertThatThrownBy(() -> NameOwners.parse("admin*")).hasMessageContaining("is not GLOB=WHO");
    }

    @Test
    void aUsersQuotasBindItsSocketClientsAndNobodyElse() {
        sessions.limits(10, 2);
        sessions.quotas(2, 100);
        Credentials nobody = new Credentials("nobody", "nogroup", 3);
        RecordingOutlet first = new RecordingOutlet("unix");
        ClientSession guest1 = (ClientSession) sessions.open(Name.of("guest-1"), List.of(), first, Sender.NONE, nobody);
        sessions.open(Name.of("guest-2"), List.of(), new RecordingOutlet("unix"), Sender.NONE, nobody);

        assertThatThrownBy(() -> sessions.open(Name.of("guest-3"), List.of(), new RecordingOutlet("unix"), Sender.NONE, nobody))
                .hasMessageContaining("user nobody has its quota of 2 clients");
        ClientSession root = (ClientSession) sessions.open(Name.of("root-1"), List.of(), new RecordingOutlet("unix"), Sender.NONE,
                new Credentials("root", "root", 1));
        ClientSession fifo = (ClientSession) sessions.open(Name.of("fifo-1"), List.of(), new RecordingOutlet("fifo"), Sender.NONE);

        assertThat(guest1.withinQuota(100)).isTrue();
        offer(first, 90);
        assertThat(guest1.withinQuota(20)).as("90 bytes queued for nobody, 100 allowed").isFalse();
        assertThat(root.withinQuota(100)).as("nobody's queue is not root's").isTrue();
        assertThat(fifo.withinQuota(1_000_000)).as("a FIFO client has no known user").isTrue();
    }

    @Test
    void withoutARouterTheSenderIsHeldAndItsPacketsWaitThenTheNextRouterRoutesThemFirstAndInOrder() {
        CountingSender aliceSender = new CountingSender();
        Session alice = sessions.open(Name.of("alice"), List.of(Name.of("team")), new RecordingOutlet("fifo"), aliceSender);
        assertThat(aliceSender.holds.get()).as("held from the start: no router yet").isEqualTo(1);

        // What the transport had read before it saw the hold waits in the session: a run of
        // packets too, declined as a run and taken one by one.
        assertThat(routeAsTransport(alice, "1", "2")).as("no router takes a run").isFalse();
        route(alice, "3");
        RecordingEngine router = new RecordingEngine();
        sessions.route(router);
        route(alice, "4");

        assertThat(router.joined).containsExactly(Name.of("alice"));
        assertThat(router.routed).containsExactly("1", "2", "3", "4");
        assertThat(aliceSender.holds.get()).as("released once the router routes").isZero();
    }

    @Test
    void aPacketThatFindsNoRouterHoldsItsSenderAtOnceOnTheThreadThatRoutesIt() {
        CountingSender aliceSender = new CountingSender();
        SessionRegistry.Routing routing = sessions.route(new RecordingEngine());
        OpenSession alice = (OpenSession) sessions.open(Name.of("alice"), List.of(), new RecordingOutlet("fifo"), aliceSender);

        // A router that stops clears the route first and holds the senders after: a transport's
        // I/O thread that routes in between must stop at its first packet, not at its next turn.
        alice.stopRouting();
        route(alice, "1");
        assertThat(aliceSender.holds.get()).as("held by the packet that waits").isEqualTo(1);
        assertThat(aliceSender.holdingThreads).containsExactly(Thread.currentThread());

        routing.close();
        assertThat(aliceSender.holds.get()).as("one hold, whoever makes it first").isEqualTo(1);
        RecordingEngine next = new RecordingEngine();
        sessions.route(next);
        assertThat(next.routed).containsExactly("1");
        assertThat(aliceSender.holds.get()).isZero();
    }

    @Test
    void aRouterUpdateKeepsTheSessionsTheirGroupsAndTheirCountersAndTheNextRouterReReadsThem() {
        CountingSender bobSender = new CountingSender();
        RecordingEngine first = new RecordingEngine();
        SessionRegistry.Routing routing = sessions.route(first);
        Session bob = sessions.open(Name.of("bob"), List.of(Name.of("team")), new RecordingOutlet("unix"), bobSender);
        bob.delivered(5);
        sessions.changeGroups(Name.of("bob"), Set.of(Name.of("ops")), true);
        assertThat(first.regrouped).containsExactly(Name.of("bob"));

        routing.close();
        assertThat(bobSender.holds.get()).as("held while no router routes").isEqualTo(1);
        route(bob, "while none");
        RecordingEngine next = new RecordingEngine();
        sessions.route(next);

        assertThat(first.routed).isEmpty();
        assertThat(next.routed).containsExactly("while none");
        assertThat(next.joined).containsExactly(Name.of("bob"));
        assertThat(sessions.session(Name.of("bob")).orElseThrow().groups()).containsExactlyInAnyOrder(Name.of("team"), Name.of("ops"));
        assertThat(sessions.session(Name.of("bob")).orElseThrow().info().counters().delivered()).isEqualTo(5);
        assertThat(bobSender.holds.get()).isZero();
        bob.close();
        assertThat(next.left).containsExactly(Name.of("bob"));
        assertThat(sessions.counters().delivered()).as("a closed session's counts stay in the totals").isEqualTo(5);
    }

    @Test
    void onceARouterStoppedNoPacketReachesItWhileAnotherThreadRoutes() throws Exception {
        Session alice = sessions.open(Name.of("alice"), List.of(), new RecordingOutlet("fifo"), Sender.NONE);
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicInteger afterStop = new AtomicInteger();
        RecordingEngine router = new RecordingEngine() {
            @Override
            void routed(String payload) {
                if (stopped.get()) {
                    afterStop.incrementAndGet();
                }
            }
        };
        SessionRegistry.Routing routing = sessions.route(router);
        CountDownLatch routingStarted = new CountDownLatch(1);
        AtomicBoolean go = new AtomicBoolean(true);
        AtomicInteger packets = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread transport = new Thread(() -> {
            try {
                while (go.get()) {
                    route(alice, Integer.toString(packets.incrementAndGet()));
                    routingStarted.countDown();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        transport.start();
        routingStarted.await();

        routing.close();
        stopped.set(true);
        int atStop = packets.get();
        // The transport goes on for a while (a real one would stop reading once it saw the hold).
        await().atMost(Duration.ofSeconds(10)).until(() -> packets.get() > atStop + 1000);
        go.set(false);
        transport.join();

        assertThat(failure.get()).isNull();
        assertThat(afterStop.get()).as("calls the router got after its routing closed").isZero();
    }

    @Test
    void aSessionThatClosesWhilePacketsWaitCountsThemAndLetsItsSenderGo() {
        CountingSender sender = new CountingSender();
        Session carol = sessions.open(Name.of("carol"), List.of(), new RecordingOutlet("fifo"), sender);
        route(carol, "lost");

        carol.close();

        assertThat(sessions.counters().dropped(DropReason.CLIENT_GONE)).isEqualTo(1);
        assertThat(sender.holds.get()).isZero();
        assertThat(sessions.sessions()).isEmpty();
    }

    private static void route(Session session, String payload) {
        Packet packet = Packet.builder().origin(session.name()).remote(Name.of("anyone")).payload(payload.getBytes(StandardCharsets.UTF_8)).build();
        new StreamDecoder().feed(ByteBuffer.wrap(packet.toBytes()), frame -> session.route(frame, Sender.NONE, System.nanoTime()));
    }

    /** Writes the packets as a transport's decoder hands them out; returns whether the session took them as a run. */
    private static boolean routeAsTransport(Session session, String... payloads) {
        List<Packet> packets = new ArrayList<>();
        for (String payload : payloads) {
            packets.add(Packet.builder().origin(session.name()).remote(Name.of("anyone")).payload(payload.getBytes(StandardCharsets.UTF_8)).build());
        }
        boolean[] taken = new boolean[1];
        PacketRuns.feed(packets, run -> taken[0] = session.route(run, Sender.NONE, System.nanoTime()),
                frame -> session.route(frame, Sender.NONE, System.nanoTime()));
        return taken[0];
    }

    /** A router that records what it is told and routes nowhere. */
    private static class RecordingEngine implements RoutingEngine {
        final List<Name> joined = Collections.synchronizedList(new ArrayList<>());
        final List<Name> left = new ArrayList<>();
        final List<Name> regrouped = new ArrayList<>();
        final List<String> routed = Collections.synchronizedList(new ArrayList<>());

        @Override
        public List<SessionRoute> joined(List<ClientSession> sessions) {
            List<SessionRoute> routes = new ArrayList<>();
            for (ClientSession session : sessions) {
                joined.add(session.name());
                routes.add(new SessionRoute() {
                    @Override
                    public void route(Frame packet, Sender sender, long readNanos) {
                        String payload = new String(packet.toPacket().payloadBytes(), StandardCharsets.UTF_8);
                        routed(payload);
                        routed.add(payload);
                    }

                    @Override
                    public void relay(Frame packet, Sender sender) {
                        route(packet, sender, System.nanoTime());
                    }
                });
            }
            return routes;
        }

        void routed(String payload) {
            // A hook for a test.
        }

        @Override
        public void left(ClientSession session) {
            left.add(session.name());
        }

        @Override
        public void regrouped(ClientSession session) {
            regrouped.add(session.name());
        }
    }

    private static final class CountingSender implements Sender {
        final AtomicInteger holds = new AtomicInteger();
        final List<Thread> holdingThreads = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void hold() {
            holds.incrementAndGet();
            holdingThreads.add(Thread.currentThread());
        }

        @Override
        public void release() {
            holds.decrementAndGet();
        }
    }

    /** Offers the outlet one packet whose whole size is {@code bytes}. */
    private static void offer(RecordingOutlet outlet, int bytes) {
        Packet packet = Packet.builder().remote(Name.of("x")).payload(new byte[bytes - Packet.builder().remote(Name.of("x")).build().size()]).build();
        new StreamDecoder().feed(ByteBuffer.wrap(packet.toBytes()), frame -> outlet.offer(frame, PlainDelivery.within(Duration.ofMinutes(1))));
    }
}
