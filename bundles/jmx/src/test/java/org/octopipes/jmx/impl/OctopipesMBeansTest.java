package org.octopipes.jmx.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.InstanceAlreadyExistsException;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.octopipes.api.ClientInfo;
import org.octopipes.api.DropReason;
import org.octopipes.api.PolicyInfo;
import org.octopipes.api.TrafficCounters;
import org.octopipes.codec.Name;
import org.octopipes.testsupport.FakeBroker;
import org.octopipes.testsupport.TestLogger;

class OctopipesMBeansTest {

    private final FakeBroker broker = new FakeBroker();
    private final TestLogger log = new TestLogger();
    /** A private MBeanServer per test, so that tests never see each other's MBeans or the JVM's. */
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final OctopipesMBeans mbeans = new OctopipesMBeans(broker, server, log.logger());

    @BeforeEach
    void installTwoPolicies() {
        broker.policies.add(new PolicyInfo("strict", 10, 7, "org.example.policies", true));
        broker.policies.add(new PolicyInfo("spec", 0, 3, "org.octopipes.router", false));
    }

    @AfterEach
    void unregisterEverything() {
        mbeans.close();
    }

    @Test
    void theServerMBeanShowsTheBrokersTotals() throws Exception {
        broker.counters = FakeBroker.counters(10, 8, 12, Map.of(DropReason.QUEUE_FULL, 3L, DropReason.NO_RECIPIENT, 2L));
        mbeans.open();

        assertThat(server.getAttribute(MBeanNames.SERVER, "Received")).isEqualTo(10L);
        assertThat(server.getAttribute(MBeanNames.SERVER, "Routed")).isEqualTo(8L);
        assertThat(server.getAttribute(MBeanNames.SERVER, "Delivered")).isEqualTo(12L);
        assertThat(server.getAttribute(MBeanNames.SERVER, "DroppedTotal")).isEqualTo(5L);
        Map<String, Long> dropped = longsByKey((TabularData) server.getAttribute(MBeanNames.SERVER, "Dropped"));
        assertThat(dropped).hasSize(DropReason.values().length)
                .containsEntry("QUEUE_FULL", 3L).containsEntry("NO_RECIPIENT", 2L).containsEntry("TTL_EXPIRED", 0L);
    }

    @Test
    void countersAreReadFromTheBrokerAtEveryRead() throws Exception {
        mbeans.open();
        assertThat(server.getAttribute(MBeanNames.SERVER, "Received")).isEqualTo(0L);

        broker.counters = FakeBroker.counters(1, 1, 1, Map.of());

        assertThat(server.getAttribute(MBeanNames.SERVER, "Received")).isEqualTo(1L);
    }

    @Test
    void theServerMBeanShowsClientsGroupsAndPolicies() throws Exception {
        broker.add("bob", traffic(), "team", "ops");
        broker.add("alice", traffic(), "team");
        mbeans.open();

        assertThat(server.getAttribute(MBeanNames.SERVER, "ClientCount")).isEqualTo(2);
        assertThat((String[]) server.getAttribute(MBeanNames.SERVER, "ClientNames")).containsExactly("alice", "bob");
        assertThat(server.getAttribute(MBeanNames.SERVER, "GroupCount")).isEqualTo(2);
        TabularData groups = (TabularData) server.getAttribute(MBeanNames.SERVER, "Groups");
        assertThat((String[]) groups.get(new Object[] {"team"}).get("value")).containsExactly("alice", "bob");
        assertThat((String[]) groups.get(new Object[] {"ops"}).get("value")).containsExactly("bob");

        assertThat(server.getAttribute(MBeanNames.SERVER, "ActivePolicy")).isEqualTo("strict");
        CompositeData[] policies = (CompositeData[]) server.getAttribute(MBeanNames.SERVER, "Policies");
        assertThat(policies).extracting(policy -> policy.get("name")).containsExactly("strict", "spec");
        assertThat(policies[0].get("active")).isEqualTo(true);
        assertThat(policies[0].get("ranking")).isEqualTo(10);
        assertThat(policies[0].get("serviceId")).isEqualTo(7L);
        assertThat(policies[1].get("bundle")).isEqualTo("org.octopipes.router");
    }

    @Test
    void theServerMBeanListsTheAccessChecksInFrontOfRouting() throws Exception {
        mbeans.open();
        assertThat((CompositeData[]) server.getAttribute(MBeanNames.SERVER, "AccessChecks")).as("none installed").isEmpty();

        broker.accessChecks.add(new PolicyInfo("acl", 0, 12, "org.octopipes.policy.acl", true));

        CompositeData[] checks = (CompositeData[]) server.getAttribute(MBeanNames.SERVER, "AccessChecks");
        assertThat(checks).extracting(check -> check.get("name")).containsExactly("acl");
        assertThat(checks[0].get("bundle")).isEqualTo("org.octopipes.policy.acl");
        assertThat(checks[0].get("active")).isEqualTo(true);
    }

    @Test
    void withoutAnActivePolicyTheActivePolicyIsEmpty() throws Exception {
        broker.policies.clear();
        mbeans.open();

        assertThat(server.getAttribute(MBeanNames.SERVER, "ActivePolicy")).isEqualTo("");
        assertThat((CompositeData[]) server.getAttribute(MBeanNames.SERVER, "Policies")).isEmpty();
    }

    @Test
    void everyClientSubscribedAtOpenHasAnMBean() throws Exception {
        broker.add("bob", FakeBroker.counters(4, 3, 2, Map.of(DropReason.TTL_EXPIRED, 1L)), "team");
        mbeans.open();

        ObjectName bob = new ObjectName("org.octopipes:type=Client,name=bob");
        assertThat(server.isRegistered(bob)).isTrue();
        assertThat(server.getAttribute(bob, "Name")).isEqualTo("bob");
        assertThat((String[]) server.getAttribute(bob, "Groups")).containsExactly("team");
        assertThat(server.getAttribute(bob, "Transport")).isEqualTo("fifo");
        assertThat(server.getAttribute(bob, "Address")).isEqualTo("/run/bob_rx.fifo");
        assertThat(server.getAttribute(bob, "Peer")).as("a FIFO client's peer cannot be told").isEqualTo("");
        assertThat(server.getAttribute(bob, "QueuedPackets")).isEqualTo(2);
        assertThat(server.getAttribute(bob, "QueuedBytes")).isEqualTo(40L);
        assertThat(server.getAttribute(bob, "Received")).isEqualTo(4L);
        assertThat(server.getAttribute(bob, "Routed")).isEqualTo(3L);
        assertThat(server.getAttribute(bob, "Delivered")).isEqualTo(2L);
        assertThat(server.getAttribute(bob, "DroppedTotal")).isEqualTo(1L);
        assertThat(longsByKey((TabularData) server.getAttribute(bob, "Dropped"))).containsEntry("TTL_EXPIRED", 1L)
                .hasSize(DropReason.values().length);
        assertThat(server.getAttribute(bob, "SubscribedAt")).isEqualTo(Date.from(Instant.parse("2026-01-02T03:04:05Z")));
        assertThat((Date) server.getAttribute(bob, "LastActivity")).isNotNull();
        assertThat((Long) server.getAttribute(bob, "IdleSeconds")).isBetween(0L, 60L);
    }

    @Test
    void aClientThatSubscribesGetsAnMBeanAtTheNextSynchronization() throws Exception {
        mbeans.open();
        broker.add("carol", traffic());
        assertThat(clientMBeans()).isEmpty();

        mbeans.synchronizeClients();

        assertThat(clientMBeans()).containsExactly(MBeanNames.client(Name.of("carol")));
    }

    @Test
    void aClientThatLeavesLosesItsMBeanAtTheNextSynchronization() throws Exception {
        broker.add("carol", traffic());
        broker.add("dave", traffic());
        mbeans.open();

        broker.remove("carol");
        mbeans.synchronizeClients();

        assertThat(clientMBeans()).containsExactly(MBeanNames.client(Name.of("dave")));
    }

    @Test
    void readingTheMBeanOfAClientThatLeftSaysSo() throws Exception {
        broker.add("carol", traffic());
        mbeans.open();
        broker.remove("carol");

        assertThatThrownBy(() -> server.getAttribute(MBeanNames.client(Name.of("carol")), "Received"))
                .isInstanceOf(RuntimeMBeanException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("'carol' is no longer subscribed");
    }

    @Test
    void aNameWithObjectNameSeparatorsIsQuotedAndFindsItsClient() throws Exception {
        String odd = "a,type=Server:b\"c*?";
        broker.add(odd, traffic());
        mbeans.open();

        ObjectName name = MBeanNames.client(Name.of(odd));
        assertThat(name.getKeyPropertyList()).containsOnlyKeys("type", "name");
        assertThat(name.isPattern()).isFalse();
        assertThat(ObjectName.unquote(name.getKeyProperty("name"))).isEqualTo(odd);
        assertThat(server.getAttribute(name, "Name")).isEqualTo(odd);
        assertThat(server.queryNames(MBeanNames.EVERY_CLIENT, null)).containsExactly(name);
    }

    @Test
    void aPlainNameStaysUnquotedAndDiffersFromTheQuotedNameOfItsQuotedSpelling() {
        ObjectName plain = MBeanNames.client(Name.of("bob"));
        ObjectName quotedSpelling = MBeanNames.client(Name.of("\"bob\""));

        assertThat(plain.getKeyProperty("name")).isEqualTo("bob");
        assertThat(quotedSpelling).isNotEqualTo(plain);
        assertThat(ObjectName.unquote(quotedSpelling.getKeyProperty("name"))).isEqualTo("\"bob\"");
    }

    @Test
    void everyPrintableCharacterInANameGivesAnObjectNameThatReadsBackAsTheName() {
        for (char c = 0x20; c < 0x7F; c++) {
            String text = "a" + c + "b";
            ObjectName name = MBeanNames.client(Name.of(text));

            String value = name.getKeyProperty("name");
            assertThat(name.getKeyPropertyList()).as(text).containsOnlyKeys("type", "name");
            assertThat(name.isPattern()).as(text).isFalse();
            assertThat(value.startsWith("\"") ? ObjectName.unquote(value) : value).as(text).isEqualTo(Name.of(text).toString());
        }
    }

    @Test
    void aBrokerThatFailsWhileOpeningLeavesNoMBeanBehind() {
        FakeBroker failing = new FakeBroker() {
            @Override
            public List<ClientInfo> clients() {
                throw new IllegalStateException("router going away");
            }
        };
        OctopipesMBeans failed = new OctopipesMBeans(failing, server, log.logger());

        assertThatThrownBy(failed::open).hasMessage("router going away");
        assertThat(server.isRegistered(MBeanNames.SERVER)).isFalse();
    }

    @Test
    void bytesThatAreNotPrintableAppearEscapedAsTheShellShowsThem() throws Exception {
        broker.clients.clear();
        Name binary = Name.of(new byte[] {'x', 0, '\\'});
        broker.clients.put(binary, new ClientInfo(binary, Set.of(), "fifo", "-", 0, 0, traffic(),
                Instant.now(), Instant.now()));
        mbeans.open();

        ObjectName name = MBeanNames.client(binary);
        assertThat(name.getKeyProperty("name")).isEqualTo("x\\x00\\x5c");
        assertThat(server.getAttribute(name, "Name")).isEqualTo("x\\x00\\x5c");
    }

    @Test
    void kickThroughTheServerMBeanRemovesTheClientsMBeanAtOnce() throws Exception {
        broker.add("bob", traffic());
        mbeans.open();

        Object kicked = server.invoke(MBeanNames.SERVER, "kick", new Object[] {"bob"}, new String[] {String.class.getName()});

        assertThat(kicked).isEqualTo(true);
        assertThat(broker.clients).isEmpty();
        assertThat(clientMBeans()).isEmpty();
    }

    @Test
    void kickFindsANameAsItIsShownEvenWithABackslash() throws Exception {
        broker.add("back\\slash", traffic());
        broker.add("other\\one", traffic());
        mbeans.open();
        assertThat((String[]) server.getAttribute(MBeanNames.SERVER, "ClientNames")).containsExactly("back\\x5cslash", "other\\x5cone");

        Object kickedAsShown = server.invoke(MBeanNames.SERVER, "kick", new Object[] {"back\\x5cslash"}, new String[] {String.class.getName()});
        Object kickedAsTyped = server.invoke(MBeanNames.SERVER, "kick", new Object[] {"other\\one"}, new String[] {String.class.getName()});

        assertThat(kickedAsShown).isEqualTo(true);
        assertThat(kickedAsTyped).isEqualTo(true);
        assertThat(clientMBeans()).isEmpty();
    }

    @Test
    void kickingAClientThatIsNotSubscribedAnswersFalse() throws Exception {
        mbeans.open();

        assertThat(server.invoke(MBeanNames.SERVER, "kick", new Object[] {"nobody"}, new String[] {String.class.getName()})).isEqualTo(false);
    }

    @Test
    void subscribeAndUnsubscribeChangeALiveClientsGroups() throws Exception {
        broker.add("bob", traffic(), "team");
        mbeans.open();
        ObjectName bob = MBeanNames.client(Name.of("bob"));
        String[] signature = {String.class.getName(), String.class.getName()};

        server.invoke(MBeanNames.SERVER, "subscribe", new Object[] {"bob", "ops"}, signature);
        assertThat((String[]) server.getAttribute(bob, "Groups")).containsExactly("ops", "team");

        server.invoke(MBeanNames.SERVER, "unsubscribe", new Object[] {"bob", "team"}, signature);
        assertThat((String[]) server.getAttribute(bob, "Groups")).containsExactly("ops");
    }

    @Test
    void anUnknownClientIsAnErrorEveryJmxClientCanRead() throws Exception {
        mbeans.open();
        String[] signature = {String.class.getName(), String.class.getName()};

        assertThatThrownBy(() -> server.invoke(MBeanNames.SERVER, "subscribe", new Object[] {"nobody", "team"}, signature))
                .isInstanceOf(RuntimeMBeanException.class)
                .cause().isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nobody'");
    }

    @Test
    void closeUnregistersEveryMBeanAndLaterSynchronizationsRegisterNothing() throws Exception {
        broker.add("bob", traffic());
        mbeans.open();

        mbeans.close();
        broker.add("carol", traffic());
        mbeans.synchronizeClients();

        assertThat(server.queryNames(new ObjectName(MBeanNames.DOMAIN + ":*"), null)).isEmpty();
    }

    @Test
    void aServerMBeanAlreadyThereFailsOpen() throws Exception {
        mbeans.open();
        OctopipesMBeans second = new OctopipesMBeans(new FakeBroker(), server, log.logger());

        assertThatThrownBy(second::open).isInstanceOf(InstanceAlreadyExistsException.class);
    }

    @Test
    void aClientMBeanThatCannotBeRegisteredIsWarnedAboutOnce() throws Exception {
        mbeans.open();
        ObjectName taken = MBeanNames.client(Name.of("bob"));
        server.registerMBean(new DescribedMXBean<>(new ClientView(broker, Name.of("bob")), ClientMXBean.class), taken);
        broker.add("bob", traffic());

        mbeans.synchronizeClients();
        mbeans.synchronizeClients();

        assertThat(log.at("WARN")).hasSize(1).first().asString().contains("bob");
    }

    @Test
    void jconsoleShowsDescriptionsAndParameterNames() throws Exception {
        broker.add("bob", traffic());
        mbeans.open();

        MBeanInfo serverInfo = server.getMBeanInfo(MBeanNames.SERVER);
        assertThat(serverInfo.getDescription()).startsWith("The Octopipes server");
        assertThat(Arrays.stream(serverInfo.getAttributes()).filter(a -> a.getName().equals("Routed")).findFirst().orElseThrow().getDescription())
                .isEqualTo("Packets that the routing policy gave at least one recipient");
        MBeanOperationInfo subscribe = Arrays.stream(serverInfo.getOperations()).filter(o -> o.getName().equals("subscribe")).findFirst().orElseThrow();
        assertThat(subscribe.getSignature()).extracting(p -> p.getName()).containsExactly("client", "group");
        assertThat(subscribe.getSignature()[1].getDescription()).isEqualTo("The group to add");
        assertThat(serverInfo.getDescriptor().getFieldValue("mxbean")).isEqualTo("true");

        MBeanInfo clientInfo = server.getMBeanInfo(MBeanNames.client(Name.of("bob")));
        assertThat(Arrays.stream(clientInfo.getAttributes()).map(a -> a.getName()))
                .containsExactlyInAnyOrder("Name", "Groups", "Transport", "Address", "Peer", "QueuedPackets", "QueuedBytes", "Received",
                        "Routed", "Delivered", "DroppedTotal", "Dropped", "SubscribedAt", "LastActivity", "IdleSeconds");
        assertThat(Arrays.stream(clientInfo.getAttributes())).allSatisfy(attribute -> assertThat(attribute.getDescription())
                .as(attribute.getName()).isNotBlank().doesNotStartWith("Attribute exposed"));
    }

    @Test
    void everyAttributeReadsInOneBulkCallAsJConsoleDoes() throws Exception {
        broker.add("bob", traffic(), "team");
        mbeans.open();
        for (ObjectName name : new ObjectName[] {MBeanNames.SERVER, MBeanNames.client(Name.of("bob"))}) {
            String[] attributes = Arrays.stream(server.getMBeanInfo(name).getAttributes()).map(a -> a.getName()).toArray(String[]::new);

            AttributeList values = server.getAttributes(name, attributes);

            assertThat(values.asList()).extracting(Attribute::getName).as(name.toString()).containsExactlyInAnyOrder(attributes);
        }
    }

    private Set<ObjectName> clientMBeans() {
        return server.queryNames(MBeanNames.EVERY_CLIENT, null);
    }

    private static TrafficCounters traffic() {
        return FakeBroker.counters(0, 0, 0, Map.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> longsByKey(TabularData table) {
        Map<String, Long> values = new HashMap<>();
        for (CompositeData row : (Collection<CompositeData>) table.values()) {
            values.put((String) row.get("key"), (Long) row.get("value"));
        }
        return values;
    }
}
