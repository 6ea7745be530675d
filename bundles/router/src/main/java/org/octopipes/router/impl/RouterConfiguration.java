package org.octopipes.router.impl;

import org.octopipes.api.ServerConfiguration;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The router's part of the server configuration, {@link ServerConfiguration#PID}:
 * what it reads, described and defaulted here only. The transports describe their own parts of
 * the same PID in their bundles; {@code octopipes:config} shows them together.
 */
@ObjectClassDefinition(id = ServerConfiguration.PID + ".router", name = "Octopipes router",
        description = "The router's part of the server configuration: limits over all transports, and the routing policy. A change applies at once; clients stay subscribed.")
@interface RouterConfiguration {

    @AttributeDefinition(name = "Maximum clients", description = "Subscriptions beyond this many, over all transports, are refused (error 2).", min = "1")
    int max_clients() default 1024;

    @AttributeDefinition(name = "Maximum groups per client", description = "Groups one client may be in; a subscription asking for more is refused (error 2). A SUBSCRIPTION carries at most 255.", min = "0")
    int max_groups() default 255;

    /**
     * Read by Declarative Services as the target of the reference named {@code policy}, not by the
     * component's code: declared so that it is described, with the filter that means "any".
     */
    @AttributeDefinition(name = "Routing policy", description = "An LDAP filter pinning the routing policy, e.g. (octopipes.policy.name=spec). (objectClass=*): the highest-ranked policy deployed routes.")
    String policy_target() default "(objectClass=*)";
}
