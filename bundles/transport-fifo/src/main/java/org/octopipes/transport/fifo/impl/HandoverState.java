package org.octopipes.transport.fifo.impl;

/**
 * The names under which the FIFO transport packs its state for its next instance. Values are of
 * JDK, codec, api or handover types only, whose classes outlive this bundle's class loader.
 * Renaming one breaks the handover from the previous version of this bundle: add, do not rename.
 */
final class HandoverState {

    /** The settings' text: state is adopted only by an instance with the same settings. */
    static final String SETTINGS = "settings";
    static final String CAP_FD = "cap.fd";
    /** byte[]: CAP bytes read and not yet handled. */
    static final String CAP_PENDING = "cap.pending";
    /** Object[] {Name, byte[]}: the reply in the CAP now, or null. */
    static final String REPLY_IN_CAP = "cap.reply";
    /** List of Object[] {Name, byte[]}: replies waiting for their turn. */
    static final String REPLIES = "cap.replies";
    /** List of maps, one per client, with the keys below. */
    static final String CLIENTS = "clients";
    static final String NAME = "name";
    static final String GROUPS = "groups";
    /** The router's ClientLink, or null while there was no router. */
    static final String LINK = "link";
    /** The Router the link belongs to (identity only), or null. */
    static final String ROUTER = "router";
    static final String RELAY = "relay";
    static final String TX_PATH = "tx.path";
    static final String RX_PATH = "rx.path";
    static final String TX_FD = "tx.fd";
    static final String RX_FD = "rx.fd";
    /** byte[]: TX bytes read and not yet routed. */
    static final String TX_PENDING = "tx.pending";
    /** The outbound queue: bytes not yet written, packet lengths, deadlines, bytes of the head written. */
    static final String RX_QUEUE = "rx.queue";
    static final String RX_LENGTHS = "rx.lengths";
    static final String RX_DEADLINES = "rx.deadlines";
    static final String RX_HEAD_WRITTEN = "rx.head.written";
    static final String SUBSCRIBED_AT = "subscribed.at";

    private HandoverState() {
    }
}
