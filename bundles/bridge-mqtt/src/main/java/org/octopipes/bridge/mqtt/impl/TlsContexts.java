package org.octopipes.bridge.mqtt.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** The socket factory for ssl:// brokers, from the configured trust and key stores. */
final class TlsContexts {

    private TlsContexts() {
    }

    /** A factory using the configured stores, or null when none is configured: Paho then uses the JVM's defaults. */
    static SSLSocketFactory socketFactory(BridgeSettings.TlsSettings tls) throws IOException, GeneralSecurityException {
        if (tls.truststorePath().isEmpty() && tls.keystorePath().isEmpty()) {
            return null;
        }
        TrustManagerFactory trust = null;
        if (!tls.truststorePath().isEmpty()) {
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(tls.truststorePath(), tls.truststorePassword()));
        }
        KeyManagerFactory keys = null;
        if (!tls.keystorePath().isEmpty()) {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(tls.keystorePath(), tls.keystorePassword()), tls.keystorePassword().toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    /** KeyStore.getInstance(File, ...) tells PKCS12 from JKS by the content. */
    private static KeyStore load(String path, String password) throws IOException, GeneralSecurityException {
        Path file = Path.of(path);
        if (!Files.isReadable(file)) {
            throw new IOException("cannot read the key material in " + file);
        }
        return KeyStore.getInstance(file.toFile(), password.toCharArray());
    }
}
