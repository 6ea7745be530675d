/**
 * A client for Octopipes servers: subscribe through the server's Common Access Pipe, send packets
 * to clients and groups, receive the packets addressed to you, and acknowledge them.
 *
 * <p>Start at {@link org.octopipes.client.OctopipesClient#builder(java.nio.file.Path)}, or at
 * {@link org.octopipes.client.OctopipesClient#socketBuilder(java.nio.file.Path)} for a server's Unix
 * socket transport. Packets and names are the codec's {@link org.octopipes.codec.Packet} and
 * {@link org.octopipes.codec.Name}.
 * Needs only the JDK and the codec, so it works as a plain jar as well as an OSGi bundle.
 */
@Export
@Version("1.1.0")
package org.octopipes.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
