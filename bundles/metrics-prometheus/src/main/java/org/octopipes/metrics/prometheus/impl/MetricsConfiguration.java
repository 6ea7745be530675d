package org.octopipes.metrics.prometheus.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@value MetricsServlet#PID}: what a scrape of {@code /metrics} shows. */
@ObjectClassDefinition(name = "Octopipes Prometheus metrics", description = "The broker's metrics in the Prometheus text format,"
        + " served through the OSGi HTTP Whiteboard.")
@interface MetricsConfiguration {

    @AttributeDefinition(name = "Clients with series of their own", min = "0", description = "How many clients get per-client"
            + " series (octopipes_client_*), the first by name; the others are counted in octopipes_clients_without_series."
            + " Each client adds 5 series: the cap keeps a server with thousands of clients from flooding a scraper. 0: none.")
    int max_client_series() default 100;

    @AttributeDefinition(name = "Path", description = "The servlet pattern under the HTTP service's root.")
    String osgi_http_whiteboard_servlet_pattern() default "/metrics";
}
