/**
 * Octopipes protocol v1: the packet format, a streaming decoder that frames packets out of a
 * byte stream such as a FIFO, and the Common Access Pipe (CAP) messages.
 *
 * <p>This package has no dependencies beyond the JDK, so it works as a plain jar outside OSGi.
 * Names and payloads are bytes throughout; nothing here decodes them into strings on the way.
 */
@Export
@Version("1.2.0")
package org.octopipes.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
