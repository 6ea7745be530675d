/**
 * Management of a running Octopipes server: the {@link org.octopipes.api.Broker} facade that the
 * shell, JMX and other tools use to see and change clients, and the counters it reports.
 */
@Export
@Version("1.2.0")
package org.octopipes.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
