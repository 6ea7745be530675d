/**
 * What the Prometheus metrics and the Web Console plugin read alike: {@link org.octopipes.monitoring.support.BridgeReadings},
 * the MQTT bridges' status.
 *
 * <p>Not exported on purpose: each of the two bundles copies this package into itself
 * ({@code -conditionalpackage} in its bnd.bnd), so that either can be installed alone and no third
 * bundle has to be deployed beside them.
 */
package org.octopipes.monitoring.support;
