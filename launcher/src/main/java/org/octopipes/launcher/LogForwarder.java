package org.octopipes.launcher;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Copies what the bundles log through the OSGi Log service, at INFO and above, to the
 * {@link ConsoleLog}: a LogListener on every LogReaderService there is.
 *
 * <p>The Log API lives in the log bundle, not on the launcher's class path, so the listener is a
 * proxy of the bundle's own {@code LogListener} interface and entries are read reflectively. That
 * keeps one copy of the API in the framework and needs no system-bundle export.
 */
final class LogForwarder extends ServiceTracker<Object, Object> {

    private static final String LOG_READER_SERVICE = "org.osgi.service.log.LogReaderService";
    private static final String LOG_LISTENER = "org.osgi.service.log.LogListener";
    private static final String LOG_ENTRY = "org.osgi.service.log.LogEntry";
    private static final Set<String> SHOWN_LEVELS = Set.of("AUDIT", "ERROR", "WARN", "INFO");
    /**
     * Felix Log also logs every bundle, service and framework event under these logger names, at
     * INFO: one line per service registration would drown the log. The launcher reports started
     * bundles itself, and framework errors come through {@link FrameworkLogger}.
     */
    private static final String FRAMEWORK_EVENTS = "Events.";

    private final ConsoleLog log;

    LogForwarder(BundleContext context, ConsoleLog log) {
        super(context, LOG_READER_SERVICE, null);
        this.log = log;
    }

    @Override
    public Object addingService(ServiceReference<Object> reference) {
        Object reader = context.getService(reference);
        if (reader == null) {
            return null;
        }
        Bundle logBundle = reference.getBundle();
        try {
            Class<?> readerType = logBundle.loadClass(LOG_READER_SERVICE);
            Class<?> listenerType = logBundle.loadClass(LOG_LISTENER);
            Object listener = Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType},
                    new EntryPrinter(logBundle.loadClass(LOG_ENTRY)));
            readerType.getMethod("addLogListener", listenerType).invoke(reader, listener);
        } catch (ReflectiveOperationException e) {
            log.error("cannot listen to the OSGi log of " + ConsoleLog.nameOf(logBundle), unwrap(e));
        }
        // Ungetting the reader when the tracker lets go removes the listener with it.
        return reader;
    }

    private static Throwable unwrap(ReflectiveOperationException e) {
        return e instanceof InvocationTargetException ? e.getCause() : e;
    }

    /** The LogListener: prints each entry of a level worth showing. */
    private final class EntryPrinter implements InvocationHandler {

        private final Method getTime;
        private final Method getLogLevel;
        private final Method getLoggerName;
        private final Method getBundle;
        private final Method getMessage;
        private final Method getException;

        EntryPrinter(Class<?> entryType) throws NoSuchMethodException {
            getTime = entryType.getMethod("getTime");
            getLogLevel = entryType.getMethod("getLogLevel");
            getLoggerName = entryType.getMethod("getLoggerName");
            getBundle = entryType.getMethod("getBundle");
            getMessage = entryType.getMethod("getMessage");
            getException = entryType.getMethod("getException");
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws ReflectiveOperationException {
            // The log keeps listeners in a list and removes them by equals: identity semantics.
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "octopipes launcher log listener";
                case "logged":
                    print(args[0]);
                    return null;
                default:
                    return null;
            }
        }

        private void print(Object entry) throws ReflectiveOperationException {
            String level = String.valueOf(getLogLevel.invoke(entry));
            String loggerName = String.valueOf(getLoggerName.invoke(entry));
            if (!SHOWN_LEVELS.contains(level) || loggerName.startsWith(FRAMEWORK_EVENTS)) {
                return;
            }
            log.log((Long) getTime.invoke(entry), level, ConsoleLog.nameOf((Bundle) getBundle.invoke(entry)),
                    (String) getMessage.invoke(entry), (Throwable) getException.invoke(entry));
        }
    }
}
