package org.octopipes.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** splice and tee between real FIFOs under a temporary directory. */
class PosixSpliceTest {

    private static final int NONBLOCK = Posix.SPLICE_F_NONBLOCK;

    private final Posix posix = Posix.get();
    private final OpenDescriptors fds = new OpenDescriptors();

    @TempDir
    Path dir;

    @AfterEach
    void closeDescriptors() throws IOException {
        fds.close();
    }

    @Test
    void spliceMovesTheFirstBytesInOrderAndLeavesTheRest() throws IOException {
        int from = fifo("from");
        int to = fifo("to");
        byte[] data = pattern(10_000, 0);
        write(from, data);

        assertThat(posix.splice(from, to, 6_000, NONBLOCK)).isEqualTo(6_000);

        assertThat(posix.bytesAvailable(from)).isEqualTo(4_000);
        assertThat(read(to, 6_000)).isEqualTo(slice(data, 0, 6_000));
        assertThat(read(from, 4_000)).isEqualTo(slice(data, 6_000, 4_000));
    }

    @Test
    void splicedBytesFollowWhatWasWrittenBeforeAndPrecedeWhatIsWrittenAfter() throws IOException {
        // How a server puts a packet together in a recipient's FIFO: the header written, the
        // payload spliced, the next packet written.
        int from = fifo("from");
        int to = fifo("to");
        byte[] payload = pattern(70_000, 3);
        posix.setPipeSize(from, 128 * 1024);
        write(from, payload);
        posix.setPipeSize(to, 256 * 1024);
        write(to, new byte[] {1, 2, 3});

        int moved = 0;
        while (moved < payload.length) {
            int count = posix.splice(from, to, payload.length - moved, NONBLOCK);
            assertThat(count).isPositive();
            moved += count;
        }
        write(to, new byte[] {4, 5});

        assertThat(read(to, 3)).containsExactly(1, 2, 3);
        assertThat(read(to, payload.length)).isEqualTo(payload);
        assertThat(read(to, 2)).containsExactly(4, 5);
    }

    @Test
    void spliceMovesWhatThereIsRoomForAndTheRestLater() throws IOException {
        int from = fifo("from");
        int to = fifo("to");
        posix.setPipeSize(from, 64 * 1024);
        int toSize = posix.setPipeSize(to, 4096);
        byte[] data = pattern(40_000, 7);
        write(from, data);

        int first = posix.splice(from, to, data.length, NONBLOCK);
        assertThat(first).isPositive().isLessThanOrEqualTo(toSize);
        assertThat(posix.splice(from, to, data.length - first, NONBLOCK)).as("no room left").isZero();

        ByteBuffer received = ByteBuffer.allocate(data.length);
        received.put(read(to, first));
        while (received.hasRemaining()) {
            int count = posix.splice(from, to, received.remaining(), NONBLOCK);
            assertThat(count).isPositive();
            received.put(read(to, count));
        }
        assertThat(received.array()).isEqualTo(data);
        assertThat(posix.bytesAvailable(from)).isZero();
    }

    @Test
    void spliceFromAnEmptyFifoReturnsZeroAndFromOneWithNoWriterLeftMinusOne() throws IOException {
        int from = fifo("from");
        int to = fifo("to");
        assertThat(posix.splice(from, to, 100, NONBLOCK)).isZero();

        Path lonely = fds.fifo(dir.resolve("lonely"));
        int reader = fds.open(lonely, Posix.O_RDONLY | Posix.O_NONBLOCK);
        int writer = fds.open(lonely, Posix.O_WRONLY | Posix.O_NONBLOCK);
        write(writer, new byte[] {9});
        fds.close(writer);
        assertThat(posix.splice(reader, to, 100, NONBLOCK)).isEqualTo(1);
        assertThat(posix.splice(reader, to, 100, NONBLOCK)).isEqualTo(-1);
    }

    @Test
    void aNonBlockingDescriptorMakesSpliceReturnRatherThanWaitWithoutTheFlag() throws IOException {
        // The server's FIFOs are all O_NONBLOCK: a splice it forgets to flag must still not block.
        int from = fifo("from");
        int to = fifo("to");

        assertThat(posix.splice(from, to, 100, 0)).isZero();
        assertThat(posix.tee(from, to, 100, 0)).isZero();
    }

    @Test
    void teeCopiesWithoutTakingSoThatOneSpliceAfterSeveralTeesFeedsEveryReader() throws IOException {
        int from = fifo("from");
        int[] readers = {fifo("a"), fifo("b"), fifo("c")};
        byte[] data = pattern(20_000, 11);
        write(from, data);

        assertThat(posix.tee(from, readers[0], data.length, NONBLOCK)).isEqualTo(data.length);
        assertThat(posix.tee(from, readers[1], data.length, NONBLOCK)).isEqualTo(data.length);
        assertThat(posix.bytesAvailable(from)).as("tee takes nothing out").isEqualTo(data.length);
        assertThat(posix.splice(from, readers[2], data.length, NONBLOCK)).isEqualTo(data.length);

        assertThat(posix.bytesAvailable(from)).isZero();
        for (int reader : readers) {
            assertThat(read(reader, data.length)).isEqualTo(data);
        }
    }

    @Test
    void teeStartsAtTheFirstByteEveryTime() throws IOException {
        int from = fifo("from");
        int to = fifo("to");
        write(from, new byte[] {1, 2, 3, 4});

        assertThat(posix.tee(from, to, 2, NONBLOCK)).isEqualTo(2);
        assertThat(posix.tee(from, to, 2, NONBLOCK)).isEqualTo(2);

        assertThat(read(to, 4)).containsExactly(1, 2, 1, 2);
    }

    @Test
    void aFullDestinationTakesNothingAndLeavesTheSourceAlone() throws IOException {
        int from = fifo("from");
        int to = fifo("to");
        posix.setPipeSize(to, 4096);
        write(to, new byte[4096]);
        write(from, new byte[] {5, 6});

        assertThat(posix.splice(from, to, 2, NONBLOCK)).isZero();
        assertThat(posix.tee(from, to, 2, NONBLOCK)).isZero();
        assertThat(posix.bytesAvailable(from)).isEqualTo(2);
    }

    @Test
    void failuresNameTheCallTheDescriptorsAndTheErrno() throws IOException {
        int pipe = fifo("pipe");
        Path file = Files.createFile(dir.resolve("plain"));
        int regular = fds.open(file, Posix.O_RDWR);

        assertThatThrownBy(() -> posix.tee(pipe, regular, 1, NONBLOCK))
                .isInstanceOf(IOException.class)
                .hasMessage("tee fd " + pipe + " to fd " + regular + ": Invalid argument (EINVAL)");
        assertThatThrownBy(() -> posix.splice(pipe, pipe, 1, NONBLOCK)).hasMessageEndingWith("(EINVAL)");
        assertThatThrownBy(() -> posix.splice(-1, pipe, 1, NONBLOCK)).hasMessageEndingWith("(EBADF)");
        assertThatThrownBy(() -> posix.splice(pipe, pipe, 0, NONBLOCK)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> posix.tee(pipe, pipe, -1, NONBLOCK)).isInstanceOf(IllegalArgumentException.class);
    }

    private int fifo(String name) throws IOException {
        return fds.openBothWays(fds.fifo(dir.resolve(name)));
    }

    private void write(int fd, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            assertThat(posix.write(fd, buffer)).as("room in the FIFO").isPositive();
        }
    }

    private byte[] read(int fd, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count);
        while (buffer.hasRemaining()) {
            assertThat(posix.read(fd, buffer)).as("bytes in the FIFO").isPositive();
        }
        return buffer.array();
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    private static byte[] slice(byte[] bytes, int from, int length) {
        byte[] part = new byte[length];
        System.arraycopy(bytes, from, part, 0, length);
        return part;
    }
}
