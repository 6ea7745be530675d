/**
 * Management of a running Octopipes server: the {@link org.octopipes.api.Broker} facade that the
 * shell, JMX and other tools use to see and change clients, and the counters it reports.
 *
 * <p>1.3: {@link org.octopipes.api.Credentials}, who is on the other end of a client's connection,
 * in its {@link org.octopipes.api.ClientInfo}; {@link org.octopipes.api.NameGlob}, the patterns of
 * rules on names; {@link org.octopipes.api.DropReason#QUOTA}; a {@link org.octopipes.api.TappedPacket}'s peer.
 */
@Export
@Version("1.3.0")
package org.octopipes.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
