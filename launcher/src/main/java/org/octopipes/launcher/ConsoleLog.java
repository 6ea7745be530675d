package org.octopipes.launcher;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.osgi.framework.Bundle;

/**
 * The process's log on standard error, one line an entry,
 * {@code <ISO time> <LEVEL> <bundle symbolic name>: <message>}, then the stack trace if any;
 * standard output stays for the "ready" lines and the shell.
 */
final class ConsoleLog {

    /** The source name of the launcher's own entries, which come from no bundle. */
    static final String LAUNCHER = "octopipes-launcher";

    private static final DateTimeFormatter ISO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());

    private final PrintStream out;

    ConsoleLog(PrintStream out) {
        this.out = out;
    }

    void info(String message) {
        log(System.currentTimeMillis(), "INFO", LAUNCHER, message, null);
    }

    void error(String message, Throwable exception) {
        log(System.currentTimeMillis(), "ERROR", LAUNCHER, message, exception);
    }

    /** Writes one entry; synchronized so that entries from several threads never interleave. */
    synchronized void log(long epochMillis, String level, String source, String message, Throwable exception) {
        out.println(ISO_TIME.format(Instant.ofEpochMilli(epochMillis)) + ' ' + level + ' ' + source + ": "
                + (message == null ? "" : message));
        if (exception != null) {
            exception.printStackTrace(out);
        }
        out.flush();
    }

    static String nameOf(Bundle bundle) {
        if (bundle == null) {
            return "-";
        }
        String symbolicName = bundle.getSymbolicName();
        return symbolicName != null ? symbolicName : "bundle#" + bundle.getBundleId();
    }
}
