package org.octopipes.jmx.impl;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.octopipes.codec.Name;

/** The ObjectNames of our MBeans: one domain, a {@code type} key, and a {@code name} key per client. */
final class MBeanNames {

    static final String DOMAIN = "org.octopipes";

    static final ObjectName SERVER = parse(DOMAIN + ":type=Server");

    /** Every client MBean, for queries. */
    static final ObjectName EVERY_CLIENT = parse(DOMAIN + ":type=Client,*");

    private MBeanNames() {
    }

    /** {@code org.octopipes:type=Client,name=<the client's name>}, the name quoted if it has to be. */
    static ObjectName client(Name client) {
        return parse(DOMAIN + ":type=Client,name=" + keyValue(client.toString()));
    }

    /**
     * The text as an ObjectName value: as it is when it can stand unquoted, so that JConsole's tree
     * shows {@code bob} and not {@code "bob"}; otherwise quoted. A quoted value always starts with a
     * quote and an unquoted one never holds one, so two different names never share an ObjectName.
     */
    static String keyValue(String text) {
        for (int i = 0; i < text.length(); i++) {
            switch (text.charAt(i)) {
                // Separators of an ObjectName, and the wildcards that would turn it into a pattern.
                case ',', '=', ':', '"', '*', '?', '\n':
                    return ObjectName.quote(text);
                default:
                    break;
            }
        }
        return text;
    }

    private static ObjectName parse(String text) {
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException impossible) {
            throw new IllegalArgumentException("not an ObjectName: " + text, impossible);
        }
    }
}
