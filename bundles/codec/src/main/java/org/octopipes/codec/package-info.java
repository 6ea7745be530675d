/**
 * Octopipes protocol v1: the packet format, a streaming decoder that frames packets out of a
 * byte stream such as a FIFO, and the Common Access Pipe (CAP) messages.
 *
 * <p>This package has no dependencies beyond the JDK, so it works as a plain jar outside OSGi.
 * Names and payloads are bytes throughout; nothing here decodes them into strings on the way.
 *
 * <p>1.2: deferred frames ({@code Frame.deferred}, {@code Frame.packetSize}): a packet routed on
 * its header while its payload is still in its stream.
 */
@Export
@Version("1.3.0")
package org.octopipes.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
