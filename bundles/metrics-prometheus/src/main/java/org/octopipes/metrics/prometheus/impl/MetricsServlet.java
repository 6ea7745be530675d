package org.octopipes.metrics.prometheus.impl;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.octopipes.api.Broker;
import org.octopipes.monitoring.support.BridgeReadings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * {@code GET /metrics}: the broker's metrics in the Prometheus text format (version 0.0.4, the one
 * every Prometheus reads), written from a fresh snapshot at each scrape. A servlet of the OSGi
 * HTTP Whiteboard, so it is served by whichever HTTP service runs: Felix HTTP in the launcher,
 * Pax Web in Karaf. The broker is a static reference: without a server, no {@code /metrics}.
 */
@Component(service = Servlet.class, configurationPid = MetricsServlet.PID,
        property = {"osgi.http.whiteboard.servlet.pattern=/metrics", "osgi.http.whiteboard.servlet.name=octopipes-metrics"})
@Designate(ocd = MetricsConfiguration.class)
public final class MetricsServlet extends HttpServlet {

    static final String PID = "org.octopipes.metrics";

    private static final long serialVersionUID = 1L;

    private final transient BrokerMetrics metrics;
    private final transient PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    @Activate
    public MetricsServlet(@Reference(name = "broker") Broker broker, MetricsConfiguration configuration) {
        if (configuration.max_client_series() < 0) {
            throw new IllegalArgumentException(PID + ": max.client.series must be 0 or more, not " + configuration.max_client_series());
        }
        this.metrics = new BrokerMetrics(broker, new BridgeReadings(ManagementFactory.getPlatformMBeanServer()),
                configuration.max_client_series());
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType(writer.getContentType());
        // A scrape is a snapshot of now: a cache would show a scraper old counts.
        response.setHeader("Cache-Control", "no-store");
        try (OutputStream out = response.getOutputStream()) {
            writer.write(out, metrics.snapshot(), EscapingScheme.UNDERSCORE_ESCAPING);
        }
    }
}
