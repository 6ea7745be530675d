package org.octopipes.api;

/**
 * A routing policy (or an access check) installed in the framework, as management shows it.
 *
 * @param name its {@code octopipes.policy.name} property ({@code octopipes.access.name} for an
 *        access check), or its class name if it has none
 * @param ranking its service ranking: the highest wins
 * @param serviceId its service id
 * @param bundle the symbolic name of the bundle that registered it
 * @param active whether the router routes through it now
 */
public record PolicyInfo(String name, int ranking, long serviceId, String bundle, boolean active) {
}
