package org.octopipes.client;

import java.io.IOException;

/**
 * A client can no longer send or receive: it was closed, or the server went away (it closed or
 * deleted this client's FIFOs). {@link #isLost()} tells the two apart.
 */
public class DisconnectedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean lost;

    public DisconnectedException(String message, boolean lost, Throwable cause) {
        super(message, cause);
        this.lost = lost;
    }

    /** True if the connection was lost from the server's side, false if the application closed the client. */
    public boolean isLost() {
        return lost;
    }
}
