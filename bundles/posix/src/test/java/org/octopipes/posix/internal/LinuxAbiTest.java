package org.octopipes.posix.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jnr.constants.platform.Errno;
import jnr.constants.platform.Fcntl;
import jnr.constants.platform.OpenFlags;
import org.junit.jupiter.api.Test;

/** Our hand-written Linux numbers against jnr-constants' generated ones for this machine. */
class LinuxAbiTest {

    @Test
    void thisMachineIsSupported() {
        assertThat(LinuxAbi.SUPPORTED).isTrue();
        assertThat(LinuxAbi.X86_64 || LinuxAbi.AARCH64).isTrue();
    }

    @Test
    void openFlagsMatch() {
        assertThat(LinuxAbi.O_RDONLY).isEqualTo(OpenFlags.O_RDONLY.intValue());
        assertThat(LinuxAbi.O_WRONLY).isEqualTo(OpenFlags.O_WRONLY.intValue());
        assertThat(LinuxAbi.O_RDWR).isEqualTo(OpenFlags.O_RDWR.intValue());
        assertThat(LinuxAbi.O_NONBLOCK).isEqualTo(OpenFlags.O_NONBLOCK.intValue());
        assertThat(LinuxAbi.O_NOFOLLOW).isEqualTo(OpenFlags.O_NOFOLLOW.intValue());
        assertThat(LinuxAbi.O_CLOEXEC).isEqualTo(OpenFlags.O_CLOEXEC.intValue());
    }

    @Test
    void errnosMatch() {
        assertThat(LinuxAbi.EPERM).isEqualTo(Errno.EPERM.intValue());
        assertThat(LinuxAbi.ENOENT).isEqualTo(Errno.ENOENT.intValue());
        assertThat(LinuxAbi.EINTR).isEqualTo(Errno.EINTR.intValue());
        assertThat(LinuxAbi.EBADF).isEqualTo(Errno.EBADF.intValue());
        assertThat(LinuxAbi.EAGAIN).isEqualTo(Errno.EAGAIN.intValue());
        assertThat(LinuxAbi.EACCES).isEqualTo(Errno.EACCES.intValue());
        assertThat(LinuxAbi.EEXIST).isEqualTo(Errno.EEXIST.intValue());
        assertThat(LinuxAbi.ENOTDIR).isEqualTo(Errno.ENOTDIR.intValue());
        assertThat(LinuxAbi.EPIPE).isEqualTo(Errno.EPIPE.intValue());
    }

    @Test
    void pipeSizeCommandsMatch() {
        assertThat(LinuxAbi.F_GETPIPE_SZ).isEqualTo(Fcntl.F_GETPIPE_SZ.intValue());
        assertThat(LinuxAbi.F_SETPIPE_SZ).isEqualTo(Fcntl.F_SETPIPE_SZ.intValue());
    }
}
