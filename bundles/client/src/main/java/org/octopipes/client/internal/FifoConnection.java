package org.octopipes.client.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.octopipes.codec.Name;
import org.octopipes.codec.StreamDecoder;

/** A client's FIFOs, as the server assigned them through the CAP at {@code cap}. */
public final class FifoConnection implements Connection {

    private final Path cap;
    private final Name client;
    private final Path txPath;
    private final Path rxPath;
    private final FileChannel tx;
    private final FileChannel rx;
    private final Object txKey;
    private final Object rxKey;
    private final StreamDecoder decoder = new StreamDecoder();

    public FifoConnection(Path cap, Name client, Path txPath, Path rxPath, FileChannel tx, FileChannel rx) {
        this.cap = cap;
        this.client = client;
        this.txPath = txPath;
        this.rxPath = rxPath;
        this.tx = tx;
        this.rx = rx;
        this.txKey = FifoOpener.fileKey(txPath);
        this.rxKey = FifoOpener.fileKey(rxPath);
    }

    @Override
    public WritableByteChannel out() {
        return tx;
    }

    @Override
    public ReadableByteChannel in() {
        return rx;
    }

    @Override
    public StreamDecoder decoder() {
        return decoder;
    }

    @Override
    public Path txPath() {
        return txPath;
    }

    @Override
    public Path rxPath() {
        return rxPath;
    }

    /**
     * A server that dies closes the FIFOs and the reader sees the end at once; this catches one
     * that deleted or replaced them while keeping them open, where a read would otherwise wait forever.
     */
    @Override
    public String lostWithoutNotice() {
        if (!isSameFile(rxPath, rxKey)) {
            return rxPath + " was deleted or replaced: the server dropped this client";
        }
        if (!isSameFile(txPath, txKey)) {
            return txPath + " was deleted or replaced: the server dropped this client";
        }
        return null;
    }

    private static boolean isSameFile(Path path, Object keyAtOpen) {
        Object key = FifoOpener.fileKey(path);
        return key != null && (keyAtOpen == null || keyAtOpen.equals(key));
    }

    @Override
    public boolean unsubscribesInBand() {
        return false;
    }

    @Override
    public void unsubscribe(Duration timeout) throws IOException {
        CapHandshake.unsubscribe(cap, client, timeout);
    }

    @Override
    public void closeChannels() {
        closeQuietly(rx);
        closeQuietly(tx);
    }

    static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // A FIFO has no buffered data that closing could lose.
        }
    }
}
