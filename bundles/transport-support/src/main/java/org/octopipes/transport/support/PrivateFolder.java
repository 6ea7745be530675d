package org.octopipes.transport.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;
import org.octopipes.posix.FileStatus;
import org.octopipes.posix.FileType;
import org.octopipes.posix.Posix;

/**
 * The folder a transport makes its files in (FIFOs, a socket): whoever may write there may swap
 * them for their own, so it must be a real folder of this user that nobody else can write to.
 */
public final class PrivateFolder {

    private PrivateFolder() {
    }

    /**
     * Makes {@code folder} with mode 0700 if it is not there, and refuses one that is a symbolic
     * link or no folder, belongs to another user, or is writable by group or others.
     *
     * @param what what goes there, for the error messages ("FIFOs", "the socket")
     * @param made told the folder as soon as this call has made it (before the checks), for the caller's log
     * @throws IOException saying why the folder is refused
     */
    public static void prepare(Posix posix, Path folder, String what, Consumer<Path> made) throws IOException {
        FileStatus status = posix.lstat(folder);
        if (status == null) {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            status = posix.lstat(folder);
            made.accept(folder);
        }
        if (status == null || status.type() != FileType.DIRECTORY) {
            throw new IOException(folder + " is not a folder" + (status != null && status.type() == FileType.SYMLINK ? " but a symbolic link" : ""));
        }
        int me = posix.geteuid();
        if (status.uid() != me) {
            throw new IOException("refusing to put " + what + " in " + folder + ": it belongs to user " + status.uid() + ", not to this user (" + me + ")");
        }
        if ((status.mode() & 0022) != 0) {
            throw new IOException("refusing to put " + what + " in " + folder + ": other users can write there (mode 0"
                    + Integer.toOctalString(status.mode()) + "); chmod go-w it or pick another folder");
        }
    }
}
