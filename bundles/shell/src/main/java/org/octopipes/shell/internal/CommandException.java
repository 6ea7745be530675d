package org.octopipes.shell.internal;

/**
 * A command could not do what it was asked, for a reason its one-line message tells the person
 * who typed it: an unknown client, a bad group name, bad hex.
 *
 * <p>The class is named {@code CommandException} on purpose: Karaf recognises exceptions by that
 * simple name as user errors, prints only their message and logs no stack trace. Felix Gogo
 * prints {@code gogo: CommandException: <message>}. Either way it is one line.
 */
final class CommandException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CommandException(String message) {
        // A message that broke across lines would no longer be one clear line in either shell.
        super(message.replace('\n', ' '));
    }
}
