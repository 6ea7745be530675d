package org.octopipes.posix;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** open, read, write, close and the pipe-size calls on FIFOs under a temporary directory. */
class PosixIoTest {

    private final Posix posix = Posix.get();
    private final OpenDescriptors fds = new OpenDescriptors();

    @TempDir
    Path dir;

    @AfterEach
    void closeDescriptors() throws IOException {
        fds.close();
    }

    @Test
    void directBuffersRoundTripThroughAFifo() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        ByteBuffer out = ByteBuffer.allocateDirect(64);
        out.put("..hello".getBytes(US_ASCII)).flip().position(2);
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        in.position(3);

        assertThat(posix.write(fd, out)).isEqualTo(5);
        assertThat(out.hasRemaining()).isFalse();
        assertThat(posix.read(fd, in)).isEqualTo(5);

        assertThat(in.position()).isEqualTo(8);
        assertThat(text(in.flip().position(3))).isEqualTo("hello");
    }

    @Test
    void heapBuffersRoundTripThroughAFifoAtTheirPositionAndArrayOffset() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        ByteBuffer out = ByteBuffer.wrap("xx..hello".getBytes(US_ASCII)).position(2).slice().position(2);
        ByteBuffer in = ByteBuffer.allocate(32).position(4).slice().position(1);

        assertThat(posix.write(fd, out)).isEqualTo(5);
        assertThat(posix.read(fd, in)).isEqualTo(5);

        assertThat(text(in.flip().position(1))).isEqualTo("hello");
    }

    @Test
    void directAndHeapBuffersMix() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));

        posix.write(fd, ByteBuffer.wrap("heap".getBytes(US_ASCII)));
        posix.write(fd, ByteBuffer.allocateDirect(6).put("direct".getBytes(US_ASCII)).flip());
        ByteBuffer in = ByteBuffer.allocateDirect(10);
        assertThat(posix.read(fd, in)).isEqualTo(10);
        assertThat(text(in.flip())).isEqualTo("heapdirect");
    }

    @Test
    void aReadOnlyHeapBufferCanBeWritten() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        ByteBuffer out = ByteBuffer.wrap("read-only".getBytes(US_ASCII)).asReadOnlyBuffer().position(5);

        assertThat(posix.write(fd, out)).isEqualTo(4);

        assertThat(out.position()).isEqualTo(9);
        ByteBuffer in = ByteBuffer.allocate(16);
        posix.read(fd, in);
        assertThat(text(in.flip())).isEqualTo("only");
    }

    @Test
    void aReadIntoAHeapBufferLeavesTheBytesAfterWhatWasReadAlone() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        posix.write(fd, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        byte[] array = new byte[100];
        Arrays.fill(array, (byte) 0x55);

        assertThat(posix.read(fd, ByteBuffer.wrap(array))).isEqualTo(3);

        assertThat(Arrays.copyOf(array, 3)).containsExactly(1, 2, 3);
        for (int i = 3; i < array.length; i++) {
            assertThat(array[i]).isEqualTo((byte) 0x55);
        }
    }

    @Test
    void aLargeReadIntoAHeapBufferAtAnOffsetIsOneRead() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        posix.setPipeSize(fd, 1 << 20);
        byte[] data = new byte[300 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        assertThat(posix.write(fd, ByteBuffer.wrap(data))).isEqualTo(data.length);
        ByteBuffer in = ByteBuffer.wrap(new byte[data.length + 10], 5, data.length).slice();

        assertThat(posix.read(fd, in)).as("no staging in 64 KiB pieces: the array itself").isEqualTo(data.length);
        assertThat(Arrays.copyOfRange(in.array(), 5, 5 + data.length)).isEqualTo(data);
    }

    @Test
    void aReadOfAnEmptyNonBlockingFifoReturnsZero() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        ByteBuffer heap = ByteBuffer.allocate(16);

        assertThat(posix.read(fd, direct)).isZero();
        assertThat(posix.read(fd, heap)).isZero();
        assertThat(direct.position()).isZero();
        assertThat(heap.position()).isZero();
    }

    @Test
    void aReadOrWriteWithNoRoomReturnsZero() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        posix.write(fd, ByteBuffer.wrap(new byte[] {1}));

        assertThat(posix.read(fd, ByteBuffer.allocate(4).position(4))).isZero();
        assertThat(posix.write(fd, ByteBuffer.allocate(0))).isZero();
        assertThat(posix.bytesAvailable(fd)).isEqualTo(1);
    }

    @Test
    void aReadReturnsMinusOneOnceTheLastWriterHasGoneAndTheFifoIsEmpty() throws IOException {
        Path fifo = fds.fifo(dir.resolve("fifo"));
        int reader = fds.open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK);
        int writer = fds.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK);
        posix.write(writer, ByteBuffer.wrap(new byte[] {42}));
        fds.close(writer);
        ByteBuffer in = ByteBuffer.allocateDirect(8);

        assertThat(posix.read(reader, in)).isEqualTo(1);
        assertThat(posix.read(reader, in)).isEqualTo(-1);
    }

    @Test
    void aReadIntoAReadOnlyBufferIsRefused() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));

        assertThatThrownBy(() -> posix.read(fd, ByteBuffer.allocate(4).asReadOnlyBuffer()))
                .isInstanceOf(ReadOnlyBufferException.class);
    }

    @Test
    void aWriteToAFullFifoReturnsZeroOnceItHoldsItsPipeSize() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        ByteBuffer chunk = ByteBuffer.allocateDirect(4096);
        long total = 0;
        int written;
        do {
            written = posix.write(fd, chunk.clear());
            total += written;
        } while (written > 0 && total <= 16 * 1024 * 1024);

        assertThat(written).isZero();
        assertThat(chunk.position()).isZero();
        assertThat(total).isEqualTo(posix.pipeSize(fd));
        assertThat(posix.bytesAvailable(fd)).isEqualTo(total);
    }

    @Test
    void bytesAvailableCountsWhatWasWritten() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));

        assertThat(posix.bytesAvailable(fd)).isZero();
        posix.write(fd, ByteBuffer.allocate(1234));
        assertThat(posix.bytesAvailable(fd)).isEqualTo(1234);
        posix.read(fd, ByteBuffer.allocateDirect(1000));
        assertThat(posix.bytesAvailable(fd)).isEqualTo(234);
    }

    @Test
    void aFifoCanGrowToOneMebibyte() throws IOException {
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        int mebibyte = 1024 * 1024;

        assertThat(posix.setPipeSize(fd, mebibyte)).isEqualTo(mebibyte);
        assertThat(posix.pipeSize(fd)).isEqualTo(mebibyte);
    }

    @Test
    void aWriteWithNoReaderLeftFailsWithEpipe() throws IOException {
        Path fifo = fds.fifo(dir.resolve("fifo"));
        int reader = fds.open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK);
        int writer = fds.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK);
        fds.close(reader);

        assertThatThrownBy(() -> posix.write(writer, ByteBuffer.wrap(new byte[] {1})))
                .isInstanceOf(IOException.class)
                .hasMessage("write fd " + writer + ": Broken pipe (EPIPE)");
    }

    @Test
    void openingAFifoForWritingWithoutAReaderFailsWithEnxio() throws IOException {
        Path fifo = fds.fifo(dir.resolve("fifo"));

        assertThatThrownBy(() -> fds.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK))
                .isInstanceOf(FileSystemException.class)
                .hasMessage(fifo + ": open: No such device or address (ENXIO)");
    }

    @Test
    void openWithNoFollowRefusesASymlink() throws IOException {
        Path fifo = fds.fifo(dir.resolve("fifo"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), fifo);

        assertThatThrownBy(() -> fds.open(link, Posix.O_RDWR | Posix.O_NONBLOCK | Posix.O_NOFOLLOW))
                .isInstanceOf(FileSystemException.class)
                .hasMessageEndingWith("(ELOOP)");
        assertThat(fds.open(fifo, Posix.O_RDWR | Posix.O_NONBLOCK | Posix.O_NOFOLLOW)).isNotNegative();
    }

    @Test
    void callsOnABadDescriptorFailWithEbadf() {
        assertThatThrownBy(() -> posix.close(-1)).hasMessage("close fd -1: Bad file descriptor (EBADF)");
        assertThatThrownBy(() -> posix.read(-1, ByteBuffer.allocate(1))).hasMessageEndingWith("(EBADF)");
        assertThatThrownBy(() -> posix.bytesAvailable(-1)).hasMessageEndingWith("(EBADF)");
        assertThatThrownBy(() -> posix.pipeSize(-1)).hasMessageEndingWith("(EBADF)");
    }

    private static String text(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new String(bytes, US_ASCII);
    }
}
