package org.octopipes.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The epoll-based poller on FIFOs under a temporary directory. */
@Timeout(20)
class PollerTest {

    private final Posix posix = Posix.get();
    private final OpenDescriptors fds = new OpenDescriptors();
    private final ExecutorService otherThread = Executors.newSingleThreadExecutor();
    private final ReadyEvents ready = new ReadyEvents(8);
    private Poller poller;

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() throws IOException {
        otherThread.shutdownNow();
        if (poller != null) {
            poller.close();
        }
        fds.close();
    }

    @Test
    void aFifoBecomesReadableWhenAnotherThreadWritesAndItsTokenComesBack() throws Exception {
        poller = Poller.open();
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        poller.register(fd, Poller.READABLE, 42L);
        assertThat(poller.poll(0, ready)).isZero();

        otherThread.submit(() -> posix.write(fd, ByteBuffer.wrap(new byte[] {1, 2, 3})));
        int count = poller.poll(10_000, ready);

        assertThat(count).isEqualTo(1);
        assertThat(ready.size()).isEqualTo(1);
        assertThat(ready.token(0)).isEqualTo(42L);
        assertThat(ready.isReadable(0)).isTrue();
        assertThat(ready.isWritable(0)).isFalse();
        assertThat(posix.read(fd, ByteBuffer.allocate(3))).isEqualTo(3);
        assertThat(poller.poll(0, ready)).isZero();
    }

    @Test
    void anEmptyFifoIsWritable() throws IOException {
        poller = Poller.open();
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        poller.register(fd, Poller.READABLE | Poller.WRITABLE, -7L);

        assertThat(poller.poll(0, ready)).isEqualTo(1);

        assertThat(ready.token(0)).isEqualTo(-7L);
        assertThat(ready.isWritable(0)).isTrue();
        assertThat(ready.isReadable(0)).isFalse();
        assertThat(ready.events(0)).isEqualTo(Poller.WRITABLE);
    }

    @Test
    void modifyChangesTheEventsAndTheToken() throws IOException {
        poller = Poller.open();
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        poller.register(fd, Poller.READABLE, 1L);
        assertThat(poller.poll(0, ready)).isZero();

        poller.modify(fd, Poller.WRITABLE, 2L);

        assertThat(poller.poll(0, ready)).isEqualTo(1);
        assertThat(ready.token(0)).isEqualTo(2L);
        assertThat(ready.isWritable(0)).isTrue();
    }

    @Test
    void afterUnregisterNothingIsReported() throws IOException {
        poller = Poller.open();
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        poller.register(fd, Poller.WRITABLE, 1L);
        assertThat(poller.poll(0, ready)).isEqualTo(1);

        poller.unregister(fd);

        assertThat(poller.poll(0, ready)).isZero();
        assertThat(ready.size()).isZero();
    }

    @Test
    void unregisterOfADescriptorNeverRegisteredOrClosedIsQuiet() throws IOException {
        poller = Poller.open();
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));

        poller.unregister(fd);
        poller.unregister(-1);
    }

    @Test
    void registeringTwiceOrTheReservedTokenIsRefused() throws IOException {
        poller = Poller.open();
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        poller.register(fd, Poller.READABLE, 1L);

        assertThatThrownBy(() -> poller.register(fd, Poller.READABLE, 1L))
                .isInstanceOf(IOException.class)
                .hasMessage("epoll_ctl(ADD) fd " + fd + ": File exists (EEXIST)");
        assertThatThrownBy(() -> poller.modify(fd, Poller.READABLE, Poller.RESERVED_TOKEN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wakeupFromAnotherThreadEndsAPollWithoutTimeout() throws Exception {
        poller = Poller.open();
        CountDownLatch polling = new CountDownLatch(1);
        Future<Integer> poll = otherThread.submit(() -> {
            polling.countDown();
            return poller.poll(-1, ready);
        });
        assertThat(polling.await(10, TimeUnit.SECONDS)).isTrue();

        // Whether the poll is already waiting or about to: either way it must come back.
        poller.wakeup();

        assertThat(poll.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aWakeupBeforeAPollMakesThatPollReturnAndIsThenUsedUp() throws IOException {
        poller = Poller.open();
        for (int round = 0; round < 3; round++) {
            poller.wakeup();
            poller.wakeup();

            assertThat(poller.poll(-1, ready)).isZero();
            assertThat(poller.poll(0, ready)).isZero();
        }
    }

    @Test
    void aPollWithATimeoutAndNothingReadyWaitsThenReturnsZero() throws IOException {
        poller = Poller.open();
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        poller.register(fd, Poller.READABLE, 1L);
        long start = System.nanoTime();

        assertThat(poller.poll(50, ready)).isZero();

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(45);
        assertThat(ready.size()).isZero();
    }

    @Test
    void moreReadyDescriptorsThanCapacityAreReportedOverSeveralPolls() throws IOException {
        poller = Poller.open();
        for (long token = 1; token <= 3; token++) {
            int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo" + token)));
            poller.register(fd, Poller.WRITABLE, token);
        }
        ReadyEvents two = new ReadyEvents(2);
        Set<Long> seen = new HashSet<>();

        assertThat(poller.poll(0, two)).isEqualTo(2);
        seen.add(two.token(0));
        seen.add(two.token(1));
        assertThat(poller.poll(0, two)).isEqualTo(2);
        seen.add(two.token(0));
        seen.add(two.token(1));

        assertThat(seen).containsExactlyInAnyOrder(1L, 2L, 3L);
    }

    @Test
    void theReadEndHangsUpWhenTheLastWriterCloses() throws IOException {
        poller = Poller.open();
        Path fifo = fds.fifo(dir.resolve("fifo"));
        int reader = fds.open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK);
        int writer = fds.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK);
        poller.register(reader, Poller.READABLE, 5L);
        assertThat(poller.poll(0, ready)).isZero();

        fds.close(writer);

        assertThat(poller.poll(10_000, ready)).isEqualTo(1);
        assertThat(ready.isHangup(0)).isTrue();
    }

    @Test
    void theWriteEndReportsAnErrorWhenTheLastReaderCloses() throws IOException {
        poller = Poller.open();
        Path fifo = fds.fifo(dir.resolve("fifo"));
        int reader = fds.open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK);
        int writer = fds.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK);
        poller.register(writer, 0, 6L);
        assertThat(poller.poll(0, ready)).isZero();

        fds.close(reader);

        assertThat(poller.poll(10_000, ready)).isEqualTo(1);
        assertThat(ready.isError(0)).isTrue();
    }

    @Test
    void closeEndsAPollInProgressAndLaterCallsFail() throws Exception {
        poller = Poller.open();
        int fd = fds.openBothWays(fds.fifo(dir.resolve("fifo")));
        CountDownLatch polling = new CountDownLatch(1);
        Future<Integer> poll = otherThread.submit(() -> {
            polling.countDown();
            return poller.poll(-1, ready);
        });
        assertThat(polling.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture.runAsync(poller::close).get(10, TimeUnit.SECONDS);

        // The poll was woken by close, or found the poller closed if it began only after close did.
        try {
            assertThat(poll.get(10, TimeUnit.SECONDS)).isZero();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).hasMessage("poller is closed");
        }
        assertThatThrownBy(() -> poller.poll(0, ready)).hasMessage("poller is closed");
        assertThatThrownBy(() -> poller.register(fd, Poller.READABLE, 1L)).hasMessage("poller is closed");
        poller.unregister(fd);
        poller.wakeup();
        poller.close();
    }

    @Test
    void readyEventsRefuseIndexesPastTheLastPoll() throws IOException {
        poller = Poller.open();
        poller.poll(0, ready);

        assertThat(ready.capacity()).isEqualTo(8);
        assertThatThrownBy(() -> ready.token(0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new ReadyEvents(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
