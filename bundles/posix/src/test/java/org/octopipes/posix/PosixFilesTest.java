package org.octopipes.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** mkfifo, lstat, chmod and unlink on real paths under a temporary directory. */
class PosixFilesTest {

    private final Posix posix = Posix.get();

    @TempDir
    Path dir;

    @Test
    void getReturnsOneSharedInstance() {
        assertThat(Posix.get()).isSameAs(posix);
    }

    // 0660 and 0666 would lose group/other write bits to the usual umask 022 without the chmod.
    @ParameterizedTest
    @CsvSource({"0600, rw-------", "0660, rw-rw----", "0666, rw-rw-rw-", "0620, rw--w----"})
    void mkfifoGivesExactlyTheModeAskedForWhateverTheUmask(String octal, String permissions) throws IOException {
        int mode = Integer.parseInt(octal, 8);
        Path fifo = dir.resolve("fifo");

        posix.mkfifo(fifo, mode);

        assertThat(posix.lstat(fifo)).isEqualTo(new FileStatus(FileType.FIFO, mode, posix.geteuid(), groupOf(fifo)));
        assertThat(Files.getPosixFilePermissions(fifo, LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(PosixFilePermissions.fromString(permissions));
    }

    @Test
    void mkfifoOnAnExistingPathThrowsFileAlreadyExists() throws IOException {
        Path fifo = dir.resolve("fifo");
        posix.mkfifo(fifo, 0600);

        assertThatThrownBy(() -> posix.mkfifo(fifo, 0600))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessage(fifo + ": mkfifo: File exists (EEXIST)")
                .extracting(e -> ((FileSystemException) e).getFile()).isEqualTo(fifo.toString());
    }

    @Test
    void mkfifoOnADanglingSymlinkThrowsFileAlreadyExistsAndCreatesNothing() throws IOException {
        Path target = dir.resolve("target");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        assertThatThrownBy(() -> posix.mkfifo(link, 0600)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(target).doesNotExist();
    }

    @Test
    void mkfifoInAMissingDirectoryThrowsNoSuchFile() {
        Path fifo = dir.resolve("missing").resolve("fifo");

        assertThatThrownBy(() -> posix.mkfifo(fifo, 0600))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessage(fifo + ": mkfifo: No such file or directory (ENOENT)");
    }

    @Test
    void modesOutsideThePermissionBitsAreRefused() {
        Path fifo = dir.resolve("fifo");

        assertThatThrownBy(() -> posix.mkfifo(fifo, 010600)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> posix.chmod(dir, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(fifo).doesNotExist();
    }

    @Test
    void lstatTellsTheFileType() throws IOException {
        Path fifo = dir.resolve("fifo");
        posix.mkfifo(fifo, 0600);
        Path regular = Files.writeString(dir.resolve("regular"), "x");
        Path directory = Files.createDirectory(dir.resolve("directory"));
        Path symlink = Files.createSymbolicLink(dir.resolve("symlink"), regular);

        assertThat(posix.lstat(fifo).type()).isEqualTo(FileType.FIFO);
        assertThat(posix.lstat(regular).type()).isEqualTo(FileType.REGULAR);
        assertThat(posix.lstat(directory).type()).isEqualTo(FileType.DIRECTORY);
        assertThat(posix.lstat(symlink).type()).isEqualTo(FileType.SYMLINK);
        assertThat(posix.lstat(Path.of("/dev/null")).type()).isEqualTo(FileType.OTHER);
    }

    @Test
    void lstatOfNothingIsNull() throws IOException {
        Path regular = Files.writeString(dir.resolve("regular"), "x");

        assertThat(posix.lstat(dir.resolve("missing"))).isNull();
        assertThat(posix.lstat(dir.resolve("missing").resolve("fifo"))).isNull();
        assertThat(posix.lstat(regular.resolve("fifo"))).isNull();
    }

    @Test
    void lstatDoesNotFollowASymlink() throws IOException {
        Path fifo = dir.resolve("fifo");
        posix.mkfifo(fifo, 0600);
        Path toFifo = Files.createSymbolicLink(dir.resolve("to-fifo"), fifo);
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("missing"));

        FileStatus status = posix.lstat(toFifo);

        assertThat(status.type()).isEqualTo(FileType.SYMLINK);
        assertThat(status.mode()).isEqualTo(0777);
        assertThat(posix.lstat(dangling).type()).isEqualTo(FileType.SYMLINK);
    }

    @Test
    void lstatReportsSetgidAndStickyBitsSetByChmod() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("directory"));

        posix.chmod(directory, 03770);

        assertThat(posix.lstat(directory).mode()).isEqualTo(03770);
    }

    @Test
    void chmodOfAMissingFileThrowsNoSuchFile() {
        Path missing = dir.resolve("missing");

        assertThatThrownBy(() -> posix.chmod(missing, 0600))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("chmod");
    }

    @Test
    void unlinkTellsWhetherThereWasSomethingToRemove() throws IOException {
        Path fifo = dir.resolve("fifo");
        posix.mkfifo(fifo, 0600);

        assertThat(posix.unlink(fifo)).isTrue();
        assertThat(posix.lstat(fifo)).isNull();
        assertThat(posix.unlink(fifo)).isFalse();
    }

    @Test
    void unlinkRemovesASymlinkAndNotItsTarget() throws IOException {
        Path fifo = dir.resolve("fifo");
        posix.mkfifo(fifo, 0600);
        Path link = Files.createSymbolicLink(dir.resolve("link"), fifo);

        assertThat(posix.unlink(link)).isTrue();

        assertThat(posix.lstat(link)).isNull();
        assertThat(posix.lstat(fifo).type()).isEqualTo(FileType.FIFO);
    }

    @Test
    void unlinkOfADirectoryFails() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("directory"));

        assertThatThrownBy(() -> posix.unlink(directory))
                .isInstanceOf(FileSystemException.class)
                .hasMessage(directory + ": unlink: Is a directory (EISDIR)");
    }

    private static int groupOf(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }
}
