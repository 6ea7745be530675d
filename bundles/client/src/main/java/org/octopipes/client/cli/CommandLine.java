package org.octopipes.client.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options and operands of one command: {@code --option value}, {@code --option=value} and
 * {@code --flag}, in any order with the operands; after {@code --} everything is an operand, and a
 * lone {@code -} is an operand too (standard input).
 */
final class CommandLine {

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> operands = new ArrayList<>();

    private CommandLine() {
    }

    /**
     * Parses {@code args}; {@code valued} are the options that take a value, {@code switches} the
     * ones that do not, both without their leading dashes.
     */
    static CommandLine parse(List<String> args, Set<String> valued, Set<String> switches) throws UsageException {
        CommandLine line = new CommandLine();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || arg.equals("-") || !arg.startsWith("-")) {
                line.operands.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (arg.equals("-h")) {
                arg = "--help";
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unknown option " + arg);
            }
            int equals = arg.indexOf('=');
            String option = arg.substring(2, equals < 0 ? arg.length() : equals);
            if (switches.contains(option)) {
                if (equals >= 0) {
                    throw new UsageException("--" + option + " takes no value");
                }
                line.flags.add(option);
            } else if (valued.contains(option)) {
                String value;
                if (equals >= 0) {
                    value = arg.substring(equals + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException("--" + option + " needs a value");
                }
                if (line.values.putIfAbsent(option, value) != null) {
                    throw new UsageException("--" + option + " is given twice");
                }
            } else {
                throw new UsageException("unknown option --" + option);
            }
        }
        return line;
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }

    /** The option's value, or null if it was not given. */
    String value(String option) {
        return values.get(option);
    }

    List<String> operands() {
        return operands;
    }
}
