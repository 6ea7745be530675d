package org.octopipes.jmx.impl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The text a JMX client such as JConsole shows for an MXBean, one of its attributes (on the
 * getter), an operation or an operation's parameter. On a parameter it also gives the name shown
 * in place of {@code p0}, {@code p1}: class files do not keep parameter names by default.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.PARAMETER})
@interface Description {

    String value();

    /** The parameter's name; only for parameters. */
    String name() default "";
}
