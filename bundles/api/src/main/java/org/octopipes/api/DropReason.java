package org.octopipes.api;

/** Why a packet, or bytes of one, did not reach a recipient. Every drop is counted under one of these. */
public enum DropReason {
    /** Nobody but possibly the sender is subscribed to the packet's remote. */
    NO_RECIPIENT,
    /** The recipient's outbound queue was full: it reads too slowly. */
    QUEUE_FULL,
    /** The packet's TTL ran out before the recipient read it. */
    TTL_EXPIRED,
    /** Bytes on a TX FIFO or the CAP that were not a valid packet (counted once per loss of sync). */
    MALFORMED,
    /** The recipient left, or was kicked, with the packet still queued. */
    CLIENT_GONE,
    /** The routing policy refused the packet. */
    POLICY_DENIED,
    /** A packet for the server that the server does not understand. */
    UNHANDLED,
    /** A packet whose origin is not the name its sender subscribed with: another client's, or made up. */
    FORGED_ORIGIN,
    /** The recipient's user had as many bytes queued as its quota allows ({@code quota.bytes.per.user}). */
    QUOTA
}
