package org.octopipes.transport.fifo.impl;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.log.Logger;

/** An OSGi logger for tests that keeps each line as "LEVEL message-pattern args". */
final class TestLogger {

    final List<String> lines = new CopyOnWriteArrayList<>();

    Logger logger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "getName": return "test";
                case "toString": return "TestLogger";
                case "hashCode": return 0;
                case "equals": return proxy == args[0];
                default:
                    if (method.getName().startsWith("is")) {
                        return true;
                    }
                    StringBuilder line = new StringBuilder(method.getName().toUpperCase());
                    if (args != null) {
                        for (Object arg : args) {
                            line.append(' ').append(arg instanceof Object[] ? List.of((Object[]) arg) : arg);
                        }
                    }
                    lines.add(line.toString());
                    return null;
            }
        });
    }
}
