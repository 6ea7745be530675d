package org.octopipes.bridge.mqtt.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.octopipes.codec.Name;

/**
 * The exporting side's end-to-end flow control over MQTT, free of MQTT: how far this bridge may
 * run ahead of the live importers of the groups it exports. MQTT 3.1.1 has none of its own (the
 * broker acknowledges a publication on receipt, then queues it for each subscriber, and Mosquitto
 * drops what exceeds {@code max_queued_messages}, 1,000 by default), so the bridges keep their own.
 *
 * <p>Counts, per exported group, the publications to it (their <em>positions</em>), and every
 * {@link #markEvery} of them asks for a {@linkplain Mark mark}, which the bridge publishes in the
 * group's own ordered stream. An importer that has routed everything before a mark confirms its
 * position ({@link #credit}). What an importer has not confirmed yet, summed over the exported
 * groups it imports, is what it may still have queued at the broker: the bridge publishes a
 * packet to a group only while that stays below {@link #window} for every importer of the group
 * that it waits for ({@link #mayPublish}). Importers announce themselves ({@link #present});
 * one that never did (an older bridge) is not waited for; one that vanishes ({@link #gone}) or
 * has kept the bridge waiting for longer than the timeout without confirming anything is no longer
 * waited for ({@link #expire}), until it announces itself again or confirms its way back within
 * the window. Thread-safe: the publishing thread asks and counts, the subscription's thread
 * reports presence and credits.
 */
final class CreditWindow {

    /**
     * A mark to publish to {@code group}, after every publication counted so far.
     *
     * @param group the exported group, whose topic carries it
     * @param position how many publications to the group it comes after
     */
    record Mark(Name group, long position) {
    }

    /** What changed for one importer, for the log. */
    record Change(String importer, boolean waitedFor) {
    }

    private final int window;
    private final int markEvery;
    private final long timeoutNanos;
    /** Per exported group: publications counted. */
    private final Map<Name, Long> published = new HashMap<>();
    /** Per exported group: the position of the last mark asked for; -1 when a new one is due at once. */
    private final Map<Name, Long> markedAt = new HashMap<>();
    private final Map<String, Importer> importers = new LinkedHashMap<>();
    private long givenUp;

    /** One importer: which exported groups it imports, and how far it confirmed each. */
    private static final class Importer {
        final Map<Name, Long> confirmed = new HashMap<>();
        boolean waitedFor = true;
        /** When the bridge began to wait for it without a credit since, by {@link System#nanoTime()}; 0 for not waiting. */
        long waitingSince;
    }

    /**
     * @param window publications at most that an importer may not have confirmed, at least 1
     * @param timeoutMillis how long an importer may keep the bridge waiting without confirming anything
     */
    CreditWindow(int window, long timeoutMillis) {
        if (window < 1 || timeoutMillis < 1) {
            throw new IllegalArgumentException("the window and the timeout must be at least 1");
        }
        this.window = window;
        this.markEvery = Math.max(1, window / 4);
        this.timeoutNanos = timeoutMillis * 1_000_000L;
    }

    int window() {
        return window;
    }

    /** Publications to a group between two marks: a quarter of the window, so that credits come well before it is used up. */
    int markEvery() {
        return markEvery;
    }

    /**
     * {@code importer} announced itself as importing {@code groups} (those this bridge does not
     * export are left aside). Confirmed from here on: what it may have queued from before is not
     * known, and not counted. An importer given up is waited for again.
     *
     * @return the change, if it was given up before, for the log; null otherwise
     */
    synchronized Change present(String importer, Set<Name> groups) {
        Importer known = importers.get(importer);
        boolean back = known != null && !known.waitedFor;
        if (known == null || back) {
            known = new Importer();
            importers.put(importer, known);
        }
        Map<Name, Long> before = new HashMap<>(known.confirmed);
        known.confirmed.clear();
        for (Name group : groups) {
            if (published.containsKey(group)) {
                known.confirmed.put(group, before.getOrDefault(group, published.get(group)));
            }
        }
        if (known.confirmed.isEmpty()) {
            importers.remove(importer);
            return null;
        }
        return back ? new Change(importer, true) : null;
    }

    /** {@code importer} is gone (its presence cleared by itself or by its last will): no longer waited for. */
    synchronized boolean gone(String importer) {
        return importers.remove(importer) != null;
    }

    /** Groups this bridge exports start at position 0; only those are counted. */
    synchronized void exports(Set<Name> groups) {
        for (Name group : groups) {
            published.putIfAbsent(group, 0L);
            markedAt.putIfAbsent(group, 0L);
        }
    }

    /**
     * Whether a publication to {@code group} stays within the window of every importer of it that
     * the bridge waits for; if not, the time the bridge began to wait for those is taken.
     */
    synchronized boolean mayPublish(Name group, long nowNanos) {
        if (!published.containsKey(group)) {
            return true;
        }
        boolean may = true;
        for (Importer importer : importers.values()) {
            if (importer.waitedFor && importer.confirmed.containsKey(group) && outstanding(importer) >= window) {
                may = false;
                if (importer.waitingSince == 0) {
                    importer.waitingSince = nowNanos;
                }
            }
        }
        return may;
    }

    /**
     * One publication to {@code group} was handed to the broker.
     *
     * @return the mark to publish right after it, or null if none is due
     */
    synchronized Mark published(Name group) {
        Long count = published.get(group);
        if (count == null) {
            return null;
        }
        long position = count + 1;
        published.put(group, position);
        if (position - markedAt.get(group) >= markEvery && imported(group)) {
            markedAt.put(group, position);
            return new Mark(group, position);
        }
        return null;
    }

    /**
     * The marks to publish while the bridge waits: for each group with publications after its last
     * mark (or whose marks may have been lost with a connection), one at its position now, so that
     * its importers can confirm all of it. Published at once, every earlier publication was.
     */
    synchronized List<Mark> marksWhileWaiting() {
        List<Mark> marks = new ArrayList<>();
        for (Map.Entry<Name, Long> group : published.entrySet()) {
            if (markedAt.get(group.getKey()) < group.getValue() && imported(group.getKey())) {
                markedAt.put(group.getKey(), group.getValue());
                marks.add(new Mark(group.getKey(), group.getValue()));
            }
        }
        return marks;
    }

    /** The publishing connection was lost: the marks on it may be lost too, and new ones are due once the bridge waits. */
    synchronized void marksLost() {
        markedAt.replaceAll((group, position) -> -1L);
    }

    /**
     * {@code importer} routed every publication to {@code group} up to {@code position}.
     *
     * @return the change, if an importer given up is within the window again and waited for from now on; null otherwise
     */
    synchronized Change credit(String importer, Name group, long position) {
        Importer known = importers.get(importer);
        Long count = published.get(group);
        if (known == null || count == null || !known.confirmed.containsKey(group)) {
            // Not announced (yet), or a group it does not import: nothing to count it against.
            return null;
        }
        known.confirmed.merge(group, Math.min(position, count), Math::max);
        known.waitingSince = 0;
        if (!known.waitedFor && outstanding(known) < window) {
            known.waitedFor = true;
            return new Change(importer, true);
        }
        return null;
    }

    /**
     * Gives up the importers that have kept the bridge waiting for longer than the timeout without
     * confirming anything: it goes on without them (they lose at the broker what exceeds its queue).
     *
     * @return the importers given up now, for the log
     */
    synchronized List<String> expire(long nowNanos) {
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, Importer> entry : importers.entrySet()) {
            Importer importer = entry.getValue();
            if (importer.waitedFor && importer.waitingSince != 0 && nowNanos - importer.waitingSince > timeoutNanos) {
                importer.waitingSince = 0;
                if (outstanding(importer) >= window) {
                    importer.waitedFor = false;
                    givenUp++;
                    expired.add(entry.getKey());
                }
            }
        }
        return expired;
    }

    /** The importers waited for now, in the order they announced themselves. */
    synchronized Set<String> waitedFor() {
        Set<String> live = new LinkedHashSet<>();
        importers.forEach((id, importer) -> {
            if (importer.waitedFor) {
                live.add(id);
            }
        });
        return live;
    }

    /** How many times an importer was given up for keeping the bridge waiting. */
    synchronized long givenUp() {
        return givenUp;
    }

    /** Publications to the groups {@code importer} imports that it has not confirmed; 0 for one not known. */
    synchronized long outstanding(String importer) {
        Importer known = importers.get(importer);
        return known == null ? 0 : outstanding(known);
    }

    private long outstanding(Importer importer) {
        long sum = 0;
        for (Map.Entry<Name, Long> confirmed : importer.confirmed.entrySet()) {
            sum += published.get(confirmed.getKey()) - confirmed.getValue();
        }
        return sum;
    }

    /** Whether some announced importer imports {@code group}: marks for nobody are not published. */
    private boolean imported(Name group) {
        for (Importer importer : importers.values()) {
            if (importer.confirmed.containsKey(group)) {
                return true;
            }
        }
        return false;
    }
}
