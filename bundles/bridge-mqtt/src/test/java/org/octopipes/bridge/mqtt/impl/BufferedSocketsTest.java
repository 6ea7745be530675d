package org.octopipes.bridge.mqtt.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The sockets given to Paho for tcp:// brokers: connected as Paho connects them, their input buffered. */
class BufferedSocketsTest {

    @Test
    void aSocketConnectedAsPahoDoesReadsThroughOneBufferedStream() throws Exception {
        try (ServerSocket broker = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket socket = BufferedSockets.FACTORY.createSocket()) {
            // Paho's TCPNetworkModule: createSocket(), then connect with its own timeout.
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.getLocalPort()), 5_000);
            try (Socket accepted = broker.accept(); OutputStream toClient = accepted.getOutputStream()) {
                // Two MQTT PUBACKs (type 4, length 2, packet ids 1 and 2) written at once, as a broker may.
                toClient.write(new byte[] {0x40, 0x02, 0x00, 0x01, 0x40, 0x02, 0x00, 0x02});
                toClient.flush();

                InputStream input = socket.getInputStream();
                assertThat(input).isInstanceOf(BufferedInputStream.class);
                assertThat(socket.getInputStream()).as("one stream, so that nothing buffered is lost").isSameAs(input);
                assertThat(input.read()).isEqualTo(0x40);
                assertThat(input.read()).isEqualTo(0x02);
                assertThat(input.readNBytes(6)).containsExactly(0x00, 0x01, 0x40, 0x02, 0x00, 0x02);
            }
        }
    }
}
