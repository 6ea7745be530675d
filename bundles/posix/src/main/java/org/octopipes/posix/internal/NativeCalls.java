package org.octopipes.posix.internal;

import java.nio.ByteBuffer;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * The only class that calls into jnr: jnr-posix where it has the call, {@link LibC} where it does
 * not. Every call returns its result, or the negated errno when it failed, so that callers never
 * touch a jnr type. Thread-safe.
 */
public final class NativeCalls {

    private final POSIX posix;
    private final LibC libc;
    private final Runtime runtime;

    private NativeCalls(POSIX posix, LibC libc) {
        this.posix = posix;
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
    }

    /**
     * Loads jnr-posix and binds {@link LibC}, failing here rather than at the first call when a
     * library or a function is missing.
     *
     * @throws UnsupportedOperationException when this is not Linux on x86_64 or aarch64, or
     *     jnr-posix came up without native support
     */
    public static NativeCalls load() {
        if (!LinuxAbi.SUPPORTED) {
            throw new UnsupportedOperationException("only Linux on x86_64 or aarch64 is supported, this is "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch"));
        }
        POSIX posix = POSIXFactory.getNativePOSIX();
        if (!posix.isNative()) {
            throw new UnsupportedOperationException("jnr-posix has no native support here");
        }
        LibC libc = LibraryLoader.create(LibC.class)
                .failImmediately()
                .load(Platform.getNativePlatform().getStandardCLibraryName());
        return new NativeCalls(posix, libc);
    }

    /** strerror(3) text and the symbolic name, as in {@code "Permission denied (EACCES)"}. */
    public String describe(int errno) {
        Errno name = Errno.valueOf(errno);
        String text = posix.strerror(errno);
        if (text == null || text.isEmpty()) {
            text = "error " + errno;
        }
        return name.defined() ? text + " (" + name.name() + ")" : text + " (errno " + errno + ")";
    }

    public int mkfifo(String path, int mode) {
        return checked(posix.mkfifo(path, mode));
    }

    public int chmod(String path, int mode) {
        return checked(posix.chmod(path, mode));
    }

    public int unlink(String path) {
        return checked(posix.unlink(path));
    }

    /**
     * lstat(2) into {@code statusOut}: st_mode, st_uid, st_gid.
     *
     * @return 0, or the negated errno
     */
    public int lstat(String path, int[] statusOut) {
        FileStat stat = posix.allocateStat();
        int result = posix.lstat(path, stat);
        if (result < 0) {
            return -posix.errno();
        }
        statusOut[0] = stat.mode();
        statusOut[1] = stat.uid();
        statusOut[2] = stat.gid();
        return 0;
    }

    public int geteuid() {
        return posix.geteuid();
    }

    public int open(String path, int flags, int mode) {
        return checked(posix.open(path, flags, mode));
    }

    public int close(int fd) {
        return checked(posix.close(fd));
    }

    /** read(2) of up to {@code count} bytes to {@code dst} at its position, which stays unchanged. */
    public long read(int fd, ByteBuffer dst, int count) {
        long result = libc.read(fd, dst, count);
        return result < 0 ? -runtime.getLastError() : result;
    }

    /** write(2) of up to {@code count} bytes from {@code src} at its position, which stays unchanged. */
    public long write(int fd, ByteBuffer src, int count) {
        long result = libc.write(fd, src, count);
        return result < 0 ? -runtime.getLastError() : result;
    }

    /** splice(2) of up to {@code count} bytes from one pipe to another; the bytes moved, or -errno. */
    public long splice(int fromFd, int toFd, long count, int flags) {
        long result = libc.splice(fromFd, null, toFd, null, count, flags);
        return result < 0 ? -runtime.getLastError() : result;
    }

    /** tee(2) of up to {@code count} bytes from one pipe to another, leaving them in the first; the bytes copied, or -errno. */
    public long tee(int fromFd, int toFd, long count, int flags) {
        long result = libc.tee(fromFd, toFd, count, flags);
        return result < 0 ? -runtime.getLastError() : result;
    }

    /** ioctl(FIONREAD): the bytes waiting to be read. */
    public int bytesAvailable(int fd) {
        IntByReference count = new IntByReference();
        int result = libc.ioctl(fd, LinuxAbi.FIONREAD, count);
        return result < 0 ? -runtime.getLastError() : count.intValue();
    }

    public int fcntl(int fd, int cmd, int arg) {
        return lastErrorIfFailed(libc.fcntl(fd, cmd, arg));
    }

    public int epollCreate1(int flags) {
        return lastErrorIfFailed(libc.epoll_create1(flags));
    }

    public int epollCtl(int epfd, int op, int fd, ByteBuffer event) {
        return lastErrorIfFailed(libc.epoll_ctl(epfd, op, fd, event));
    }

    public int epollWait(int epfd, ByteBuffer events, int maxEvents, int timeoutMillis) {
        return lastErrorIfFailed(libc.epoll_wait(epfd, events, maxEvents, timeoutMillis));
    }

    public int eventfd(int initialValue, int flags) {
        return lastErrorIfFailed(libc.eventfd(initialValue, flags));
    }

    public int socket(int domain, int type, int protocol) {
        return lastErrorIfFailed(libc.socket(domain, type, protocol));
    }

    /** getsockopt(2) into {@code value} (from its position, its remaining bytes); the length the kernel wrote, or -errno. */
    public int getsockopt(int fd, int level, int option, ByteBuffer value) {
        IntByReference length = new IntByReference(value.remaining());
        int result = libc.getsockopt(fd, level, option, value, length);
        return result < 0 ? -runtime.getLastError() : length.getValue();
    }

    /** getsockname(2) into {@code address}; the length of the address, or -errno. */
    public int getsockname(int fd, ByteBuffer address) {
        IntByReference length = new IntByReference(address.remaining());
        int result = libc.getsockname(fd, address, length);
        return result < 0 ? -runtime.getLastError() : length.getValue();
    }

    /** sendto(2) of all of {@code message} to the socket address {@code address} ({@code length} bytes of it). */
    public long sendto(int fd, byte[] message, int flags, byte[] address, int length) {
        long result = libc.sendto(fd, message, message.length, flags, address, length);
        return result < 0 ? -runtime.getLastError() : result;
    }

    private int checked(int result) {
        return result < 0 ? -posix.errno() : result;
    }

    private int lastErrorIfFailed(int result) {
        return result < 0 ? -runtime.getLastError() : result;
    }
}
