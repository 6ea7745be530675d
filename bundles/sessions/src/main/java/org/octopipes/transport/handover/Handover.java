package org.octopipes.transport.handover;

import java.time.Duration;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Holds {@link Parcel}s by key between a transport instance that stops and the one that starts
 * next. A parcel nobody takes within its lease is released: its file descriptors closed, its
 * files deleted, its clients let go; so a transport stopped for good leaks nothing.
 */
@ProviderType
public interface Handover {

    /**
     * Keeps {@code parcel} under {@code key} until it is taken or {@code lease} ends. A parcel
     * already under that key is released first.
     */
    void deposit(String key, Parcel parcel, Duration lease);

    /** Takes the parcel under {@code key}, if there is one: from now on the caller owns it. */
    Optional<Parcel> take(String key);
}
