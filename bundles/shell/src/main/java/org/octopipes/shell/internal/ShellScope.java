package org.octopipes.shell.internal;

import org.apache.felix.service.command.CommandProcessor;

/** The one Gogo scope of this bundle's commands, as component properties spell it. */
final class ShellScope {

    /** Every command of this bundle is {@code octopipes:<name>}. */
    static final String NAME = "octopipes";

    /** The component property that puts a command object into the scope. */
    static final String PROPERTY = CommandProcessor.COMMAND_SCOPE + "=" + NAME;

    /** Prefix of the component properties that name each function, one property per function. */
    static final String FUNCTION = CommandProcessor.COMMAND_FUNCTION + "=";

    private ShellScope() {
    }
}
