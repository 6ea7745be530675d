package org.octopipes.itests.felix;

import static org.junit.Assert.assertNotNull;

import java.time.Duration;
import java.util.Optional;
import org.octopipes.api.transport.Transport;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/** What the Felix tests do inside the framework again and again: find a bundle, wait for a service. */
final class ProbeSupport {

    private ProbeSupport() {
    }

    /** The installed bundle with this symbolic name, if there is one. */
    static Optional<Bundle> find(BundleContext context, String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return Optional.of(bundle);
            }
        }
        return Optional.empty();
    }

    /** The installed bundle with this symbolic name; the test fails if there is none. */
    static Bundle installed(BundleContext context, String symbolicName) {
        return find(context, symbolicName).orElseThrow(() -> new AssertionError(symbolicName + " is not installed"));
    }

    /** Waits for a service of this type; the test fails if none comes within {@code patience}. */
    static <T> T awaitService(BundleContext context, Class<T> type, Duration patience) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(patience.toMillis());
            assertNotNull(type.getSimpleName() + " service", service);
            return service;
        } finally {
            tracker.close();
        }
    }

    /**
     * Waits for a transport that serves {@code address}, and, unless {@code name} is null, has that
     * name; the test fails if none does within {@code patience}.
     */
    static Transport awaitTransport(BundleContext context, String name, Object address, Duration patience)
            throws InterruptedException, InvalidSyntaxException {
        String filter = "(&(" + Constants.OBJECTCLASS + "=" + Transport.class.getName() + ")"
                + (name == null ? "" : "(" + Transport.TRANSPORT_NAME + "=" + name + ")")
                + "(" + Transport.TRANSPORT_ADDRESS + "=" + address + "))";
        ServiceTracker<Transport, Transport> tracker = new ServiceTracker<>(context, context.createFilter(filter), null);
        tracker.open();
        try {
            Transport transport = tracker.waitForService(patience.toMillis());
            assertNotNull("the " + (name == null ? "FIFO" : name) + " transport serves " + address, transport);
            return transport;
        } finally {
            tracker.close();
        }
    }
}
