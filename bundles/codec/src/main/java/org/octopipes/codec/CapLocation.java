package org.octopipes.codec;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the CAP of this user's server is when nobody says otherwise: the rule servers and clients
 * share, like a well-known port. {@code $OCTOPIPES_CAP} if set; else
 * {@code $XDG_RUNTIME_DIR/octopipes/cap.fifo}, the per-user runtime folder; else
 * {@code <java.io.tmpdir>/octopipes-<user.name>/cap.fifo}, a folder of this user's own.
 */
public final class CapLocation {

    /** Environment variable that names the CAP for both servers and clients. */
    public static final String ENVIRONMENT_VARIABLE = "OCTOPIPES_CAP";

    private CapLocation() {
    }

    /** {@return the default CAP path for this process's user and environment} */
    public static Path defaultPath() {
        return defaultPath(System.getenv(), System.getProperty("java.io.tmpdir"), System.getProperty("user.name"));
    }

    /**
     * The default CAP path for the given environment, temp folder and user name.
     *
     * @param environment the environment variables, e.g. {@code System.getenv()}
     * @param tmpDir the temporary folder, used when {@code XDG_RUNTIME_DIR} is not set
     * @param userName the user, whose name makes the temporary folder's own
     * @return the CAP's path
     */
    public static Path defaultPath(Map<String, String> environment, String tmpDir, String userName) {
        String explicit = environment.get(ENVIRONMENT_VARIABLE);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String runtimeDir = environment.get("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank()) {
            return Path.of(runtimeDir, "octopipes", "cap.fifo");
        }
        return Path.of(tmpDir, "octopipes-" + userName, "cap.fifo");
    }
}
