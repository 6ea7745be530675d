package org.octopipes.jmx.impl;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.log.Logger;

/** An OSGi logger for tests that keeps every call as "LEVEL pattern [args]". */
final class TestLogger {

    final List<String> lines = new CopyOnWriteArrayList<>();

    Logger logger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
            String methodName = method.getName();
            if (methodName.equals("getName")) {
                return "test";
            }
            if (methodName.equals("equals")) {
                return proxy == args[0];
            }
            if (methodName.equals("hashCode")) {
                return System.identityHashCode(proxy);
            }
            if (methodName.equals("toString")) {
                return "TestLogger";
            }
            if (methodName.startsWith("is")) {
                return true;
            }
            lines.add(methodName.toUpperCase() + " " + (args == null ? "" : Arrays.deepToString(args)));
            return null;
        });
    }

    List<String> at(String level) {
        return lines.stream().filter(line -> line.startsWith(level + " ")).toList();
    }
}
