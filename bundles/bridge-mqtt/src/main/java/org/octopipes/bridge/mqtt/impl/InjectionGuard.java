package org.octopipes.bridge.mqtt.impl;

/**
 * Marks the thread that is routing a packet a bridge imported. The router offers a packet to its
 * recipients on the thread that routes it, so a bridge's outlet that is offered a packet while this
 * mark is set knows the packet came from a bridge (this one, with a policy that echoes to the sender,
 * or another bridge of this server) and does not export it again: that is the rule that keeps
 * bridged servers from passing one packet around for ever.
 */
final class InjectionGuard {

    private static final ThreadLocal<Boolean> INJECTING = new ThreadLocal<>();

    private InjectionGuard() {
    }

    /** Runs {@code routing} with the mark set. */
    static void inject(Runnable routing) {
        Boolean outer = INJECTING.get();
        INJECTING.set(Boolean.TRUE);
        try {
            routing.run();
        } finally {
            if (outer == null) {
                INJECTING.remove();
            }
        }
    }

    /** Whether the current thread is routing an imported packet. */
    static boolean isInjecting() {
        return INJECTING.get() != null;
    }
}
