package org.octopipes.posix.internal;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Pinned;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc functions that jnr-posix lacks (epoll, eventfd, socket, sendto, getsockopt, getsockname,
 * splice, tee) or binds in a way that does not fit
 * (read/write of a buffer's remaining bytes, the pipe-size fcntl commands, FIONREAD), bound by
 * jnr-ffi. Public only because jnr-ffi implements it in a class loader of its own; the package is
 * private to the bundle.
 *
 * <p>A {@link ByteBuffer} argument means the memory from its position: a direct buffer is passed
 * by address without a copy, a heap buffer through a temporary native copy, in only for
 * {@link In}, out only for {@link Out}.
 */
public interface LibC {

    int epoll_create1(int flags);

    int epoll_ctl(int epfd, int op, int fd, @In ByteBuffer event);

    int epoll_wait(int epfd, @Out ByteBuffer events, int maxevents, int timeout);

    int eventfd(int initval, int flags);

    @Variadic(fixedCount = 2)
    int ioctl(int fd, long request, @Out IntByReference value);

    @Variadic(fixedCount = 2)
    int fcntl(int fd, int cmd, int arg);

    @ssize_t long read(int fd, @Pinned @Out ByteBuffer buf, @size_t long count);

    @ssize_t long write(int fd, @Pinned @In ByteBuffer buf, @size_t long count);

    int socket(int domain, int type, int protocol);

    int getsockopt(int fd, int level, int optname, @Out ByteBuffer optval, IntByReference optlen);

    int getsockname(int fd, @Out ByteBuffer addr, IntByReference addrlen);

    /** Pipe to pipe only here: both offsets are always null, which pipes require. */
    @ssize_t long splice(int fdIn, Pointer offIn, int fdOut, Pointer offOut, @size_t long len, int flags);

    @ssize_t long tee(int fdIn, int fdOut, @size_t long len, int flags);

    /** {@code address} is a {@code struct sockaddr_un} laid out by hand, {@code addressLength} its used bytes. */
    @ssize_t long sendto(int fd, @In byte[] buf, @size_t long count, int flags, @In byte[] address, int addressLength);
}
