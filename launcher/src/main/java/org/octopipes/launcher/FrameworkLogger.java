package org.octopipes.launcher;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Felix's own diagnostics (a bundle that fails to resolve or start, a listener that throws) in
 * the process's log format, instead of Felix's default lines on standard output.
 */
final class FrameworkLogger extends Logger {

    private static final String FRAMEWORK = "org.apache.felix.framework";

    private final ConsoleLog log;

    FrameworkLogger(ConsoleLog log) {
        this.log = log;
    }

    @Override
    @SuppressWarnings("rawtypes") // Felix declares the raw type
    protected void doLog(Bundle bundle, ServiceReference reference, int level, String message, Throwable exception) {
        log.log(System.currentTimeMillis(), levelName(level), bundle == null ? FRAMEWORK : ConsoleLog.nameOf(bundle),
                message, exception);
    }

    @Override
    protected void doLog(int level, String message, Throwable exception) {
        log.log(System.currentTimeMillis(), levelName(level), FRAMEWORK, message, exception);
    }

    private static String levelName(int level) {
        return switch (level) {
            case LOG_ERROR -> "ERROR";
            case LOG_WARNING -> "WARN";
            case LOG_INFO -> "INFO";
            default -> "DEBUG";
        };
    }
}
