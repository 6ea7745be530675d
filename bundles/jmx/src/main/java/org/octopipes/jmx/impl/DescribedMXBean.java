package org.octopipes.jmx.impl;

import java.lang.reflect.Method;
import java.util.Optional;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.StandardMBean;

/**
 * An MXBean whose MBeanInfo carries the {@link Description}s of its interface, so that JConsole
 * and Hawtio show what each attribute means and real parameter names instead of the JDK's
 * generic ones.
 */
final class DescribedMXBean<T> extends StandardMBean {

    private final Class<T> type;

    DescribedMXBean(T implementation, Class<T> type) {
        super(implementation, type, true);
        this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        return text(type.getAnnotation(Description.class), info.getDescription());
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        return getter(info.getName()).map(getter -> text(getter.getAnnotation(Description.class), info.getDescription()))
                .orElse(info.getDescription());
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return operation(info).map(method -> text(method.getAnnotation(Description.class), info.getDescription()))
                .orElse(info.getDescription());
    }

    @Override
    protected String getParameterName(MBeanOperationInfo operation, MBeanParameterInfo parameter, int sequence) {
        return parameterDescription(operation, sequence).map(Description::name).filter(name -> !name.isEmpty())
                .orElse(parameter.getName());
    }

    @Override
    protected String getDescription(MBeanOperationInfo operation, MBeanParameterInfo parameter, int sequence) {
        return parameterDescription(operation, sequence).map(Description::value).orElse(parameter.getDescription());
    }

    private Optional<Method> getter(String attribute) {
        for (Method method : type.getMethods()) {
            if (method.getParameterCount() == 0
                    && (method.getName().equals("get" + attribute) || method.getName().equals("is" + attribute))) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }

    /** Our MXBean interfaces do not overload operations, so a name and a parameter count find the method. */
    private Optional<Method> operation(MBeanOperationInfo info) {
        for (Method method : type.getMethods()) {
            if (method.getName().equals(info.getName()) && method.getParameterCount() == info.getSignature().length) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }

    private Optional<Description> parameterDescription(MBeanOperationInfo info, int sequence) {
        return operation(info).map(method -> method.getParameters()[sequence].getAnnotation(Description.class));
    }

    private static String text(Description description, String fallback) {
        return description == null ? fallback : description.value();
    }
}
