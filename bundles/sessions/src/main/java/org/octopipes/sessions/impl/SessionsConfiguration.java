package org.octopipes.sessions.impl;

import org.octopipes.api.ServerConfiguration;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The sessions' part of the server configuration, {@link ServerConfiguration#PID}: who is
 * admitted, over all transports, described and defaulted here only. The router and the transports
 * describe their own parts of the same PID in their bundles; {@code octopipes:config} shows them
 * together.
 */
@ObjectClassDefinition(id = ServerConfiguration.PID + ".sessions", name = "Octopipes sessions",
        description = "Who is admitted, over all transports. A change applies to the next subscription; clients stay subscribed.")
@interface SessionsConfiguration {

    @AttributeDefinition(name = "Maximum clients", description = "Subscriptions beyond this many, over all transports, are refused (error 2).", min = "1")
    int max_clients() default 1024;

    @AttributeDefinition(name = "Maximum groups per client", description = "Groups one client may be in; a subscription asking for more is refused (error 2). A SUBSCRIPTION carries at most 255.", min = "0")
    int max_groups() default 255;
}
