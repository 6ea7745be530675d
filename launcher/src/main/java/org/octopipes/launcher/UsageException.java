package org.octopipes.launcher;

/** A command line the launcher cannot run with: the message names the option at fault. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
