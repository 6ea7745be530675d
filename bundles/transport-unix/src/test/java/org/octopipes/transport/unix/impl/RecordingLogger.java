package org.octopipes.transport.unix.impl;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.log.Logger;

/** An OSGi logger for tests: keeps warnings and errors, for assertions, and shows them on standard error. */
final class RecordingLogger {

    final List<String> problems = new CopyOnWriteArrayList<>();
    final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
        String level = method.getName();
        if ((level.equals("warn") || level.equals("error")) && args != null) {
            String line = level.toUpperCase() + " " + Arrays.deepToString(args);
            problems.add(line);
            System.err.println(line);
        }
        if (level.startsWith("is")) {
            return Boolean.FALSE;
        }
        return level.equals("getName") ? "unix-transport-test" : null;
    });

    /** Whether a warning or error mentions {@code text}. */
    boolean mentions(String text) {
        return problems.stream().anyMatch(line -> line.contains(text));
    }
}
