package org.octopipes.bridge.mqtt.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.octopipes.api.DropReason;
import org.octopipes.api.session.SessionRegistry;
import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.Session;
import org.octopipes.api.transport.Sessions;
import org.octopipes.api.transport.SubscriptionRefusedException;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameHandler;
import org.octopipes.codec.MalformedPacketException;
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;
import org.octopipes.codec.PacketError;
import org.octopipes.codec.StreamDecoder;
import org.osgi.service.log.Logger;

/**
 * One bridge between the local router and an MQTT broker, free of OSGi. To the server it is a
 * client like any other ({@code mqtt-bridge.<name>}, transport {@code mqtt}) with a session
 * subscribed to the export groups: what the router queues to it is published, the packet's bytes
 * unchanged as the MQTT payload. What arrives from the broker is relayed through the bridge's own
 * session ({@link Session#relay}), which a router update leaves open: its origin is a client of another server, and the router takes the
 * bridge as the sender, so it is not handed back to it; should a policy hand it to a bridge all the
 * same (echo, or a second bridge on this server), its delivery says it was
 * {@linkplain org.octopipes.api.transport.Delivery#imported() imported}, and it is not exported again.
 *
 * <p>Backpressure both ways: while the broker is connected, local senders of exported packets wait
 * for the bridge as for a slow reader ({@link PublishingPace}); a local recipient that falls behind
 * holds up the import ({@link ImportPace}), so the broker keeps what it has not delivered yet.
 *
 * <p>End-to-end flow control between bridges, which MQTT 3.1.1 lacks ({@link CreditWindow}): an
 * importing bridge announces itself with a retained message on {@code <prefix>/importer/<id>}
 * (the encoded groups it imports, separated by blanks), which its last will and its stop clear;
 * an exporter puts a <em>mark</em> into a group's stream every quarter of {@code credit.window}
 * publications, an Octopipes packet from the server to the server whose payload is
 * {@code mark <epoch> <position>}; an importer that has routed everything before it publishes
 * {@code <group> <epoch> <position>} on {@code <prefix>/credit/<exporter id>/<importer id>}. An
 * older importer drops a mark as a packet to another name than the topic's group, counted, and
 * is not waited for, since it never announces itself.
 *
 * <p>Two MQTT connections: {@code <id>-sub} with a persistent session (clean session off), so the
 * broker keeps the subscriptions and the messages that arrive while the bridge is away;
 * {@code <id>-pub} with a clean session, because the bridge keeps its own ordered buffer and
 * publishes each packet again until the broker acknowledges it: Paho keeping a copy too would send
 * it twice. One thread connects (with back-off) and publishes, up to {@code publish.window} in
 * flight, so the order of packets is kept across reconnections.
 */
final class MqttBridge implements BridgeStatus {

    /** How long the publishing thread waits for a packet before it checks the connections again. */
    private static final long POLL_MILLIS = 250;
    /** The longest the import waits for a local recipient that holds it up: they release within about a second. */
    private static final long IMPORT_HOLD_MILLIS = TimeUnit.SECONDS.toMillis(5);
    /** Paho's wait for a connection, a subscription or a publication's acknowledgement. */
    private static final int OPERATION_TIMEOUT_SECONDS = 10;
    private static final int KEEP_ALIVE_SECONDS = 30;
    /** The payload of a mark starts with this; the epoch and position follow. */
    private static final String MARK = "mark ";

    private final BridgeSettings settings;
    private final Logger logger;
    private final Name clientName;
    private final TopicScheme topics;
    private final OutboundBuffer buffer;
    private final RemoteNames remoteNames;
    private final BridgeOutlet outlet = new BridgeOutlet();
    private final PublishingPace publishingPace;
    private final ImportPace importPace = new ImportPace();
    /** Used only under {@code inbound}: Paho delivers on one thread, but after a reconnection that thread is new. */
    private final StreamDecoder decoder = new StreamDecoder();
    private final Object inbound = new Object();
    /** Notified when the bridge's session opens: the import waits on it while there is none (after a kick). */
    private final Object inboundReady = new Object();
    /** Used only under {@code inbound}. */
    private final RedeliveryFilter redeliveries = new RedeliveryFilter();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** How often Paho's in-flight limit made a publication wait, for the log at the stop. */
    private final AtomicLong inFlightLimitsMet = new AtomicLong();
    /** Exporting: how far the bridge may run ahead of its importers; null with {@code credit.window = 0}. */
    private final CreditWindow credits;
    /**
     * This bridge's marks' epoch, a new one at each start: a credit for a mark of an earlier run,
     * whose positions started elsewhere, is not taken for one of this run's.
     */
    private final String epoch = Long.toHexString(new SecureRandom().nextLong());
    /** Importing: the credits not yet handed to the publishing connection, the latest per exporter and group. */
    private final Map<String, Credit> pendingCredits = new ConcurrentHashMap<>();
    /** Importing: the latest credit per exporter and group, published again after a lost connection. */
    private final Map<String, Credit> lastCredits = new ConcurrentHashMap<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread worker;
    private final MqttAsyncClient publisher;
    /** Told by Paho, on its callback thread, when the broker acknowledged a publication. */
    private final IMqttActionListener acknowledgements = new Acknowledgements();
    private final MqttClient subscriber;
    private final SSLSocketFactory socketFactory;

    /** Where the bridge opens its session, which router updates leave open. */
    private final Sessions sessions;
    /** The other sessions: whether a name is a local client's. */
    private final SessionRegistry registry;
    /** Guarded by {@code opening}; read without it on the routing paths. Null after a kick, until opened again. */
    private volatile Session session;
    private final Object opening = new Object();
    /** Whether the bridge's name was refused at the last attempt; logged once, not at every retry. */
    private volatile boolean refusedBefore;
    /** Whether the last attempt to reach the broker failed; a new outage is logged once, not every retry. */
    private volatile boolean unreachable;

    MqttBridge(BridgeSettings settings, Sessions sessions, SessionRegistry registry, Logger logger) throws Exception {
        this.settings = settings;
        this.sessions = sessions;
        this.registry = registry;
        this.logger = logger;
        this.clientName = settings.clientName();
        this.topics = new TopicScheme(settings.topicPrefix(), settings.clientId());
        this.buffer = new OutboundBuffer(settings.bufferPackets(), settings.bufferBytes());
        this.publishingPace = new PublishingPace(settings.bufferPackets(), settings.bufferBytes());
        this.remoteNames = new RemoteNames(settings.remoteNames());
        this.socketFactory = TlsContexts.socketFactory(settings.tls());
        if (settings.creditWindow() > 0 && !settings.exportGroups().isEmpty()) {
            this.credits = new CreditWindow(settings.creditWindow(), settings.creditTimeoutMillis());
            credits.exports(settings.exportGroups());
            // Its own publications to groups it imports too take room in its own queue at the broker: it waits for them as well.
            credits.present(topics.bridgeId(), settings.importGroups());
        } else {
            this.credits = null;
        }
        String uri = settings.brokerUris().get(0);
        // In memory: the bridge's own buffer is what survives an outage; nothing is written to the working folder.
        this.publisher = new MqttAsyncClient(uri, settings.clientId() + "-pub", new MemoryPersistence());
        this.subscriber = new MqttClient(uri, settings.clientId() + "-sub", new MemoryPersistence());
        subscriber.setTimeToWait(TimeUnit.SECONDS.toMillis(OPERATION_TIMEOUT_SECONDS));
        subscriber.setCallback(new Subscription());
        this.worker = new Thread(this::run, "octopipes-mqtt-bridge-" + settings.name());
        worker.setDaemon(true);
    }

    /** Opens the bridge's session and starts connecting. */
    void start() {
        logger.info("MQTT bridge '{}' exporting {}, importing {}; connecting to {} as {}", settings.name(), settings.exportGroups(),
                settings.importGroups(), settings.brokerUris(), settings.clientId());
        worker.start();
    }

    /** Disconnects, and drops what was not published yet (counted as CLIENT_GONE). */
    void stop() {
        stopping.countDown();
        worker.interrupt();
        // Ends a publication the worker may be waiting on, so that it sees the stop at once.
        forceDisconnect(publisher);
        try {
            worker.join(TimeUnit.SECONDS.toMillis(OPERATION_TIMEOUT_SECONDS + 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (subscriber.isConnected()) {
                if (!settings.importGroups().isEmpty()) {
                    // Gone on purpose: the exporters stop waiting for this bridge at once (a clean
                    // disconnection does not publish the last will).
                    subscriber.publish(topics.presenceTopic(), new byte[0], 0, true);
                }
                subscriber.disconnect(TimeUnit.SECONDS.toMillis(1));
            }
            subscriber.close(true);
            publisher.close(true);
        } catch (MqttException e) {
            logger.debug("MQTT bridge '{}' did not close its connections cleanly: {}", settings.name(), e.getMessage());
        }
        letGo(session);
        logger.info("MQTT bridge '{}' stopped: {} packets sent, {} received, {} dropped; Paho's in-flight limit made {} publications wait; "
                + "importers given up for not confirming: {}", settings.name(), sent.get(), received.get(), dropped.get(), inFlightLimitsMet.get(),
                credits == null ? 0 : credits.givenUp());
    }

    /** Drops the buffered packets, counted against the session, and closes it. */
    private void letGo(Session current) {
        publishingPace.releaseAll();
        int lost = buffer.clear().size();
        if (current == null) {
            return;
        }
        if (lost > 0) {
            dropped.addAndGet(lost);
            current.dropped(DropReason.CLIENT_GONE, lost);
            logger.warn("MQTT bridge '{}' dropped {} packets it had not published yet", settings.name(), lost);
        }
        current.close();
    }

    // ---- The publishing thread: connections, back-off, publication

    private void run() {
        long delay = settings.reconnectMinMillis();
        while (stopping.getCount() > 0) {
            try {
                openOrSayWhy();
                connectIfNeeded();
                if (unreachable) {
                    unreachable = false;
                    logger.info("MQTT bridge '{}' reached the broker again", settings.name());
                }
                delay = settings.reconnectMinMillis();
                sendCredits();
                publishNext();
                // Also when no acknowledgement comes: a bridge that holds its senders too long becomes a slow reader.
                checkPace();
            } catch (InterruptedException e) {
                return;
            } catch (MqttException | RuntimeException e) {
                // The buffer is for an outage: nobody waits for a broker that is not there.
                publishingPace.releaseAll();
                if (stopping.getCount() == 0) {
                    return;
                }
                if (!unreachable) {
                    unreachable = true;
                    logger.warn("MQTT bridge '{}' cannot reach the broker at {} ({}); {} packets buffered, retrying with back-off",
                            settings.name(), settings.brokerUris(), describe(e), buffer.packets());
                } else {
                    logger.debug("MQTT bridge '{}': still no broker ({}); next attempt in {} ms", settings.name(), describe(e), delay);
                }
                forceDisconnect(publisher);
                try {
                    if (stopping.await(delay, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    return;
                }
                delay = Math.min(delay * 2, settings.reconnectMaxMillis());
            }
        }
    }

    /**
     * Opens the bridge's session if it can; a refusal (the name taken meanwhile) is logged once,
     * and the publishing thread tries again at its next turn.
     */
    private void openOrSayWhy() {
        try {
            openIfClosed();
            refusedBefore = false;
        } catch (SubscriptionRefusedException e) {
            if (!refusedBefore) {
                refusedBefore = true;
                logger.warn("MQTT bridge '{}': client '{}' was refused: {}; trying again", settings.name(), clientName, e.getMessage());
            }
        }
    }

    /**
     * Opens the bridge's session when it has none: at the start, and after a kick (it subscribes
     * again, like a client would). A router update leaves the session open: the import waits
     * meanwhile, held up by the session, and nothing is attached again.
     */
    private void openIfClosed() {
        synchronized (opening) {
            if (session != null) {
                return;
            }
            // The names learned stay subscribed: replies to remote clients keep reaching the bridge.
            Set<Name> groups = new LinkedHashSet<>(settings.exportGroups());
            groups.addAll(remoteNames.all());
            session = sessions.open(clientName, groups, outlet, importPace);
            logger.info("MQTT bridge '{}' subscribed as client '{}', groups {}", settings.name(), clientName, groups);
        }
        synchronized (inboundReady) {
            inboundReady.notifyAll();
        }
    }

    private void connectIfNeeded() throws MqttException {
        if (!subscriber.isConnected()) {
            MqttConnectOptions subscribing = options(false);
            if (!settings.importGroups().isEmpty()) {
                // Should this connection die, the broker clears the presence: the exporters stop waiting for this bridge.
                subscribing.setWill(topics.presenceTopic(), new byte[0], 1, true);
            }
            subscriber.connect(subscribing);
            List<String> filters = new ArrayList<>();
            for (Name group : settings.importGroups()) {
                filters.add(topics.groupFilter(group));
            }
            filters.add(topics.clientFilter());
            if (credits != null) {
                filters.add(topics.presenceFilter());
                filters.add(topics.creditFilter());
            }
            int[] qos = new int[filters.size()];
            Arrays.fill(qos, settings.qos());
            IMqttToken token = subscriber.subscribeWithResponse(filters.toArray(String[]::new), qos);
            for (int granted : token.getGrantedQos()) {
                if (granted == 0x80) {
                    subscriber.disconnect();
                    throw new MqttException(MqttException.REASON_CODE_SUBSCRIBE_FAILED);
                }
            }
            if (!settings.importGroups().isEmpty()) {
                // QoS 0: written, not acknowledged, so that it waits for nothing the callback thread, held up by a
                // local recipient, could keep Paho from reading; retained, so that exporters that come later see it too.
                subscriber.publish(topics.presenceTopic(), presence(), 0, true);
            }
            logger.info("MQTT bridge '{}' connected to {} and subscribed to {}", settings.name(), subscriber.getCurrentServerURI(), filters);
        }
        if (!publisher.isConnected()) {
            MqttConnectOptions options = options(true);
            // Paho counts a publication in flight a little past its acknowledgement (its issue 551):
            // room beyond the window, so that its limit is met only by a burst of acknowledgements.
            options.setMaxInflight(2 * settings.publishWindow());
            publisher.connect(options).waitForCompletion(TimeUnit.SECONDS.toMillis(OPERATION_TIMEOUT_SECONDS));
            int again = buffer.publishAgain();
            if (credits != null) {
                credits.marksLost();
            }
            // Credits in flight on the lost connection may be lost: the latest of each go again, in case an exporter waits for them.
            pendingCredits.putAll(lastCredits);
            logger.info("MQTT bridge '{}' connected to {} to publish{}", settings.name(), publisher.getCurrentServerURI(),
                    again == 0 ? "" : "; " + again + " packets in flight when the connection was lost go again");
        }
    }

    private MqttConnectOptions options(boolean cleanSession) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setServerURIs(settings.brokerUris().toArray(String[]::new));
        options.setCleanSession(cleanSession);
        // The bridge reconnects itself, with its own back-off, and knows which connection to rebuild.
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(OPERATION_TIMEOUT_SECONDS);
        options.setKeepAliveInterval(KEEP_ALIVE_SECONDS);
        if (!settings.username().isEmpty()) {
            options.setUserName(settings.username());
            options.setPassword(settings.password().toCharArray());
        }
        if (socketFactory != null) {
            options.setSocketFactory(socketFactory);
        } else if (settings.brokerUris().stream().allMatch(uri -> uri.startsWith("tcp://"))) {
            options.setSocketFactory(BufferedSockets.FACTORY);
        }
        return options;
    }

    /**
     * Publishes the next buffered packet without waiting for its acknowledgement, once fewer than
     * {@code publish.window} are in flight: the broker's speed, not one round trip per packet.
     * A packet leaves the buffer when acknowledged ({@link Acknowledgements}), in order.
     */
    private void publishNext() throws MqttException, InterruptedException {
        OutboundBuffer.Entry entry = buffer.nextToPublish(settings.publishWindow(), POLL_MILLIS, this::withinCredit);
        if (entry == null) {
            awaitingCredits();
            return;
        }
        Session current = session;
        if (current == null) {
            buffer.notPublished(entry);
            return;
        }
        if (entry.expired(System.nanoTime())) {
            buffer.done(entry);
            dropped.incrementAndGet();
            current.dropped(DropReason.TTL_EXPIRED, 1);
            return;
        }
        MqttMessage message = new MqttMessage(entry.packet());
        message.setQos(settings.qos());
        try {
            publisher.publish(entry.topic(), message, entry, acknowledgements);
        } catch (MqttException e) {
            buffer.notPublished(entry);
            if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                throw e;
            }
            // Paho's own limit of publications in flight: flow control, not an outage. The packet
            // goes first again, once an acknowledgement made room.
            inFlightLimitsMet.incrementAndGet();
            buffer.awaitAcknowledgement(POLL_MILLIS);
            return;
        }
        if (credits != null && entry.group() != null) {
            CreditWindow.Mark mark = credits.published(entry.group());
            if (mark != null) {
                publishMark(mark);
            }
        }
    }

    /** Whether {@code entry} may be published now: a packet to a group only within the credit window of its importers. */
    private boolean withinCredit(OutboundBuffer.Entry entry) {
        return credits == null || entry.group() == null || credits.mayPublish(entry.group(), System.nanoTime());
    }

    /**
     * Nothing was published at this turn: gives up the importers that kept the bridge waiting too
     * long, and, when the next packet waits for credits, marks what was published since the last
     * marks, so that the importers can confirm all of it (needed after a lost connection).
     */
    private void awaitingCredits() throws MqttException {
        if (credits == null) {
            return;
        }
        for (String importer : credits.expire(System.nanoTime())) {
            logger.warn("MQTT bridge '{}': importer '{}' confirmed nothing for {} ms: no longer waited for (it loses at the broker what "
                    + "exceeds its queue); waited for again once it announces itself or catches up", settings.name(), importer,
                    settings.creditTimeoutMillis());
            buffer.wakeUp();
        }
        OutboundBuffer.Entry next = buffer.firstUnsent();
        if (next != null && !withinCredit(next)) {
            for (CreditWindow.Mark mark : credits.marksWhileWaiting()) {
                publishMark(mark);
            }
        }
    }

    /** Publishes {@code mark} in its group's stream, after what was published so far; a mark Paho refuses is due again. */
    private void publishMark(CreditWindow.Mark mark) throws MqttException {
        byte[] payload = Packet.wrap(Name.SERVER, Name.SERVER, 0, 0,
                ByteBuffer.wrap((MARK + epoch + " " + mark.position()).getBytes(StandardCharsets.US_ASCII))).toBytes();
        MqttMessage message = new MqttMessage(payload);
        message.setQos(settings.qos());
        try {
            publisher.publish(topics.groupTopic(mark.group()), message);
        } catch (MqttException e) {
            credits.marksLost();
            if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                throw e;
            }
        }
    }

    /** Releases the senders held up once the buffer is low enough, or once they waited too long. */
    private void checkPace() {
        if (publishingPace.drained(buffer.packets(), buffer.bytes(), System.nanoTime())) {
            logger.warn("MQTT bridge '{}' publishes too slowly for its senders: they no longer wait for it, and what does not fit its buffer is dropped",
                    settings.name());
        }
    }

    /** The broker acknowledged a publication (for QoS 0: Paho wrote it): it leaves the buffer, and counts as delivered. */
    private final class Acknowledgements implements IMqttActionListener {
        @Override
        public void onSuccess(IMqttToken token) {
            buffer.done((OutboundBuffer.Entry) token.getUserContext());
            sent.incrementAndGet();
            Session current = session;
            if (current != null) {
                current.delivered(1);
            }
            // The senders held up go on as soon as the buffer is low enough, not at the publishing
            // thread's next turn: that thread may be waiting for packets they cannot send meanwhile.
            checkPace();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable failure) {
            // The connection is lost: the publishing thread connects again and publishes what was in flight once more.
            logger.debug("MQTT bridge '{}': a publication failed ({}); it goes again after the next connection", settings.name(),
                    failure == null ? "no reason given" : failure.getMessage());
        }
    }

    /**
     * A publication that failed or timed out leaves the connection in doubt: closing it makes Paho
     * forget the packet, so that the next connection publishes it once more, from the buffer.
     */
    private void forceDisconnect(MqttAsyncClient client) {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, TimeUnit.SECONDS.toMillis(1));
            }
        } catch (MqttException e) {
            logger.debug("MQTT bridge '{}': {} did not disconnect: {}", settings.name(), client.getClientId(), e.getMessage());
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return e.getMessage() + (cause != e ? ": " + cause : "");
    }

    // ---- Inbound: what the broker delivers

    /** Paho's callbacks for the subscribing connection. An exception thrown here would make Paho drop the connection. */
    private final class Subscription implements MqttCallback {

        @Override
        public void connectionLost(Throwable cause) {
            logger.warn("MQTT bridge '{}' lost its subscribing connection ({}); reconnecting", settings.name(), describe(cause));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                // While the bridge subscribes again (after a kick), the broker keeps the rest of the messages.
                awaitSession(IMPORT_HOLD_MILLIS);
                synchronized (inbound) {
                    if (redeliveries.seenBefore(message.getId(), message.isDuplicate())) {
                        logger.debug("MQTT bridge '{}': message {} on {} delivered again by the broker, routed already", settings.name(),
                                message.getId(), topic);
                        return;
                    }
                    onMessage(topic, message.getPayload());
                    // A local recipient that fell behind holds the import up: the broker keeps the rest meanwhile.
                    if (!importPace.awaitGoOn(IMPORT_HOLD_MILLIS)) {
                        logger.warn("MQTT bridge '{}': a local recipient held the import up for over {} ms; going on",
                                settings.name(), IMPORT_HOLD_MILLIS);
                    }
                }
            } catch (RuntimeException e) {
                refuse(DropReason.UNHANDLED, "could not route a message on " + topic + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // The subscribing connection publishes nothing.
        }
    }

    /** Routes one MQTT message on this server, if it is for this server; visible for the unit tests. */
    void onMessage(String topic, byte[] payload) {
        TopicScheme.Parsed parsed = topics.parse(topic);
        if (parsed == null) {
            refuse(DropReason.UNHANDLED, "a message on " + topic + ", which is not one of this bridge's topics");
            return;
        }
        switch (parsed.kind()) {
            case IMPORTER -> {
                onPresence(parsed.bridgeId(), payload);
                return;
            }
            case CREDIT -> {
                onCredit(parsed.bridgeId(), payload);
                return;
            }
            default -> {
                // Packets to groups and clients, below.
            }
        }
        if (parsed.kind() == TopicScheme.Kind.GROUP && isMark(payload)) {
            onMark(parsed, payload);
            return;
        }
        if (topics.isOwn(parsed)) {
            // Our own publication, back because MQTT 3.1.1 cannot say "not to me": the loop stops here.
            return;
        }
        if (parsed.kind() == TopicScheme.Kind.GROUP && !settings.importGroups().contains(parsed.name())) {
            refuse(DropReason.UNHANDLED, "a message on " + topic + ", a group this bridge does not import");
            return;
        }
        if (parsed.kind() == TopicScheme.Kind.CLIENT && !isLocalClient(parsed.name())) {
            // For a client of another server: that server's bridge delivers it. Not a loss.
            return;
        }
        decoder.reset();
        // [frames routed, errors reported]: a message must hold whole packets and nothing else.
        int[] seen = {0, 0};
        decoder.feed(ByteBuffer.wrap(payload), new FrameHandler() {
            @Override
            public void onFrame(Frame frame) {
                seen[0]++;
                inject(parsed, frame);
            }

            @Override
            public void onError(PacketError error, long streamOffset) {
                seen[1]++;
                refuse(DropReason.MALFORMED, "a message on " + topic + " that is not an Octopipes packet: " + error + " at byte " + streamOffset);
            }
        });
        if (seen[1] == 0 && (decoder.pendingBytes() > 0 || seen[0] == 0)) {
            refuse(DropReason.MALFORMED, "a message on " + topic + " with no whole packet (" + payload.length + " bytes)");
        }
        decoder.reset();
    }

    // ---- Flow control: presence, marks, credits

    /** The presence payload: the groups this bridge imports, encoded as in topics, separated by blanks. */
    private byte[] presence() {
        List<String> groups = new ArrayList<>();
        for (Name group : settings.importGroups()) {
            groups.add(TopicScheme.encode(group.toBytes()));
        }
        return String.join(" ", groups).getBytes(StandardCharsets.US_ASCII);
    }

    /** An importing bridge announced itself, or is gone (an empty payload: its stop or its last will). */
    private void onPresence(String importer, byte[] payload) {
        if (credits == null || importer.equals(topics.bridgeId())) {
            // Its own presence: it counts itself from the start.
            return;
        }
        String text = new String(payload, StandardCharsets.US_ASCII).strip();
        if (text.isEmpty()) {
            if (credits.gone(importer)) {
                logger.info("MQTT bridge '{}': importer '{}' is gone; no longer waited for", settings.name(), importer);
                buffer.wakeUp();
            }
            return;
        }
        Set<Name> groups = new LinkedHashSet<>();
        for (String level : text.split(" +")) {
            try {
                groups.add(Name.of(TopicScheme.decode(level)));
            } catch (IllegalArgumentException e) {
                refuse(DropReason.MALFORMED, "a presence of importer '" + importer + "' with a group that is not one: '" + level + "'");
                return;
            }
        }
        boolean known = credits.waitedFor().contains(importer);
        credits.present(importer, groups);
        if (!known && credits.waitedFor().contains(importer)) {
            logger.info("MQTT bridge '{}': importer '{}' of {} announced itself; waiting for its credits", settings.name(), importer, groups);
        }
        buffer.wakeUp();
    }

    /** An importer confirmed one of this bridge's marks: {@code <group> <epoch> <position>}. */
    private void onCredit(String importer, byte[] payload) {
        if (credits == null) {
            return;
        }
        String[] parts = new String(payload, StandardCharsets.US_ASCII).split(" ");
        if (parts.length != 3) {
            refuse(DropReason.MALFORMED, "a credit from importer '" + importer + "' that is not '<group> <epoch> <position>'");
            return;
        }
        if (!parts[1].equals(epoch)) {
            // For a mark of this bridge's earlier run: its positions counted from another start.
            return;
        }
        try {
            credit(importer, Name.of(TopicScheme.decode(parts[0])), Long.parseLong(parts[2]));
        } catch (IllegalArgumentException e) {
            refuse(DropReason.MALFORMED, "a credit from importer '" + importer + "' that is not '<group> <epoch> <position>': " + e.getMessage());
        }
    }

    private void credit(String importer, Name group, long position) {
        CreditWindow.Change change = credits.credit(importer, group, position);
        if (change != null) {
            logger.info("MQTT bridge '{}': importer '{}' caught up; waited for again", settings.name(), importer);
        }
        buffer.wakeUp();
    }

    /**
     * Whether a message on a group's topic is a mark: an Octopipes packet from the server to the
     * server (the origin's and the remote's lengths, bytes 2 and 3, are 0), which no client sends.
     */
    private static boolean isMark(byte[] payload) {
        return payload.length > 4 && payload[2] == 0 && payload[3] == 0;
    }

    /**
     * A mark in a group's stream: everything before it was routed (this thread routes in order), so
     * the importer confirms it to its exporter; its own marks, back from the broker, it confirms to itself.
     */
    private void onMark(TopicScheme.Parsed parsed, byte[] payload) {
        String[] parts;
        try {
            parts = new String(Packet.decode(payload).payloadBytes(), StandardCharsets.US_ASCII).split(" ");
        } catch (MalformedPacketException e) {
            refuse(DropReason.MALFORMED, "a message on the topic of '" + parsed.name() + "' that is not an Octopipes packet: " + e.getMessage());
            return;
        }
        if (parts.length != 3 || !(parts[0] + " ").equals(MARK)) {
            refuse(DropReason.UNHANDLED, "a packet from the server to the server on the topic of '" + parsed.name() + "' that is not a mark");
            return;
        }
        long position;
        try {
            position = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            refuse(DropReason.MALFORMED, "a mark on the topic of '" + parsed.name() + "' whose position is not a number");
            return;
        }
        if (topics.isOwn(parsed)) {
            if (credits != null && parts[1].equals(epoch)) {
                credit(topics.bridgeId(), parsed.name(), position);
            }
            return;
        }
        if (!settings.importGroups().contains(parsed.name())) {
            return;
        }
        String key = parsed.bridgeId() + " " + parsed.name();
        Credit credit = new Credit(topics.creditTopic(parsed.bridgeId()),
                (TopicScheme.encode(parsed.name().toBytes()) + " " + parts[1] + " " + position).getBytes(StandardCharsets.US_ASCII));
        lastCredits.put(key, credit);
        pendingCredits.put(key, credit);
        sendCredits();
    }

    /**
     * Hands the pending credits to the publishing connection; what it does not take now (not
     * connected, Paho's in-flight limit) the publishing thread hands over at its next turn.
     * Asynchronous: this is also the subscription's thread, which must never wait for the broker.
     */
    private void sendCredits() {
        for (Map.Entry<String, Credit> pending : pendingCredits.entrySet()) {
            Credit credit = pending.getValue();
            try {
                publisher.publish(credit.topic(), credit.payload(), settings.qos(), false);
            } catch (MqttException notNow) {
                return;
            }
            // Unless a later one took its place meanwhile.
            pendingCredits.remove(pending.getKey(), credit);
        }
    }

    /** A credit to publish: where, and {@code <group> <epoch> <position>}. */
    private record Credit(String topic, byte[] payload) {
    }

    private void inject(TopicScheme.Parsed parsed, Frame frame) {
        if (!frame.remoteIs(parsed.name())) {
            // The topic decides who may receive it; a packet claiming another remote would slip past the import list.
            refuse(DropReason.POLICY_DENIED, "a packet to '" + frame.remote() + "' on the topic of '" + parsed.name() + "'");
            return;
        }
        learn(frame.origin());
        received.incrementAndGet();
        Session current = session;
        if (current == null) {
            refuse(DropReason.CLIENT_GONE, "a packet to '" + frame.remote() + "' while the bridge has no session");
            return;
        }
        // Relayed, not routed: the origin is a client of another server, and the router takes the bridge
        // as the sender, so that no policy hands the packet back to it and anycast picks a local member.
        current.relay(frame, importPace);
    }

    /**
     * Remembers the origin of an imported packet when it is a client of another server, and
     * subscribes the bridge to its name here: an ACK or reply to it then reaches the bridge, which
     * publishes it to the client's topic. Done before the packet is routed, so that an ACK sent at
     * once finds the subscription.
     */
    private void learn(Name origin) {
        if (origin.isServer() || origin.equals(clientName) || remoteNames.touch(origin) || isLocalClient(origin)) {
            return;
        }
        RemoteNames.Learned learned = remoteNames.learn(origin);
        if (!learned.added()) {
            return;
        }
        Session current = session;
        if (current == null) {
            // Kicked: the name is subscribed with the others when the bridge subscribes again.
            return;
        }
        try {
            if (learned.forgotten() != null) {
                current.unsubscribe(Set.of(learned.forgotten()));
                logger.info("MQTT bridge '{}' forgot remote client '{}': more than {} remote names", settings.name(), learned.forgotten(),
                        settings.remoteNames());
            }
            current.subscribe(Set.of(origin));
        } catch (RuntimeException e) {
            // The server's max.groups, say: packets from the name still come in, replies to it stay here.
            remoteNames.forget(origin);
            logger.warn("MQTT bridge '{}' could not subscribe to remote client '{}', so replies to it are not bridged: {}", settings.name(),
                    origin, e.getMessage());
        }
    }

    private boolean isLocalClient(Name name) {
        return !name.equals(clientName)
                && registry.session(name).filter(other -> !other.outlet().transport().equals(BridgeOutlet.TRANSPORT)).isPresent();
    }

    /** Counts and logs an imported message that is not routed, among the server's drops. */
    private void refuse(DropReason reason, String detail) {
        dropped.incrementAndGet();
        sessions.dropped(reason, 1, "MQTT bridge '" + settings.name() + "': " + detail);
    }

    /** Waits up to {@code timeoutMillis} for the bridge's session to be open. */
    private void awaitSession(long timeoutMillis) throws InterruptedException {
        if (session != null) {
            // Open, as nearly always: no lock on the per-message path.
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (inboundReady) {
            while (session == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(inboundReady, left);
            }
        }
    }

    // ---- Outbound: what the router queues to the bridge

    /** The bridge's outlet, as any client's: each packet offered is buffered for publication. */
    private final class BridgeOutlet implements Outlet {

        static final String TRANSPORT = "mqtt";

        @Override
        public String transport() {
            return TRANSPORT;
        }

        @Override
        public String address() {
            return broker();
        }

        @Override
        public boolean offer(Frame packet, Delivery delivery) {
            Session current = session;
            if (delivery.imported()) {
                // A packet a bridge imported, this one or another of this server: the server it came from
                // exported it already. Exporting it again would loop; it reached every local member, so
                // it is taken here and neither delivered nor dropped.
                return true;
            }
            if (current != null && packet.remoteIs(clientName)) {
                // Addressed to the bridge itself: there is nothing it could do with it.
                current.dropped(DropReason.UNHANDLED, 1);
                dropped.incrementAndGet();
                return true;
            }
            Name remote = packet.remote();
            boolean toRemoteClient = !settings.exportGroups().contains(remote) && remoteNames.touch(remote);
            String topic = toRemoteClient ? topics.clientTopic(remote) : topics.groupTopic(remote);
            // Replies to one remote client stay outside the flow control: its bridge does not import them as a group, and they are few.
            Name group = toRemoteClient ? null : remote;
            byte[] bytes = new byte[packet.size()];
            packet.copyTo(ByteBuffer.wrap(bytes));
            boolean connected = publisher.isConnected();
            // While the broker is there a full buffer holds the sender up (just below) instead of dropping.
            if (buffer.offer(new OutboundBuffer.Entry(topic, bytes, delivery.deadlineNanos(), group), publishingPace.paces(delivery.sender(), connected))) {
                publishingPace.buffered(delivery.sender(), buffer.packets(), buffer.bytes(), connected);
                return true;
            }
            // The router counts this drop as QUEUE_FULL against the bridge, and logs it.
            dropped.incrementAndGet();
            return false;
        }

        @Override
        public int queuedPackets() {
            return MqttBridge.this.queuedPackets();
        }

        @Override
        public long queuedBytes() {
            return MqttBridge.this.queuedBytes();
        }

        @Override
        public void close() {
            // Kicked: let go of this session; the publishing thread subscribes again while it runs.
            Session current = session;
            session = null;
            remoteNames.clear();
            letGo(current);
        }
    }

    // ---- Status

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String broker() {
        return String.join(",", settings.brokerUris());
    }

    @Override
    public String clientId() {
        return settings.clientId();
    }

    @Override
    public boolean connected() {
        return publisher.isConnected() && subscriber.isConnected();
    }

    @Override
    public int queuedPackets() {
        return buffer.packets();
    }

    @Override
    public long queuedBytes() {
        return buffer.bytes();
    }

    @Override
    public long sent() {
        return sent.get();
    }

    @Override
    public long received() {
        return received.get();
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    @Override
    public int remoteNames() {
        return remoteNames.size();
    }

    @Override
    public int importersWaitedFor() {
        return credits == null ? 0 : credits.waitedFor().size();
    }

    @Override
    public long importersGivenUp() {
        return credits == null ? 0 : credits.givenUp();
    }
}
