package org.octopipes.client.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one daemon thread that keeps every client's deadlines: it releases FIFO opens and ends reads
 * that waited too long, and runs the periodic checks that notice a server that went away.
 */
public final class Watchdog {

    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());

    private static final ScheduledThreadPoolExecutor EXECUTOR = createExecutor();

    private Watchdog() {
    }

    private static ScheduledThreadPoolExecutor createExecutor() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "octopipes-client-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        // The thread ends when no client needs it, so a stopped bundle does not leave it behind.
        executor.setKeepAliveTime(10, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** Runs {@code task} once after {@code delay}, unless cancelled first. */
    public static ScheduledFuture<?> after(Duration delay, Runnable task) {
        return EXECUTOR.schedule(guarded(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code period} until cancelled. */
    public static ScheduledFuture<?> every(Duration period, Runnable task) {
        return EXECUTOR.scheduleWithFixedDelay(guarded(task), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    // A periodic task that throws is silently never run again; one client's failure must not do that.
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "an Octopipes client's watchdog task failed", e);
            }
        };
    }
}
