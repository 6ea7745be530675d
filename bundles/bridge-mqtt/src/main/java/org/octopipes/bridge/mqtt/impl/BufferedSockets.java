package org.octopipes.bridge.mqtt.impl;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets whose input is buffered, for Paho's {@code tcp://} connections. Paho reads an
 * MQTT packet straight from the socket's stream: its first byte, its length byte by byte, then
 * the rest, so a 32-byte publication costs three or more {@code read} system calls, and every
 * acknowledgement two. Measured on the importing side, that reading was most of the receiving
 * thread's time (benchmarks/RESULTS.md, issue 16); through a buffer, one call reads whatever the
 * broker has sent meanwhile, often hundreds of packets. What Paho writes is buffered by Paho.
 *
 * <p>{@code ssl://} connections keep their TLS socket factory: a TLS socket reads whole records
 * into its own buffer already, and Paho refuses a plain factory for them.
 */
final class BufferedSockets extends SocketFactory {

    static final BufferedSockets FACTORY = new BufferedSockets();

    /** Room for a burst of small packets, or a 32 KiB payload in one read. */
    private static final int BUFFER_BYTES = 64 * 1024;

    private BufferedSockets() {
    }

    /** The one Paho calls: it connects the socket itself, with its own timeout. */
    @Override
    public Socket createSocket() {
        return new BufferedInputSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    /** Connected to {@code remote}, from {@code local} when given: what the other factory methods promise. */
    private static Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket socket = new BufferedInputSocket();
        if (local != null) {
            socket.bind(local);
        }
        socket.connect(remote);
        return socket;
    }

    /** A socket that hands out one buffered stream over its input, the same one each time. */
    private static final class BufferedInputSocket extends Socket {

        private InputStream input;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new BufferedInputStream(super.getInputStream(), BUFFER_BYTES);
            }
            return input;
        }
    }
}
