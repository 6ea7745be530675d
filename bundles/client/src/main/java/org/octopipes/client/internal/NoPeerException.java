package org.octopipes.client.internal;

import java.io.IOException;

/** Opening a FIFO waited until its deadline for the other end: nobody has it open. */
public final class NoPeerException extends IOException {

    private static final long serialVersionUID = 1L;

    public NoPeerException(String message) {
        super(message);
    }
}
