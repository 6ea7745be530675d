/**
 * What the FIFO and the Unix socket transports do alike: {@link org.octopipes.transport.support.Backpressure},
 * the queue size shown to management ({@link org.octopipes.transport.support.PublishedSize}),
 * the check of the folder they make their files in ({@link org.octopipes.transport.support.PrivateFolder}),
 * the checks of their settings ({@link org.octopipes.transport.support.SettingChecks})
 * and their {@link org.octopipes.api.transport.Transport} service ({@link org.octopipes.transport.support.TransportService}).
 *
 * <p>Not exported on purpose: each transport bundle copies this package into itself
 * ({@code -conditionalpackage} in its bnd.bnd), so that the two can be updated one at a time and
 * no third bundle has to be deployed beside them.
 */
package org.octopipes.transport.support;
