/*
 * What one system call costs from C, to compare with the same calls from the JVM through jnr-ffi
 * (org.octopipes.benchmarks.pipes.CallCost) and through the FFM API (src/main/java25/FfmCallCost.java):
 * splice(2) from an empty non-blocking FIFO (EAGAIN at once) and ioctl(FIONREAD), each CALLS times.
 *
 * Usage: call_cost FOLDER [CALLS]   (makes two FIFOs in FOLDER)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int fifo(const char *folder, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    unlink(path);
    if (mkfifo(path, 0600) != 0) {
        perror(path);
        exit(1);
    }
    int fd = open(path, O_RDWR | O_NONBLOCK);
    if (fd < 0) {
        perror(path);
        exit(1);
    }
    return fd;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: call_cost FOLDER [CALLS]\n");
        return 2;
    }
    long calls = argc > 2 ? atol(argv[2]) : 2000000;
    int from = fifo(argv[1], "cost-from");
    int to = fifo(argv[1], "cost-to");
    for (int round = 0; round < 3; round++) {
        double start = now();
        for (long i = 0; i < calls; i++) {
            splice(from, NULL, to, NULL, 1, SPLICE_F_NONBLOCK);
        }
        double spliceNs = (now() - start) / calls;
        int available = 0;
        start = now();
        for (long i = 0; i < calls; i++) {
            ioctl(from, FIONREAD, &available);
        }
        printf("C: splice (EAGAIN) %.0f ns, ioctl(FIONREAD) %.0f ns per call\n", spliceNs, (now() - start) / calls);
    }
    return 0;
}
