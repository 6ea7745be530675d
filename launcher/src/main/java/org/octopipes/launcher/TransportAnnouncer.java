package org.octopipes.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.octopipes.api.transport.Transport;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Prints the "ready" line on standard output for each transport that announces itself with a
 * {@code Transport} service, and lets the launcher wait for the first one, or for all it holds.
 */
final class TransportAnnouncer extends ServiceTracker<Object, Object> {

    /**
     * By name: the API bundle is not on the launcher's class path. Only the property-name constants
     * of {@link Transport} are used, and the compiler copies those in.
     */
    private static final String TRANSPORT = "org.octopipes.api.transport.Transport";

    private final String version;
    private final PrintStream out;
    private final CountDownLatch firstTransport = new CountDownLatch(1);
    /** The names of the transports that serve now; guarded by itself. */
    private final Set<String> serving = new HashSet<>();

    TransportAnnouncer(BundleContext context, String version, PrintStream out) {
        super(context, TRANSPORT, null);
        this.version = version;
        this.out = out;
    }

    @Override
    public Object addingService(ServiceReference<Object> reference) {
        out.println("Octopipes " + version + " ready: " + reference.getProperty(Transport.TRANSPORT_NAME)
                + " transport at " + reference.getProperty(Transport.TRANSPORT_ADDRESS));
        out.flush();
        synchronized (serving) {
            serving.add(String.valueOf(reference.getProperty(Transport.TRANSPORT_NAME)));
            serving.notifyAll();
        }
        firstTransport.countDown();
        // Only the properties matter: the service object itself is never got.
        return reference;
    }

    @Override
    public void removedService(ServiceReference<Object> reference, Object tracked) {
        // Nothing was got, so nothing to unget.
        synchronized (serving) {
            serving.remove(String.valueOf(reference.getProperty(Transport.TRANSPORT_NAME)));
        }
    }

    /**
     * Waits up to {@code timeout} until a transport of each of these names serves.
     *
     * @return those that do not serve yet when the time is up; empty once all do
     */
    Set<String> awaitAll(Set<String> names, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (serving) {
            for (;;) {
                Set<String> missing = new HashSet<>(names);
                missing.removeAll(serving);
                long left = deadline - System.nanoTime();
                if (missing.isEmpty() || left <= 0) {
                    return missing;
                }
                TimeUnit.NANOSECONDS.timedWait(serving, left);
            }
        }
    }

    boolean awaitFirst(Duration timeout) throws InterruptedException {
        return firstTransport.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
