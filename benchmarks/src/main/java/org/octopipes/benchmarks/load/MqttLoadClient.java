package org.octopipes.benchmarks.load;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
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
import org.octopipes.codec.Name;
import org.octopipes.codec.Packet;

/**
 * The load harness's clients for the Mosquitto baseline: the same payload layout and report as
 * {@link LoadClient}, over MQTT at QoS 0, the delivery Octopipes gives; or, with {@code --qos 1},
 * at QoS 1 with up to {@code --window} publications in flight, the delivery the MQTT bridge uses.
 */
public final class MqttLoadClient {

    private MqttLoadClient() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String broker = "tcp://127.0.0.1:" + options.get("port");
        // A bridge's topic is given whole (--mqtt-topic); the baseline's clients share load/<topic>.
        String topic = options.getOrDefault("mqtt-topic", "load/" + options.get("topic"));
        // --packet ORIGIN>REMOTE: each message an Octopipes packet, as a bridge publishes and expects;
        // a subscriber given it reads the layout from the packet's payload.
        String[] packet = options.containsKey("packet") ? options.get("packet").split(">") : null;
        long count = Long.parseLong(options.getOrDefault("count", "100000"));
        MqttConnectOptions connect = new MqttConnectOptions();
        connect.setCleanSession(true);
        connect.setMaxInflight(65535);
        if (args[0].equals("ping") || args[0].equals("pong")) {
            roundTrips(args[0], new MqttAsyncClient(broker, options.get("name"), new MemoryPersistence()), connect, options);
            return;
        }
        int qos = Integer.parseInt(options.getOrDefault("qos", "0"));
        if (args[0].equals("pub") && qos == 1) {
            publishInFlight(new MqttAsyncClient(broker, options.get("name"), new MemoryPersistence()), topic, count, options, packet);
            return;
        }
        MqttClient client = new MqttClient(broker, options.get("name"), new MemoryPersistence());
        if (args[0].equals("pub")) {
            client.connect(connect);
            System.out.println("READY");
            int payloadSize = Integer.parseInt(options.getOrDefault("payload", "32"));
            ByteBuffer payload = ByteBuffer.allocate(payloadSize);
            for (long sequence = 0; sequence < count; sequence++) {
                payload.putLong(0, sequence).putLong(8, System.nanoTime());
                MqttMessage message = new MqttMessage(payload.array().clone());
                message.setQos(0);
                client.publish(topic, message);
            }
            System.out.println("SENT " + count);
            client.disconnect();
        } else {
            Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            long[] state = new long[5]; // received, expected next, lost, reordered, bytes
            long[] times = new long[2];
            CountDownLatch done = new CountDownLatch(1);
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    done.countDown();
                }

                @Override
                public void messageArrived(String arrivedTopic, MqttMessage message) {
                    long now = System.nanoTime();
                    Packet decoded = packet == null ? null : Packet.decode(message.getPayload());
                    if (decoded != null && decoded.origin().isServer()) {
                        // A bridge's flow-control mark in the group's stream (docs/bridge.md), not a load packet.
                        return;
                    }
                    ByteBuffer bytes = decoded == null ? ByteBuffer.wrap(message.getPayload()) : decoded.payload();
                    long sequence = bytes.getLong(bytes.position());
                    latency.recordValue(Math.max(0, now - bytes.getLong(bytes.position() + 8)));
                    if (sequence > state[1]) {
                        state[2] += sequence - state[1];
                    } else if (sequence < state[1]) {
                        state[3]++;
                    }
                    state[1] = Math.max(state[1], sequence + 1);
                    if (state[0] == 0) {
                        times[0] = now;
                    }
                    times[1] = now;
                    state[4] += bytes.remaining();
                    if (++state[0] >= count) {
                        done.countDown();
                    }
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            client.connect(connect);
            client.subscribe(topic, qos);
            System.out.println("READY");
            long idleMillis = Long.parseLong(options.getOrDefault("idle-ms", "10000"));
            long seen = -1;
            while (!done.await(idleMillis, TimeUnit.MILLISECONDS) && state[0] != seen) {
                seen = state[0];
            }
            double seconds = (times[1] - times[0]) / 1e9;
            long missing = state[2] + Math.max(0, count - state[0] - state[2]);
            System.out.printf(java.util.Locale.ROOT, "RECEIVED received=%d lost=%d reordered=%d seconds=%.6f msgs_per_s=%.0f mb_per_s=%.2f"
                    + " p50_us=%.1f p99_us=%.1f p999_us=%.1f%n", state[0], missing, state[3], seconds,
                    state[0] / Math.max(seconds, 1e-9), state[4] / Math.max(seconds, 1e-9) / 1e6,
                    latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                    latency.getValueAtPercentile(99.9) / 1e3);
            client.disconnect();
        }
        client.close();
    }

    /**
     * Publishes at QoS 1 with up to {@code --window} publications unacknowledged, as the MQTT
     * bridge does: the broker's speed rather than one round trip per message.
     */
    private static void publishInFlight(MqttAsyncClient client, String topic, long count, Map<String, String> options, String[] packet)
            throws Exception {
        int window = Integer.parseInt(options.getOrDefault("window", "256"));
        MqttConnectOptions connect = new MqttConnectOptions();
        connect.setCleanSession(true);
        // Room beyond the window: Paho counts a publication in flight a little past its acknowledgement.
        connect.setMaxInflight(2 * window);
        client.connect(connect).waitForCompletion();
        System.out.println("READY");
        Semaphore room = new Semaphore(window);
        IMqttActionListener acknowledged = new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                room.release();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable failure) {
                System.err.println("publication failed: " + failure);
                room.release();
            }
        };
        int payloadSize = Integer.parseInt(options.getOrDefault("payload", "32"));
        ByteBuffer payload = ByteBuffer.allocate(payloadSize);
        for (long sequence = 0; sequence < count; sequence++) {
            room.acquire();
            payload.putLong(0, sequence).putLong(8, System.nanoTime());
            MqttMessage message = new MqttMessage(packet == null ? payload.array().clone()
                    : Packet.wrap(Name.parse(packet[0]), Name.parse(packet[1]), 60, 0, payload.duplicate()).toBytes());
            message.setQos(1);
            while (true) {
                try {
                    client.publish(topic, message, null, acknowledged);
                    break;
                } catch (MqttException e) {
                    if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                        throw e;
                    }
                    Thread.onSpinWait();
                }
            }
        }
        room.acquire(window);
        System.out.println("SENT " + count);
        client.disconnect().waitForCompletion();
        client.close();
    }

    /**
     * The round-trip scenario over MQTT: {@code pong} answers every message on {@code rt/ping} at
     * once on {@code rt/pong}; {@code ping} sends one message, waits for its answer, and times it,
     * as {@link RoundTripClient} does over FIFOs (window 1, the first {@code --warmup} untimed).
     * The asynchronous client, because it can publish from the arrival callback: the synchronous
     * one waits there for a completion that the same callback thread would report, and hangs.
     */
    private static void roundTrips(String role, MqttAsyncClient client, MqttConnectOptions connect, Map<String, String> options)
            throws Exception {
        long warmup = Long.parseLong(options.getOrDefault("warmup", "2000"));
        long total = warmup + Long.parseLong(options.getOrDefault("count", "20000"));
        int payloadSize = Integer.parseInt(options.getOrDefault("payload", "32"));
        Histogram roundTrips = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong answered = new AtomicLong();
        long[] state = new long[2]; // unexpected, sent: only the callback thread touches them once started
        CountDownLatch done = new CountDownLatch(1);
        ByteBuffer payload = ByteBuffer.allocate(payloadSize);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                System.err.println("connection lost: " + cause);
                done.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                if (role.equals("pong")) {
                    client.publish("rt/pong", message.getPayload(), 0, false);
                    if (answered.incrementAndGet() >= total) {
                        done.countDown();
                    }
                    return;
                }
                long now = System.nanoTime();
                ByteBuffer bytes = ByteBuffer.wrap(message.getPayload());
                long sequence = bytes.getLong(0);
                if (sequence != answered.get()) {
                    state[0]++;
                }
                if (sequence >= warmup) {
                    roundTrips.recordValue(Math.max(0, now - bytes.getLong(8)));
                }
                if (answered.incrementAndGet() >= total) {
                    done.countDown();
                } else {
                    send(client, payload, state[1]++);
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(connect).waitForCompletion();
        client.subscribe(role.equals("pong") ? "rt/ping" : "rt/pong", 0).waitForCompletion();
        System.out.println("READY");
        if (role.equals("ping")) {
            send(client, payload, state[1]++);
        }
        long seen = -1;
        while (!done.await(10, TimeUnit.SECONDS) && answered.get() != seen) {
            seen = answered.get();
        }
        if (role.equals("ping")) {
            RoundTripClient.report(roundTrips, total - answered.get(), state[0]);
        }
        client.disconnect().waitForCompletion();
        client.close();
    }

    private static void send(MqttAsyncClient client, ByteBuffer payload, long sequence) throws Exception {
        payload.putLong(0, sequence).putLong(8, System.nanoTime());
        client.publish("rt/ping", payload.array().clone(), 0, false);
    }
}
