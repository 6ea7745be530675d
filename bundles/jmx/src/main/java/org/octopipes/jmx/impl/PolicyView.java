package org.octopipes.jmx.impl;

import org.octopipes.api.PolicyInfo;

/**
 * A routing policy or an access check as a row of the Server MBean's {@code Policies} or
 * {@code AccessChecks} attribute. A class with getters, because the MXBean mapping of Java 17
 * turns JavaBean getters into CompositeData items and does not see a record's accessors.
 */
public final class PolicyView {

    private final PolicyInfo policy;

    PolicyView(PolicyInfo policy) {
        this.policy = policy;
    }

    /** Its {@code octopipes.policy.name}, or its class name if it has none. */
    public String getName() {
        return policy.name();
    }

    /** Its service ranking: the highest wins. */
    public int getRanking() {
        return policy.ranking();
    }

    public long getServiceId() {
        return policy.serviceId();
    }

    /** The symbolic name of the bundle that registered it. */
    public String getBundle() {
        return policy.bundle();
    }

    /** Whether the router routes through it now. */
    public boolean isActive() {
        return policy.active();
    }
}
