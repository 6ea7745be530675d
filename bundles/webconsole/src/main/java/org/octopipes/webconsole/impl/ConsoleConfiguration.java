package org.octopipes.webconsole.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@value OctopipesConsolePlugin#PID}: the live chart's history. */
@ObjectClassDefinition(name = "Octopipes Web Console page", description = "The \"Octopipes\" page of the Web Console.")
@interface ConsoleConfiguration {

    @AttributeDefinition(name = "Sample interval (seconds)", min = "1", description = "How often the server's counters are sampled for"
            + " the chart of deliveries and drops per second.")
    int sample_seconds() default 2;

    @AttributeDefinition(name = "History (minutes)", min = "1", description = "How far back the chart goes; kept in memory, from"
            + " the page's start.")
    int history_minutes() default 5;
}
