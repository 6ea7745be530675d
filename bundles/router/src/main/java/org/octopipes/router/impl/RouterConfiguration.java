package org.octopipes.router.impl;

/**
 * The router's share of the server configuration, {@link org.octopipes.api.ServerConfiguration#PID}. The FIFO
 * transport's metatype describes the whole PID for operators; this names only what the router reads.
 */
@interface RouterConfiguration {

    /** Subscriptions beyond this many, over all transports, are refused. */
    int max_clients() default 1024;

    /** Groups one client may be in; a SUBSCRIPTION asking for more is refused. */
    int max_groups() default 255;
}
