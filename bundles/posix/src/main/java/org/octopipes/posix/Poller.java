package org.octopipes.posix;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.octopipes.posix.internal.ErrnoExceptions;
import org.octopipes.posix.internal.LinuxAbi;
import org.octopipes.posix.internal.NativeCalls;

/**
 * An epoll(7) instance: tells which file descriptors are ready, so that one thread can serve many
 * FIFOs. One thread polls; {@link #register}, {@link #modify}, {@link #unregister} and
 * {@link #wakeup} may be called from any thread. Registrations are level-triggered.
 */
public final class Poller implements Closeable {

    public static final int READABLE = LinuxAbi.EPOLLIN;
    public static final int WRITABLE = LinuxAbi.EPOLLOUT;
    /** Reported whether asked for or not. */
    public static final int ERROR = LinuxAbi.EPOLLERR;
    /** Reported whether asked for or not. */
    public static final int HANGUP = LinuxAbi.EPOLLHUP;

    /**
     * The one token callers may not use: it marks the poller's own wakeup descriptor, which shares
     * the kernel's 64-bit token space with theirs.
     */
    public static final long RESERVED_TOKEN = Long.MIN_VALUE;

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private final NativeCalls calls;
    private final int epollFd;
    private final int wakeupFd;

    /**
     * Shared by everything that uses the two descriptors, exclusive for closing them, so that no
     * call ever reaches a descriptor number that the kernel may have handed out again.
     */
    private final ReentrantReadWriteLock descriptors = new ReentrantReadWriteLock();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Set by the first wakeup until a poll drains it, so that further wakeups cost no system call. */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** The eventfd increment. Never changed after construction, so any thread may write from it. */
    private final ByteBuffer one = ByteBuffer.allocateDirect(Long.BYTES).order(NATIVE).putLong(0, 1L);
    /** Where a poll drains the eventfd to; polling thread only. */
    private final ByteBuffer drained = ByteBuffer.allocateDirect(Long.BYTES);
    /** What epoll_wait fills; polling thread only, grown to the largest {@link ReadyEvents} seen. */
    private ByteBuffer events;

    private Poller(NativeCalls calls, int epollFd, int wakeupFd) {
        this.calls = calls;
        this.epollFd = epollFd;
        this.wakeupFd = wakeupFd;
    }

    /**
     * A new epoll instance, with a non-blocking eventfd registered for {@link #wakeup()}.
     *
     * @throws UnsupportedOperationException when native POSIX support is not available here
     */
    public static Poller open() throws IOException {
        NativeCalls calls = Posix.get().calls();
        int epollFd = calls.epollCreate1(LinuxAbi.EPOLL_CLOEXEC);
        if (epollFd < 0) {
            throw ErrnoExceptions.forCall(calls, "epoll_create1", -epollFd);
        }
        int wakeupFd = calls.eventfd(0, LinuxAbi.EFD_NONBLOCK | LinuxAbi.EFD_CLOEXEC);
        if (wakeupFd < 0) {
            calls.close(epollFd);
            throw ErrnoExceptions.forCall(calls, "eventfd", -wakeupFd);
        }
        Poller poller = new Poller(calls, epollFd, wakeupFd);
        try {
            poller.control(LinuxAbi.EPOLL_CTL_ADD, "epoll_ctl(ADD)", wakeupFd, READABLE, RESERVED_TOKEN);
        } catch (IOException e) {
            poller.close();
            throw e;
        }
        return poller;
    }

    /**
     * Starts watching {@code fd} for {@code events} (EPOLL_CTL_ADD, level-triggered).
     *
     * @param events {@link #READABLE} and/or {@link #WRITABLE}; {@link #ERROR} and {@link #HANGUP}
     *     come anyway
     * @param token what {@link ReadyEvents#token} reports for this descriptor; anything but
     *     {@link #RESERVED_TOKEN}
     * @throws IOException e.g. EEXIST if {@code fd} is registered already, EPERM for a regular file
     */
    public void register(int fd, int events, long token) throws IOException {
        checkToken(token);
        control(LinuxAbi.EPOLL_CTL_ADD, "epoll_ctl(ADD)", fd, events, token);
    }

    /** Changes what {@code fd} is watched for, and its token (EPOLL_CTL_MOD). */
    public void modify(int fd, int events, long token) throws IOException {
        checkToken(token);
        control(LinuxAbi.EPOLL_CTL_MOD, "epoll_ctl(MOD)", fd, events, token);
    }

    /**
     * Stops watching {@code fd} (EPOLL_CTL_DEL). Quiet when it was not registered or is closed
     * already (closing a descriptor unregisters it), or when this poller is closed.
     */
    public void unregister(int fd) throws IOException {
        Lock shared = descriptors.readLock();
        shared.lock();
        try {
            if (closing.get()) {
                return;
            }
            int result = calls.epollCtl(epollFd, LinuxAbi.EPOLL_CTL_DEL, fd, eventStruct(0, 0));
            if (result < 0 && result != -LinuxAbi.ENOENT && result != -LinuxAbi.EBADF) {
                throw ErrnoExceptions.forFd(calls, "epoll_ctl(DEL)", fd, -result);
            }
        } finally {
            shared.unlock();
        }
    }

    /**
     * Waits until a registered descriptor is ready, {@link #wakeup()} is called, or the timeout
     * passes, and puts what is ready into {@code out} (cleared first). At most
     * {@code out.capacity()} descriptors are reported; level triggering reports the others at
     * the next poll.
     *
     * @param timeoutMillis the longest wait; 0 does not wait; -1 waits as long as it takes
     * @return how many descriptors are in {@code out}: 0 after a timeout, a wakeup or a signal
     */
    public int poll(int timeoutMillis, ReadyEvents out) throws IOException {
        out.clear();
        int capacity = out.capacity();
        ByteBuffer ready = eventBuffer(capacity);
        Lock shared = descriptors.readLock();
        shared.lock();
        try {
            ensureOpen();
            int count = calls.epollWait(epollFd, ready, capacity, timeoutMillis);
            if (count < 0) {
                if (count == -LinuxAbi.EINTR) {
                    return 0;
                }
                throw ErrnoExceptions.forCall(calls, "epoll_wait", -count);
            }
            for (int i = 0; i < count; i++) {
                int offset = i * LinuxAbi.EPOLL_EVENT_SIZE;
                long token = ready.getLong(offset + LinuxAbi.EPOLL_EVENT_DATA_OFFSET);
                if (token == RESERVED_TOKEN) {
                    drainWakeup();
                } else {
                    out.add(token, ready.getInt(offset));
                }
            }
        } finally {
            shared.unlock();
        }
        return out.size();
    }

    /**
     * Makes a {@link #poll} in progress return promptly, or the next one if none is. Thread-safe,
     * cheap (no system call while an earlier wakeup is still pending), never throws.
     */
    public void wakeup() {
        Lock shared = descriptors.readLock();
        shared.lock();
        try {
            if (!closing.get() && !wakeupPending.getAndSet(true)) {
                signal();
            }
        } finally {
            shared.unlock();
        }
    }

    /**
     * Closes the epoll instance and the eventfd. A poll in progress on another thread is woken up
     * and the descriptors are closed once it has returned; later calls fail, except
     * {@link #unregister}, {@link #wakeup} and {@code close}, which do nothing.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        // Unconditionally, not through wakeupPending: a poll that drained an earlier wakeup
        // must still see this one, or close would wait for it forever.
        Lock shared = descriptors.readLock();
        shared.lock();
        try {
            signal();
        } finally {
            shared.unlock();
        }
        Lock exclusive = descriptors.writeLock();
        exclusive.lock();
        try {
            calls.close(epollFd);
            calls.close(wakeupFd);
        } finally {
            exclusive.unlock();
        }
    }

    @Override
    public String toString() {
        return "Poller[epoll fd " + epollFd + (closing.get() ? ", closed]" : "]");
    }

    private void control(int op, String call, int fd, int events, long token) throws IOException {
        ByteBuffer event = eventStruct(events, token);
        Lock shared = descriptors.readLock();
        shared.lock();
        try {
            ensureOpen();
            int result = calls.epollCtl(epollFd, op, fd, event);
            if (result < 0) {
                throw ErrnoExceptions.forFd(calls, call, fd, -result);
            }
        } finally {
            shared.unlock();
        }
    }

    /** A struct epoll_event on the heap: epoll_ctl is no hot path, and jnr copies it in. */
    private static ByteBuffer eventStruct(int events, long token) {
        ByteBuffer event = ByteBuffer.allocate(LinuxAbi.EPOLL_EVENT_SIZE).order(NATIVE);
        event.putInt(0, events);
        event.putLong(LinuxAbi.EPOLL_EVENT_DATA_OFFSET, token);
        return event;
    }

    private ByteBuffer eventBuffer(int capacity) {
        int bytes = capacity * LinuxAbi.EPOLL_EVENT_SIZE;
        if (events == null || events.capacity() < bytes) {
            events = ByteBuffer.allocateDirect(bytes).order(NATIVE);
        }
        return events;
    }

    /** Resets the eventfd, then allows the next wakeup to signal again; in that order, so none is lost. */
    private void drainWakeup() {
        drained.clear();
        calls.read(wakeupFd, drained, Long.BYTES);
        wakeupPending.set(false);
    }

    /** Adds one to the eventfd. EAGAIN means the counter is full, which wakes the poll just the same. */
    private void signal() {
        calls.write(wakeupFd, one, Long.BYTES);
    }

    private void ensureOpen() throws IOException {
        if (closing.get()) {
            throw new IOException("poller is closed");
        }
    }

    private static void checkToken(long token) {
        if (token == RESERVED_TOKEN) {
            throw new IllegalArgumentException("token " + RESERVED_TOKEN + " is reserved for the poller's wakeup");
        }
    }
}
