package org.octopipes.launcher;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.management.JMException;
import javax.management.ObjectName;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Tells systemd how the server is doing ({@code sd_notify(3)}) when it runs as a
 * {@code Type=notify} service, that is when {@code $NOTIFY_SOCKET} is set; nothing at all
 * otherwise. {@code READY=1} once every transport of the launcher serves, {@code STATUS=} with
 * the number of clients when it changes (looked at once a second), {@code WATCHDOG=1} at half of
 * {@code $WATCHDOG_USEC} when systemd asks for it, {@code STOPPING=1} when the server stops.
 *
 * <p>The datagrams go through the posix bundle's notification service, registered as a JDK
 * {@link Consumer}, so that the launcher, outside the framework, shares no package of ours with
 * it. The client count comes from the server's MBean ({@code org.octopipes:type=Server}) in the
 * platform MBean server, a JDK API as well.
 */
final class SystemdNotifier implements AutoCloseable {

    private static final String NOTIFICATIONS = "(&(objectClass=java.util.function.Consumer)(octopipes.notify=systemd))";
    private static final String SERVER_MBEAN = "org.octopipes:type=Server";
    private static final Duration STATUS_PERIOD = Duration.ofSeconds(1);

    private final ConsoleLog log;
    private final String socket = System.getenv("NOTIFY_SOCKET");
    private final ServiceTracker<Object, Object> notifications;
    private ScheduledExecutorService timer;
    /** Only the timer thread touches it once started. */
    private int clientsLastTold = -1;
    private volatile boolean failedBefore;

    SystemdNotifier(BundleContext context, ConsoleLog log) throws InvalidSyntaxException {
        this.log = log;
        this.notifications = new ServiceTracker<>(context, context.createFilter(NOTIFICATIONS), null);
    }

    private boolean underSystemd() {
        return socket != null && !socket.isEmpty();
    }

    void open() {
        if (underSystemd()) {
            notifications.open();
        }
    }

    /** Every transport serves: READY=1, then the client count and the watchdog from now on. */
    synchronized void ready(String status) {
        if (!underSystemd()) {
            return;
        }
        send("READY=1\nSTATUS=" + status);
        log.info("told systemd at " + socket + " that the server is ready");
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "octopipes-systemd-notify");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::tellClientCount, STATUS_PERIOD.toMillis(), STATUS_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        Duration watchdog = watchdogInterval();
        if (watchdog != null) {
            long half = Math.max(1, watchdog.toMillis() / 2);
            timer.scheduleAtFixedRate(() -> send("WATCHDOG=1"), 0, half, TimeUnit.MILLISECONDS);
            log.info("sending systemd's watchdog a sign of life every " + half + " ms");
        }
    }

    /** The server stops: STOPPING=1, and no more status. */
    synchronized void stopping() {
        if (!underSystemd()) {
            return;
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        send("STOPPING=1");
    }

    /** {@code $WATCHDOG_USEC}, when it is set for this process ({@code $WATCHDOG_PID} absent or ours). */
    private static Duration watchdogInterval() {
        String micros = System.getenv("WATCHDOG_USEC");
        String pid = System.getenv("WATCHDOG_PID");
        if (micros == null || (pid != null && !pid.equals(String.valueOf(ProcessHandle.current().pid())))) {
            return null;
        }
        try {
            long value = Long.parseLong(micros.trim());
            return value > 0 ? Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(value)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void tellClientCount() {
        int clients;
        try {
            Object count = ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(SERVER_MBEAN), "ClientCount");
            clients = ((Number) count).intValue();
        } catch (JMException | RuntimeException e) {
            // The JMX bundle is updated, say: the count comes back with it.
            return;
        }
        if (clients != clientsLastTold) {
            clientsLastTold = clients;
            send("STATUS=" + clients + (clients == 1 ? " client" : " clients"));
        }
    }

    @SuppressWarnings("unchecked")
    private void send(String state) {
        Object service = notifications.getService();
        if (service == null) {
            complainOnce("no notification service (is org.octopipes.posix started?)", null);
            return;
        }
        try {
            ((Consumer<String>) service).accept(state);
        } catch (RuntimeException e) {
            complainOnce(e.getMessage(), e);
        }
    }

    private void complainOnce(String why, Throwable e) {
        if (!failedBefore) {
            failedBefore = true;
            log.error("cannot tell systemd how the server is doing: " + why, e);
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        notifications.close();
    }
}
