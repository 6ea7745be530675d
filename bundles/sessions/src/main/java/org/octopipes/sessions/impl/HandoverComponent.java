package org.octopipes.sessions.impl;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.octopipes.transport.handover.Handover;
import org.octopipes.transport.handover.Parcel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The {@link Handover} service: parcels by key, each with a timer that releases it when its lease
 * ends. Stopping this bundle (the framework shutting down, say) releases every parcel at once.
 */
// Immediate: a delayed component would be deactivated, releasing every parcel, as soon as the
// transport that deposited one let go of the service, which it does as it stops.
@Component(service = Handover.class, immediate = true)
public final class HandoverComponent implements Handover {

    private record Held(Parcel parcel, ScheduledFuture<?> expiry) {
    }

    private final Logger logger;
    private final Map<String, Held> parcels = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "octopipes-handover-leases");
        thread.setDaemon(true);
        return thread;
    });

    @Activate
    public HandoverComponent(@Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
    }

    @Override
    public void deposit(String key, Parcel parcel, Duration lease) {
        Held[] held = new Held[1];
        ScheduledFuture<?> expiry = timer.schedule(() -> expire(key, held[0]), lease.toMillis(), TimeUnit.MILLISECONDS);
        held[0] = new Held(parcel, expiry);
        Held replaced = parcels.put(key, held[0]);
        if (replaced != null) {
            replaced.expiry().cancel(false);
            release(key, replaced.parcel(), "a newer one was deposited under the same key");
        }
        logger.info("Holding the state of {} for at most {} s, for its next instance to adopt", key, lease.toSeconds());
    }

    @Override
    public Optional<Parcel> take(String key) {
        Held held = parcels.remove(key);
        if (held == null) {
            return Optional.empty();
        }
        held.expiry().cancel(false);
        logger.info("The state of {} was adopted", key);
        return Optional.of(held.parcel());
    }

    private void expire(String key, Held held) {
        if (held != null && parcels.remove(key, held)) {
            release(key, held.parcel(), "nobody adopted it within its lease");
        }
    }

    private void release(String key, Parcel parcel, String why) {
        List<String> failures = parcel.release();
        logger.warn("Released the state of {}: {}; its clients were let go and its FIFOs deleted", key, why);
        if (!failures.isEmpty()) {
            logger.error("Releasing the state of {} left behind: {}", key, failures);
        }
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        for (String key : List.copyOf(parcels.keySet())) {
            Held held = parcels.remove(key);
            if (held != null) {
                release(key, held.parcel(), "the handover bundle is stopping");
            }
        }
    }
}
