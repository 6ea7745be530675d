package org.octopipes.transport.support;

/** A client's outbound queue, as {@link Backpressure} and {@link PublishedSize} see it. */
public interface Backlog {

    boolean isEmpty();

    int packets();

    long bytes();
}
