package org.octopipes.posix.internal;

import java.util.Locale;

/**
 * The numbers and struct layouts of the Linux ABI that this bundle relies on, for the two
 * architectures it supports. Kept free of jnr so that it loads even where native support does not.
 */
public final class LinuxAbi {

    /** True on x86_64 ({@code os.arch} says {@code amd64} or {@code x86_64}). */
    public static final boolean X86_64;
    /** True on 64-bit ARM. */
    public static final boolean AARCH64;
    /** True where the numbers below are right: Linux on x86_64 or aarch64. */
    public static final boolean SUPPORTED;

    static {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        X86_64 = arch.equals("amd64") || arch.equals("x86_64");
        AARCH64 = arch.equals("aarch64") || arch.equals("arm64");
        SUPPORTED = os.startsWith("linux") && (X86_64 || AARCH64);
    }

    // open(2). arm64 has its own fcntl.h where O_DIRECTORY, O_NOFOLLOW, O_DIRECT and O_LARGEFILE
    // differ from the generic values that x86_64 uses; the rest are the same on both.
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;

    // Sockets, the same on x86_64 and aarch64.
    public static final int AF_UNIX = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    /** No SIGPIPE for a socket whose peer is gone: the error is returned instead. */
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_PEERCRED = 17;
    public static final int SO_ACCEPTCONN = 30;
    /** struct ucred: pid, uid, gid, 32 bits each. */
    public static final int UCRED_SIZE = 12;
    /** sizeof(struct sockaddr_un): a 2-byte family, then 108 bytes of path. */
    public static final int SOCKADDR_UN_SIZE = 110;
    public static final int SUN_PATH_OFFSET = 2;

    // st_mode
    public static final int S_IFMT = 0170000;
    public static final int S_IFIFO = 0010000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;
    /** Permission bits including setuid, setgid and sticky. */
    public static final int PERMISSION_BITS = 07777;

    // errno: the generic numbers, used by both architectures.
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EPIPE = 32;

    // ioctl(2) and fcntl(2)
    public static final long FIONREAD = 0x541B;
    public static final int F_SETPIPE_SZ = 1031;
    public static final int F_GETPIPE_SZ = 1032;

    // splice(2) and tee(2), the same on x86_64 and aarch64
    public static final int SPLICE_F_MOVE = 1;
    public static final int SPLICE_F_NONBLOCK = 2;
    public static final int SPLICE_F_MORE = 4;

    // epoll(7) and eventfd(2)
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLL_CLOEXEC = O_CLOEXEC;
    public static final int EFD_CLOEXEC = O_CLOEXEC;
    public static final int EFD_NONBLOCK = O_NONBLOCK;

    /**
     * struct epoll_event is {uint32 events; uint64 data}. The kernel headers declare it packed on
     * x86_64 only, so the data field sits at offset 4 there and at its natural offset 8 elsewhere.
     */
    public static final int EPOLL_EVENT_SIZE = X86_64 ? 12 : 16;
    public static final int EPOLL_EVENT_DATA_OFFSET = X86_64 ? 4 : 8;

    private LinuxAbi() {
    }
}
