package org.octopipes.codec;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where this user's server listens on a Unix socket when nobody says otherwise: the rule the
 * server's socket transport and the clients share, beside {@link CapLocation}'s. In order:
 * {@code $OCTOPIPES_SOCKET} if set; else {@code octopipes.sock} in the folder of the CAP the
 * server is configured with (the server only: clients cannot know it); else in the folder of the
 * default CAP. So one server's FIFO and socket transports share one private folder.
 */
public final class SocketLocation {

    /** Environment variable that names the socket for both servers and clients. */
    public static final String ENVIRONMENT_VARIABLE = "OCTOPIPES_SOCKET";
    /** The socket's file name when only its folder is known: beside the CAP. */
    public static final String FILE_NAME = "octopipes.sock";

    private SocketLocation() {
    }

    /** {@return the default socket path for this process's user and environment, beside the default CAP} */
    public static Path defaultPath() {
        return defaultPath(System.getenv(), null, System.getProperty("java.io.tmpdir"), System.getProperty("user.name"));
    }

    /**
     * The default socket path for the given environment, temp folder and user name.
     *
     * @param configuredCap the CAP path a server is configured with, or null or blank if none
     * @param environment the environment variables, e.g. {@code System.getenv()}
     * @param tmpDir the temporary folder, used when {@code XDG_RUNTIME_DIR} is not set
     * @param userName the user, whose name makes the temporary folder's own
     * @return the socket's path
     */
    public static Path defaultPath(Map<String, String> environment, String configuredCap, String tmpDir, String userName) {
        String explicit = environment.get(ENVIRONMENT_VARIABLE);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit.trim());
        }
        if (configuredCap != null && !configuredCap.isBlank()) {
            return Path.of(configuredCap.trim()).toAbsolutePath().resolveSibling(FILE_NAME);
        }
        return CapLocation.defaultPath(environment, tmpDir, userName).resolveSibling(FILE_NAME);
    }
}
