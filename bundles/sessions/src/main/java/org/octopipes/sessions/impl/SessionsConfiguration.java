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

    @AttributeDefinition(name = "Names that belong to users", description = "Rules GLOB=WHO[,WHO...] separated by ';', WHO a user name or @group, "
            + "e.g. admin*=root,@wheel. A name that matches a rule (the first that matches decides) can be subscribed only over the Unix socket, "
            + "by one of those users or a client whose group is one of those groups; others are refused (error 2). Empty: every name is anybody's.")
    String names_owners() default "";

    @AttributeDefinition(name = "Clients per user", description = "Clients one user may have subscribed over the Unix socket at once; "
            + "beyond, a subscription is refused (error 2). FIFO clients have no known user and no quota. 0: no quota.", min = "0")
    int quota_clients_per_user() default 0;

    @AttributeDefinition(name = "Bytes queued per user", description = "Bytes that may wait, over all of one user's Unix socket clients, "
            + "to be read; beyond, packets to them are dropped and counted as QUOTA, and nobody else is affected. 0: no quota.", min = "0")
    long quota_bytes_per_user() default 0;
}
