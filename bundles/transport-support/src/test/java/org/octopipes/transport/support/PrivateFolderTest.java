package org.octopipes.transport.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.octopipes.posix.Posix;

class PrivateFolderTest {

    @TempDir
    Path temp;

    private final Posix posix = Posix.get();
    private final List<Path> made = new ArrayList<>();

    @Test
    void aMissingFolderIsMadeWithMode0700AndReported() throws IOException {
        Path folder = temp.resolve("a").resolve("clients");
        PrivateFolder.prepare(posix, folder, "FIFOs", made::add);
        assertThat(made).containsExactly(folder);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");

        PrivateFolder.prepare(posix, folder, "FIFOs", made::add);
        assertThat(made).hasSize(1);
    }

    @Test
    void aFolderOthersCanWriteToIsRefused() throws IOException {
        Path folder = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> PrivateFolder.prepare(posix, folder, "the socket", made::add)).isInstanceOf(IOException.class)
                .hasMessage("refusing to put the socket in " + folder + ": other users can write there (mode 0777); chmod go-w it or pick another folder");
    }

    @Test
    void aFileOrASymbolicLinkIsRefused() throws IOException {
        Path file = Files.createFile(temp.resolve("file"));
        assertThatThrownBy(() -> PrivateFolder.prepare(posix, file, "FIFOs", made::add)).hasMessage(file + " is not a folder");
        Path link = Files.createSymbolicLink(temp.resolve("link"), Files.createDirectory(temp.resolve("real")));
        assertThatThrownBy(() -> PrivateFolder.prepare(posix, link, "FIFOs", made::add)).hasMessage(link + " is not a folder but a symbolic link");
        assertThat(made).isEmpty();
    }
}
