package org.octopipes.api;

/** A running {@link Broker#tap tap}; closing it stops it. */
public interface Tap extends AutoCloseable {

    /** Stops the tap; calling it again does nothing. */
    @Override
    void close();
}
