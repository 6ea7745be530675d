package org.octopipes.transport.unix.impl;

import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Outlet;
import org.octopipes.api.transport.TrafficCounter;
import org.octopipes.codec.Frame;

/**
 * The outlet one router holds for one socket client. Each attach gets a new one, so that a router
 * that was replaced (its bundle updated, say) and lets its clients go on its way out does not
 * close connections that now belong to its successor.
 */
final class Attachment implements Outlet {

    private final UnixServer server;
    final SocketClient client;

    Attachment(UnixServer server, SocketClient client) {
        this.server = server;
        this.client = client;
    }

    @Override
    public String transport() {
        return UnixServer.TRANSPORT_NAME;
    }

    @Override
    public String address() {
        return client.address();
    }

    @Override
    public boolean offer(Frame packet, Delivery delivery) {
        return server.offer(client, packet, delivery);
    }

    @Override
    public TrafficCounter counter() {
        return client.counter;
    }

    @Override
    public int queuedPackets() {
        return client.queuedPackets();
    }

    @Override
    public long queuedBytes() {
        return client.queuedBytes();
    }

    @Override
    public void close() {
        server.closeLater(this);
    }
}
