package org.octopipes.client.internal;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.octopipes.codec.StreamDecoder;

/**
 * A subscribed client's way to its server: where it writes packets, where it reads them, and how
 * it leaves. FIFOs (a TX and an RX FIFO, leaving through the CAP) or one Unix socket (both ways on
 * one connection, leaving on it).
 */
public interface Connection {

    /** Where the client writes its packets. */
    WritableByteChannel out();

    /** Where the client reads the packets for it. */
    ReadableByteChannel in();

    /** The decoder to read {@link #in()} with; it may already hold bytes that came with the handshake. */
    StreamDecoder decoder();

    /** What the client writes to: its TX FIFO, or the socket. */
    Path txPath();

    /** What the client reads from: its RX FIFO, or the socket. */
    Path rxPath();

    /**
     * Why the connection is no longer usable though no read or write has failed yet (its FIFOs
     * deleted, say), or null while it is. Checked now and then.
     */
    String lostWithoutNotice();

    /** Whether the UNSUBSCRIPTION goes out through {@link #out()}, before it is closed, rather than by {@link #unsubscribe}. */
    boolean unsubscribesInBand();

    /** Tells the server the client leaves, after the channels are closed; does nothing for an in-band connection. */
    void unsubscribe(Duration timeout) throws IOException;

    /** Closes the channels; wakes a thread blocked in a read or a write on them. */
    void closeChannels();
}
