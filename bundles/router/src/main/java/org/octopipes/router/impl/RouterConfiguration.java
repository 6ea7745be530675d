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
        description = "The router's part of the server configuration: the routing policy. A change applies at once; clients stay subscribed.")
@interface RouterConfiguration {

    /**
     * Read by Declarative Services as the target of the reference named {@code policy}, not by the
     * component's code: declared so that it is described, with the filter that means "any".
     */
    @AttributeDefinition(name = "Routing policy", description = "An LDAP filter pinning the routing policy, e.g. (octopipes.policy.name=spec). (objectClass=*): the highest-ranked policy deployed routes.")
    String policy_target() default "(objectClass=*)";
}
