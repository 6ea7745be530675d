package org.octopipes.posix.systemd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.octopipes.posix.Posix;
import org.osgi.service.component.annotations.Component;

/**
 * systemd's notification socket ({@code sd_notify(3)}): each string accepted, such as
 * {@code READY=1} or {@code STATUS=...}, goes as one datagram to {@code $NOTIFY_SOCKET}, a path
 * or an abstract name. Nothing at all is sent when the variable is absent: not under systemd, or
 * not as a {@code Type=notify} service.
 *
 * <p>A service of a JDK type, {@link Consumer}, marked {@value #PROPERTY}: the launcher, outside
 * the framework, calls it without sharing a package of ours with it. A failure to send is
 * reported to the caller as an {@link java.io.UncheckedIOException}: the caller logs it, once.
 */
@Component(service = Consumer.class, property = SystemdNotifications.PROPERTY + "=" + SystemdNotifications.SYSTEMD)
public final class SystemdNotifications implements Consumer<String> {

    /** The service property that tells this service from other consumers. */
    public static final String PROPERTY = "octopipes.notify";
    public static final String SYSTEMD = "systemd";

    private final String socket = System.getenv("NOTIFY_SOCKET");

    @Override
    public void accept(String state) {
        if (socket == null || socket.isEmpty()) {
            return;
        }
        try {
            Posix.get().sendDatagram(socket, state.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot notify systemd at " + socket + ": " + e.getMessage(), e);
        }
    }
}
