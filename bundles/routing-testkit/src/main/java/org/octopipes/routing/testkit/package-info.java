/**
 * What a routing-policy author needs to unit-test a policy without a server: a subscription
 * table in memory, a collector of the policy's choice, and real frames to route.
 */
@Export
@Version("1.1.0")
package org.octopipes.routing.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
