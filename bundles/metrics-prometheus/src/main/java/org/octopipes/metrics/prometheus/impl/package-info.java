/** The {@code /metrics} servlet and the metric families it writes; private to this bundle. */
package org.octopipes.metrics.prometheus.impl;
