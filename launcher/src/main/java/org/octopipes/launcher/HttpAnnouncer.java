package org.octopipes.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * With {@code --http}: prints the "ready" line with the Web Console's and the metrics' URLs once
 * the HTTP service listens, as its {@code HttpServiceRuntime} service says (with the port the
 * kernel picked, when port 0 was asked for), and lets the launcher wait for it.
 */
final class HttpAnnouncer extends ServiceTracker<Object, Object> {

    /** By name: the HTTP Whiteboard API is not on the launcher's class path. */
    private static final String HTTP_SERVICE_RUNTIME = "org.osgi.service.http.runtime.HttpServiceRuntime";
    /** The runtime's property with its URLs, e.g. {@code http://127.0.0.1:8181/}. */
    private static final String ENDPOINT = "osgi.http.endpoint";

    static final String PLUGIN_PATH = "/system/console/octopipes";
    static final String METRICS_PATH = "/metrics";

    private final HttpAddress address;
    private final String version;
    private final PrintStream out;
    private final CountDownLatch listening = new CountDownLatch(1);

    HttpAnnouncer(BundleContext context, HttpAddress address, String version, PrintStream out) {
        super(context, HTTP_SERVICE_RUNTIME, null);
        this.address = address;
        this.version = version;
        this.out = out;
    }

    @Override
    public Object addingService(ServiceReference<Object> reference) {
        announce(reference);
        return reference;
    }

    @Override
    public void modifiedService(ServiceReference<Object> reference, Object tracked) {
        // The runtime may publish its endpoint only once the connector is open.
        announce(reference);
    }

    private void announce(ServiceReference<Object> reference) {
        int port = boundPort(reference.getProperty(ENDPOINT));
        if (port <= 0 || listening.getCount() == 0) {
            return;
        }
        String base = address.url(port);
        out.println("Octopipes " + version + " ready: Web Console at " + base + PLUGIN_PATH + ", metrics at " + base + METRICS_PATH);
        out.flush();
        listening.countDown();
    }

    /** The port of the runtime's first endpoint, or -1 while it has none. */
    static int boundPort(Object endpoints) {
        Object first = endpoints;
        if (endpoints instanceof String[] array) {
            first = array.length > 0 ? array[0] : null;
        } else if (endpoints instanceof Collection<?> collection) {
            first = collection.isEmpty() ? null : collection.iterator().next();
        }
        if (first == null) {
            return -1;
        }
        // Not java.net.URI: the runtime writes an IPv6 host without brackets (http://::1:8181/).
        String endpoint = first.toString();
        int hostStart = endpoint.indexOf("://") + 3;
        int pathStart = endpoint.indexOf('/', hostStart);
        String authority = endpoint.substring(hostStart, pathStart < 0 ? endpoint.length() : pathStart);
        try {
            return Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
        } catch (NumberFormatException notAPort) {
            return -1;
        }
    }

    boolean awaitListening(Duration timeout) throws InterruptedException {
        return listening.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
