package org.octopipes.posix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.octopipes.posix.internal.ErrnoExceptions;
import org.octopipes.posix.internal.LinuxAbi;
import org.octopipes.posix.internal.NativeCalls;

/**
 * POSIX calls for FIFOs: create and inspect them, and read and write them through raw file
 * descriptors, which java.nio cannot open without blocking. Obtain with {@link #get()};
 * thread-safe.
 *
 * <p>A failure on a path throws a {@link java.nio.file.FileSystemException} whose file is that path
 * ({@link java.nio.file.NoSuchFileException}, {@link FileAlreadyExistsException} and
 * {@link java.nio.file.AccessDeniedException} for the usual errnos); a failure on a descriptor
 * throws an {@link IOException}. Messages carry the call, strerror(3) and the errno name.
 */
public final class Posix {

    // open(2) flags for Linux. O_NOFOLLOW differs between x86_64 and aarch64, so it is not a
    // compile-time constant; the others are the same on both.
    public static final int O_RDONLY = LinuxAbi.O_RDONLY;
    public static final int O_WRONLY = LinuxAbi.O_WRONLY;
    public static final int O_RDWR = LinuxAbi.O_RDWR;
    public static final int O_NONBLOCK = LinuxAbi.O_NONBLOCK;
    public static final int O_NOFOLLOW = LinuxAbi.O_NOFOLLOW;
    public static final int O_CLOEXEC = LinuxAbi.O_CLOEXEC;

    /** splice(2) and tee(2) flag: return rather than wait for bytes or room in either pipe. */
    public static final int SPLICE_F_NONBLOCK = LinuxAbi.SPLICE_F_NONBLOCK;
    /** splice(2) flag: more bytes follow in a later splice (a hint; pipes ignore it today). */
    public static final int SPLICE_F_MORE = LinuxAbi.SPLICE_F_MORE;

    private final NativeCalls calls;

    private Posix(NativeCalls calls) {
        this.calls = calls;
    }

    /** Loaded on first use, once; a failure is kept so that every caller gets the same answer. */
    private static final class Loaded {
        static final Posix INSTANCE;
        static final Throwable FAILURE;

        static {
            Posix instance = null;
            Throwable failure = null;
            try {
                instance = new Posix(NativeCalls.load());
            } catch (RuntimeException | LinkageError e) {
                // LinkageError: the native library did not load, or jnr is missing because this
                // runs from target/classes instead of the bundle jar that embeds it.
                failure = e;
            }
            INSTANCE = instance;
            FAILURE = failure;
        }
    }

    /**
     * The POSIX calls, loading native support on the first call.
     *
     * @throws UnsupportedOperationException when native POSIX support is not available here
     */
    public static Posix get() {
        Posix instance = Loaded.INSTANCE;
        if (instance == null) {
            throw new UnsupportedOperationException("native POSIX support is not available on "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ": " + Loaded.FAILURE,
                    Loaded.FAILURE);
        }
        return instance;
    }

    /** For {@link Poller}, which shares the loaded native support. */
    NativeCalls calls() {
        return calls;
    }

    /**
     * Creates a FIFO whose permissions are exactly {@code mode}, whatever the umask: mkfifo(3) then
     * chmod(2). The umask can only take bits away, so the FIFO is never more open than asked for,
     * not even between the two calls. If chmod fails, the FIFO is removed again.
     *
     * @param mode permission bits, at most 07777
     * @throws FileAlreadyExistsException if anything exists at {@code path}, even a dangling link
     */
    public void mkfifo(Path path, int mode) throws IOException {
        checkMode(mode);
        String file = path.toString();
        int result = calls.mkfifo(file, mode);
        if (result < 0) {
            throw ErrnoExceptions.forPath(calls, "mkfifo", path, -result);
        }
        result = calls.chmod(file, mode);
        if (result < 0) {
            calls.unlink(file);
            throw ErrnoExceptions.forPath(calls, "chmod", path, -result);
        }
    }

    /**
     * Removes a file (not a directory) by name; a symbolic link is removed itself, not its target.
     *
     * @return false if nothing existed at {@code path}
     */
    public boolean unlink(Path path) throws IOException {
        int result = calls.unlink(path.toString());
        if (result == -LinuxAbi.ENOENT) {
            return false;
        }
        if (result < 0) {
            throw ErrnoExceptions.forPath(calls, "unlink", path, -result);
        }
        return true;
    }

    /**
     * What {@code path} is, without following a symbolic link at its end.
     *
     * @return null if nothing exists at {@code path}, also when a parent is not a directory
     */
    public FileStatus lstat(Path path) throws IOException {
        int[] status = new int[3];
        int result = calls.lstat(path.toString(), status);
        if (result == -LinuxAbi.ENOENT || result == -LinuxAbi.ENOTDIR) {
            return null;
        }
        if (result < 0) {
            throw ErrnoExceptions.forPath(calls, "lstat", path, -result);
        }
        int mode = status[0];
        return new FileStatus(typeOf(mode), mode & LinuxAbi.PERMISSION_BITS, status[1], status[2]);
    }

    /** Sets the permission bits of {@code path} (following a symbolic link, as chmod(2) does). */
    public void chmod(Path path, int mode) throws IOException {
        checkMode(mode);
        int result = calls.chmod(path.toString(), mode);
        if (result < 0) {
            throw ErrnoExceptions.forPath(calls, "chmod", path, -result);
        }
    }

    /** The effective user id of this process. */
    public int geteuid() {
        return calls.geteuid();
    }

    /**
     * open(2), retried when a signal interrupts it.
     *
     * @param flags {@code O_*} flags of this class, or'ed
     * @param mode permissions if {@code flags} creates a file, else ignored
     * @return the new file descriptor, which the caller must {@link #close(int)}
     */
    public int open(Path path, int flags, int mode) throws IOException {
        checkMode(mode);
        String file = path.toString();
        int result;
        do {
            result = calls.open(file, flags, mode);
        } while (result == -LinuxAbi.EINTR);
        if (result < 0) {
            throw ErrnoExceptions.forPath(calls, "open", path, -result);
        }
        return result;
    }

    /**
     * Reads up to {@code dst.remaining()} bytes into {@code dst} at its position, and advances the
     * position by the bytes read; the rest of {@code dst} stays untouched. Neither a direct nor a
     * heap buffer is copied: a heap buffer's array is pinned for the call, which holds the garbage
     * collector up while the call lasts, so read a blocking descriptor into a direct buffer.
     *
     * @return the bytes read; 0 if none are ready on a non-blocking descriptor or {@code dst} is
     *     full; -1 at the end of the stream (no writer left on a FIFO)
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     */
    public int read(int fd, ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int room = dst.remaining();
        if (room == 0) {
            return 0;
        }
        long result;
        do {
            result = calls.read(fd, dst, room);
        } while (result == -LinuxAbi.EINTR);
        if (result > 0) {
            int read = (int) result;
            dst.position(dst.position() + read);
            return read;
        }
        if (result == 0) {
            return -1;
        }
        if (result == -LinuxAbi.EAGAIN) {
            return 0;
        }
        throw ErrnoExceptions.forFd(calls, "read", fd, (int) -result);
    }

    /**
     * Writes up to {@code src.remaining()} bytes from {@code src} at its position, and advances the
     * position by the bytes written, all of them in one write(2), so that a write of up to PIPE_BUF
     * bytes to a FIFO stays atomic. A direct buffer is written without a copy, a heap buffer from
     * its array pinned for the call (which holds the garbage collector up while it lasts: write to
     * a blocking descriptor from a direct buffer), a read-only heap buffer through a copy.
     *
     * @return the bytes written; 0 if the descriptor is non-blocking and full, or {@code src} is empty
     * @throws IOException on any failure, such as EPIPE when a FIFO has no reader left
     */
    public int write(int fd, ByteBuffer src) throws IOException {
        int count = src.remaining();
        if (count == 0) {
            return 0;
        }
        ByteBuffer from = src;
        if (!src.isDirect() && !src.hasArray()) {
            // A read-only heap buffer hides its array, and jnr can only pass an address or an array.
            from = ByteBuffer.allocate(count).put(src.duplicate()).flip();
        }
        long result;
        do {
            result = calls.write(fd, from, count);
        } while (result == -LinuxAbi.EINTR);
        if (result >= 0) {
            src.position(src.position() + (int) result);
            return (int) result;
        }
        if (result == -LinuxAbi.EAGAIN) {
            return 0;
        }
        throw ErrnoExceptions.forFd(calls, "write", fd, (int) -result);
    }

    /**
     * Moves up to {@code count} bytes from one pipe or FIFO to another inside the kernel:
     * splice(2). Between two pipes the kernel hands over references to the pages that hold the
     * bytes instead of copying them (a part of a page is handed over as such), so the bytes never
     * pass through this process. They leave {@code fromFd}, in order, as a read would take them.
     * It may move fewer bytes than asked for: those there are, or those {@code toFd} has room for.
     *
     * @param fromFd a pipe or FIFO open for reading
     * @param toFd another pipe or FIFO, open for writing
     * @param count the most bytes to move; positive
     * @param flags {@link #SPLICE_F_NONBLOCK} not to wait for bytes or room (a descriptor opened
     *     with {@link #O_NONBLOCK} has the same effect), {@link #SPLICE_F_MORE}; or 0
     * @return the bytes moved; 0 if none could move without waiting; -1 if {@code fromFd} is empty
     *     and has no writer left
     * @throws IOException on any failure: EINVAL if a descriptor is not a pipe or both are the same
     *     pipe, EPIPE if {@code toFd} has no reader left
     */
    public int splice(int fromFd, int toFd, int count, int flags) throws IOException {
        return pipeToPipe(false, fromFd, toFd, count, flags);
    }

    /**
     * Copies up to {@code count} bytes from the start of one pipe or FIFO to another without
     * taking them out of the first: tee(2). Like {@link #splice}, it copies references to pages,
     * not the bytes. Every tee starts at the first byte {@code fromFd} holds, so to give the same
     * bytes to several pipes, tee them to all but the last and {@link #splice} them to the last,
     * which takes them out; a tee that copied fewer bytes than the others left that pipe short,
     * and only a read or splice that takes out as many brings the next tee past them.
     *
     * @param fromFd a pipe or FIFO open for reading
     * @param toFd another pipe or FIFO, open for writing
     * @param count the most bytes to copy; positive
     * @param flags {@link #SPLICE_F_NONBLOCK} not to wait for bytes or room; or 0
     * @return the bytes copied; 0 if none could be copied without waiting; -1 if {@code fromFd}
     *     is empty and has no writer left
     * @throws IOException on any failure: EINVAL if a descriptor is not a pipe or both are the same pipe
     */
    public int tee(int fromFd, int toFd, int count, int flags) throws IOException {
        return pipeToPipe(true, fromFd, toFd, count, flags);
    }

    /** splice or tee, retried on EINTR, with their result as both document it. */
    private int pipeToPipe(boolean tee, int fromFd, int toFd, int count, int flags) throws IOException {
        if (count <= 0) {
            throw new IllegalArgumentException("a count of bytes to move must be positive, not " + count);
        }
        long result;
        do {
            result = tee ? calls.tee(fromFd, toFd, count, flags) : calls.splice(fromFd, toFd, count, flags);
        } while (result == -LinuxAbi.EINTR);
        if (result > 0) {
            return (int) result;
        }
        if (result == 0) {
            return -1;
        }
        if (result == -LinuxAbi.EAGAIN) {
            return 0;
        }
        throw ErrnoExceptions.forCall(calls, (tee ? "tee" : "splice") + " fd " + fromFd + " to fd " + toFd, (int) -result);
    }

    /**
     * Closes a file descriptor. EINTR counts as closed: Linux releases the descriptor before it
     * reports the interruption, and closing again could close a descriptor reused meanwhile.
     */
    public void close(int fd) throws IOException {
        int result = calls.close(fd);
        if (result < 0 && result != -LinuxAbi.EINTR) {
            throw ErrnoExceptions.forFd(calls, "close", fd, -result);
        }
    }

    /** The bytes waiting to be read from a FIFO, pipe or socket: ioctl FIONREAD. */
    public int bytesAvailable(int fd) throws IOException {
        int result = calls.bytesAvailable(fd);
        if (result < 0) {
            throw ErrnoExceptions.forFd(calls, "ioctl(FIONREAD)", fd, -result);
        }
        return result;
    }

    /** The capacity of the pipe or FIFO behind {@code fd} in bytes: fcntl F_GETPIPE_SZ. */
    public int pipeSize(int fd) throws IOException {
        int result = calls.fcntl(fd, LinuxAbi.F_GETPIPE_SZ, 0);
        if (result < 0) {
            throw ErrnoExceptions.forFd(calls, "fcntl(F_GETPIPE_SZ)", fd, -result);
        }
        return result;
    }

    /**
     * Resizes the pipe or FIFO behind {@code fd}: fcntl F_SETPIPE_SZ. The kernel rounds up to a
     * power of two pages, and refuses more than /proc/sys/fs/pipe-max-size to unprivileged users
     * (EPERM) or less than the data already in the pipe (EBUSY).
     *
     * @return the size the kernel actually set
     */
    public int setPipeSize(int fd, int size) throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException("pipe size must be positive, not " + size);
        }
        int result = calls.fcntl(fd, LinuxAbi.F_SETPIPE_SZ, size);
        if (result < 0) {
            throw ErrnoExceptions.forFd(calls, "fcntl(F_SETPIPE_SZ)", fd, -result);
        }
        return result;
    }

    /**
     * The connected Unix stream sockets of this process whose own address is {@code path}: those a
     * server listening there accepted, each with what the kernel says of its peer
     * ({@code SO_PEERCRED}: process, user and group ids, as they were when the peer connected). A
     * socket given out by the JDK has no descriptor a caller can see; looking them all up is how a
     * transport finds the one it has just accepted (the one it does not know yet). Reads
     * {@code /proc/self/fd}: a cost for a new connection, not for a packet.
     *
     * @return by file descriptor
     */
    public Map<Integer, PeerCredentials> acceptedSockets(Path path) throws IOException {
        byte[] wanted = unixSocketAddress(path.toString());
        Map<Integer, PeerCredentials> found = new HashMap<>();
        ByteBuffer address = ByteBuffer.allocate(LinuxAbi.SOCKADDR_UN_SIZE);
        ByteBuffer option = ByteBuffer.allocate(LinuxAbi.UCRED_SIZE).order(ByteOrder.nativeOrder());
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors) {
                int fd;
                try {
                    fd = Integer.parseInt(descriptor.getFileName().toString());
                    if (!Files.readSymbolicLink(descriptor).toString().startsWith("socket:")) {
                        continue;
                    }
                } catch (NumberFormatException | IOException closedMeanwhile) {
                    continue;
                }
                address.clear();
                int length = calls.getsockname(fd, address);
                if (length != wanted.length || !Arrays.equals(Arrays.copyOf(address.array(), length), wanted)) {
                    continue;
                }
                option.clear();
                if (calls.getsockopt(fd, LinuxAbi.SOL_SOCKET, LinuxAbi.SO_ACCEPTCONN, option) < 0 || option.getInt(0) != 0) {
                    // The listening socket itself: SO_PEERCRED would name this very process.
                    continue;
                }
                option.clear();
                if (calls.getsockopt(fd, LinuxAbi.SOL_SOCKET, LinuxAbi.SO_PEERCRED, option) == LinuxAbi.UCRED_SIZE) {
                    found.put(fd, new PeerCredentials(option.getInt(0), option.getInt(4), option.getInt(8)));
                }
            }
        }
        return found;
    }

    /**
     * Sends {@code message} as one datagram to the Unix datagram socket at {@code address}: a
     * path, or an abstract name written with a leading {@code @} (as systemd's
     * {@code $NOTIFY_SOCKET} may be), through a socket of its own, closed again.
     *
     * @throws IllegalArgumentException if the address is empty or longer than a socket address holds (107 bytes)
     * @throws IOException if the datagram cannot be sent (no socket there: ECONNREFUSED or ENOENT)
     */
    public void sendDatagram(String address, byte[] message) throws IOException {
        byte[] socketAddress = unixSocketAddress(address);
        int fd = calls.socket(LinuxAbi.AF_UNIX, LinuxAbi.SOCK_DGRAM | LinuxAbi.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw ErrnoExceptions.forCall(calls, "socket(AF_UNIX, SOCK_DGRAM)", -fd);
        }
        try {
            long result;
            do {
                result = calls.sendto(fd, message, LinuxAbi.MSG_NOSIGNAL, socketAddress, socketAddress.length);
            } while (result == -LinuxAbi.EINTR);
            if (result < 0) {
                throw ErrnoExceptions.forCall(calls, "sendto " + address, (int) -result);
            }
        } finally {
            close(fd);
        }
    }

    /**
     * The used part of a {@code struct sockaddr_un}, which is all the kernel reads: the family in
     * native byte order, then the path and its NUL, or for an abstract name a NUL and the name.
     */
    static byte[] unixSocketAddress(String address) {
        boolean abstractName = address.startsWith("@");
        byte[] path = (abstractName ? address.substring(1) : address).getBytes(StandardCharsets.UTF_8);
        int room = LinuxAbi.SOCKADDR_UN_SIZE - LinuxAbi.SUN_PATH_OFFSET - 1;
        if (address.isEmpty() || path.length > room) {
            throw new IllegalArgumentException("not a Unix socket address (1 to " + room + " bytes): '" + address + "'");
        }
        byte[] socketAddress = new byte[LinuxAbi.SUN_PATH_OFFSET + 1 + path.length];
        ByteBuffer.wrap(socketAddress).order(ByteOrder.nativeOrder()).putShort((short) LinuxAbi.AF_UNIX);
        // The array is zeroed: the NUL before an abstract name, or after a path, is there already.
        System.arraycopy(path, 0, socketAddress, LinuxAbi.SUN_PATH_OFFSET + (abstractName ? 1 : 0), path.length);
        return socketAddress;
    }

    private static void checkMode(int mode) {
        if ((mode & ~LinuxAbi.PERMISSION_BITS) != 0) {
            throw new IllegalArgumentException("mode must be permission bits 0 to 07777, not 0" + Integer.toOctalString(mode));
        }
    }

    private static FileType typeOf(int mode) {
        switch (mode & LinuxAbi.S_IFMT) {
            case LinuxAbi.S_IFIFO:
                return FileType.FIFO;
            case LinuxAbi.S_IFDIR:
                return FileType.DIRECTORY;
            case LinuxAbi.S_IFREG:
                return FileType.REGULAR;
            case LinuxAbi.S_IFLNK:
                return FileType.SYMLINK;
            default:
                return FileType.OTHER;
        }
    }
}
