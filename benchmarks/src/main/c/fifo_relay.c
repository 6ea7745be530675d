/*
 * The physical limit of a broker on FIFOs, as a baseline for the load harness: for each route
 * IN:OUT1,OUT2,... it reads up to 64 KiB from IN and writes what it read once to every OUT. It
 * neither parses nor checks anything, so a real broker can only be slower.
 *
 * Usage: fifo_relay IN:OUT[,OUT...] [IN:OUT[,OUT...]]...
 * Every FIFO is opened read-write, as the Octopipes server opens them, so opens never block.
 * FIFO_RELAY_PIPE_SIZE=BYTES in the environment resizes every FIFO (F_SETPIPE_SZ), as the
 * server's fifo.pipe.size does, so that both can be compared on FIFOs of the same size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ROUTES 1024
#define MAX_OUTS 64
#define CHUNK (64 * 1024)

struct route {
    int in;
    int outs[MAX_OUTS];
    int out_count;
};

static int open_fifo(const char *path) {
    int fd = open(path, O_RDWR);
    if (fd < 0) {
        fprintf(stderr, "fifo_relay: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    const char *size = getenv("FIFO_RELAY_PIPE_SIZE");
    if (size != NULL && atoi(size) > 0 && fcntl(fd, F_SETPIPE_SZ, atoi(size)) < 0) {
        fprintf(stderr, "fifo_relay: resizing %s to %s bytes: %s\n", path, size, strerror(errno));
        exit(1);
    }
    return fd;
}

static void write_all(int fd, const char *bytes, ssize_t length) {
    while (length > 0) {
        ssize_t written = write(fd, bytes, (size_t) length);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("fifo_relay: write");
            exit(1);
        }
        bytes += written;
        length -= written;
    }
}

int main(int argc, char **argv) {
    static struct route routes[MAX_ROUTES];
    static struct pollfd polls[MAX_ROUTES];
    static char chunk[CHUNK];
    int count = argc - 1;
    if (count < 1 || count > MAX_ROUTES) {
        fprintf(stderr, "usage: fifo_relay IN:OUT[,OUT...] ...\n");
        return 2;
    }
    for (int i = 0; i < count; i++) {
        char *spec = argv[i + 1];
        char *colon = strchr(spec, ':');
        if (colon == NULL) {
            fprintf(stderr, "fifo_relay: '%s' is not IN:OUT[,OUT...]\n", spec);
            return 2;
        }
        *colon = '\0';
        routes[i].in = open_fifo(spec);
        for (char *out = strtok(colon + 1, ","); out != NULL; out = strtok(NULL, ",")) {
            if (routes[i].out_count == MAX_OUTS) {
                fprintf(stderr, "fifo_relay: at most %d outputs per route\n", MAX_OUTS);
                return 2;
            }
            routes[i].outs[routes[i].out_count++] = open_fifo(out);
        }
        polls[i].fd = routes[i].in;
        polls[i].events = POLLIN;
    }
    printf("READY\n");
    fflush(stdout);
    for (;;) {
        if (poll(polls, (nfds_t) count, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("fifo_relay: poll");
            return 1;
        }
        for (int i = 0; i < count; i++) {
            if (!(polls[i].revents & POLLIN)) {
                continue;
            }
            ssize_t length = read(routes[i].in, chunk, CHUNK);
            if (length <= 0) {
                continue;
            }
            for (int o = 0; o < routes[i].out_count; o++) {
                write_all(routes[i].outs[o], chunk, length);
            }
        }
    }
}
