package org.octopipes.testsupport;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.log.Logger;

/**
 * An OSGi logger for tests that keeps every line as {@code "LEVEL pattern arg arg..."}, for
 * assertions, and shows warnings and errors on standard error, where a failing test's report
 * shows them.
 */
public final class TestLogger {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getName":
                        return "test";
                    case "toString":
                        return "TestLogger";
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "equals":
                        return proxy == args[0];
                    default:
                        if (method.getName().startsWith("is")) {
                            return true;
                        }
                        record(method.getName().toUpperCase(), args);
                        return null;
                }
            });

    /** A logger of its own, for a test that only wants to see warnings and errors. */
    public static Logger printing() {
        return new TestLogger().logger();
    }

    private void record(String level, Object[] args) {
        StringBuilder line = new StringBuilder(level);
        if (args != null) {
            for (Object arg : args) {
                line.append(' ').append(arg instanceof Object[] array ? List.of(array) : arg);
            }
        }
        lines.add(line.toString());
        if (level.equals("WARN") || level.equals("ERROR")) {
            System.err.println(line);
        }
    }

    public Logger logger() {
        return logger;
    }

    /** Every line so far, oldest first; it grows as the code under test logs. */
    public List<String> lines() {
        return lines;
    }

    /** The lines at {@code level} ({@code "WARN"}, say). */
    public List<String> at(String level) {
        return lines.stream().filter(line -> line.startsWith(level + " ")).toList();
    }

    /** Whether a warning or an error mentions {@code text}. */
    public boolean mentions(String text) {
        return lines.stream().anyMatch(line -> (line.startsWith("WARN ") || line.startsWith("ERROR ")) && line.contains(text));
    }
}
