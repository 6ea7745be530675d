package org.octopipes.transport.unix.impl;

import org.octopipes.api.transport.Delivery;
import org.octopipes.api.transport.Outlet;
import org.octopipes.codec.Frame;
import org.octopipes.codec.FrameRun;

/** A socket client's outlet, held by its session: hands what other threads do over to the I/O thread. */
final class SocketOutlet implements Outlet {

    private final UnixServer server;
    final SocketClient client;

    SocketOutlet(UnixServer server, SocketClient client) {
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
    public boolean offer(FrameRun run, Delivery delivery) {
        return server.offer(client, run, delivery);
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
        server.closeLater(client);
    }
}
