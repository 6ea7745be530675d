package org.octopipes.launcher;

/**
 * Where {@code --http [HOST:]PORT} has the HTTP service listen. Without a host, the loopback
 * only: the Web Console and the metrics are for this machine unless the operator says otherwise.
 *
 * @param host a host name or address; an IPv6 address without its brackets
 * @param port 1 to 65535, or 0 for a free port the kernel picks (the "ready" line says which)
 */
record HttpAddress(String host, int port) {

    static final String LOOPBACK = "127.0.0.1";

    /** Parses {@code PORT}, {@code HOST:PORT} or {@code [IPV6]:PORT}. */
    static HttpAddress parse(String text) throws UsageException {
        String host = LOOPBACK;
        String port = text;
        int colon = text.lastIndexOf(':');
        if (colon >= 0) {
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new UsageException("--http " + text + ": write an IPv6 address in brackets, e.g. [::1]:8181");
            }
            if (host.isEmpty()) {
                throw new UsageException("--http " + text + ": the host before ':' is empty; give a host, or the port alone for "
                        + LOOPBACK);
            }
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new UsageException("--http " + text + ": '" + port + "' is not a port number");
        }
        if (number < 0 || number > 65535) {
            throw new UsageException("--http " + text + ": the port must be from 0 to 65535");
        }
        return new HttpAddress(host, number);
    }

    /** The base URL, with the port the service really got when 0 was asked for. */
    String url(int boundPort) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort;
    }
}
