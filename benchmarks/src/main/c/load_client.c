/*
 * The load harness's clients in C, written from the protocol (PROTOCOL.md, v1), so that a ratio to
 * the C relay measures the server and not its clients. One program, four roles:
 *
 *   load_client pub  --name N --to REMOTE --count C [--payload 32] (--cap CAP | --socket PATH | --tx FIFO)
 *   load_client sub  --name N --count C [--instances 1] [--groups G,...] [--idle-ms 10000]
 *                    (--cap CAP | --socket PATH | --rx FIFO[,FIFO...])
 *   load_client ping --name N --to PONG --count C [--warmup 10000] [--window 1] [--payload 32]
 *                    [--samples FILE] (--cap CAP | --socket PATH | --tx FIFO --rx FIFO)
 *   load_client pong --name N --count C [--warmup 10000] (--cap CAP | --socket PATH | --tx FIFO --rx FIFO)
 *
 * With --cap a client subscribes the way the reference C client does: SUBSCRIPTION written on the
 * CAP (opened write-only, non-blocking, retried every 50 ms for up to 5 s), a 100 ms pause, then
 * the ASSIGNMENT read back from the same CAP; the first packet must be ours (our own SUBSCRIPTION,
 * not yet read by a busy server, is written back, and we wait again). With --socket it is a
 * client of the server's Unix socket transport (docs/clients.md): one SOCK_STREAM connection
 * (retried every 50 ms for up to 5 s while the socket is missing or refuses), the SUBSCRIPTION
 * written on it, the ASSIGNMENT read back from it, then packets both ways on it, and an
 * UNSUBSCRIPTION on it at the end. With --tx/--rx it is given the FIFOs of the C relay, which has
 * no CAP.
 *
 * Payload: sequence number (8 bytes, big-endian), CLOCK_MONOTONIC nanoseconds at sending (8 bytes,
 * the clock of System.nanoTime, the same in every process), then bytes (sequence + index) & 0xFF,
 * so that the receiver can check every byte of it. The receiver checks every packet's framing and
 * checksum, its payload, and its sequence per origin: lost, duplicated, reordered and corrupted
 * packets are counted, reported, and fatal: "FAILED ..." on both outputs and exit status 1.
 *
 * Output lines, as the Java clients print them (the harness reads them): READY once subscribed;
 * SENT count nanos; RECEIVED received= lost= reordered= seconds= msgs_per_s= mb_per_s= p50_us=
 * p99_us= p999_us= ...; RTT count= missing= unexpected= p50_us= ... hist=-. Each ends with the
 * process's own CPU time (cpu_s=), to show that the clients are not the bottleneck.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SOH 0x01
#define STX 0x02
#define ETX 0x03
#define OPTION_ICK 0x04
#define CAP_SUBSCRIPTION 0x01
#define CAP_UNSUBSCRIPTION 0x02
#define CAP_ASSIGNMENT 0xFF
#define HEADER_BEFORE_NAMES 3
/* SOH VER LNS RNS TTL DSZ(8) OPT CHK STX ETX */
#define FRAMING_BYTES 17
#define MAX_NAME 255
#define MAX_PACKET_OVERHEAD (FRAMING_BYTES + 2 * MAX_NAME)
#define MAX_PAYLOAD (16 * 1024 * 1024)
#define WRITE_CHUNK (64 * 1024)
#define READ_CHUNK (1024 * 1024)
#define MAX_INSTANCES 64
#define MAX_ORIGINS 16
#define PAYLOAD_HEADER 16

/* ---- Failing clearly */

static const char *role = "load_client";

static void fail(const char *format, ...) {
    char message[1024];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message, sizeof message, format, arguments);
    va_end(arguments);
    /* Both outputs: the harness reads standard output and discards standard error. */
    printf("FAILED %s: %s\n", role, message);
    fflush(stdout);
    fprintf(stderr, "load_client %s: %s\n", role, message);
    exit(1);
}

static uint64_t now_nanos(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t) now.tv_sec * 1000000000u + (uint64_t) now.tv_nsec;
}

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* ---- Options: --name value pairs after the role */

static int option_count;
static char **option_words;

static const char *option(const char *name, const char *fallback) {
    for (int i = 0; i + 1 < option_count; i += 2) {
        if (strncmp(option_words[i], "--", 2) == 0 && strcmp(option_words[i] + 2, name) == 0) {
            return option_words[i + 1];
        }
    }
    return fallback;
}

static const char *required(const char *name) {
    const char *value = option(name, NULL);
    if (value == NULL) {
        fail("--%s is required", name);
    }
    return value;
}

static long long number(const char *name, long long fallback) {
    const char *text = option(name, NULL);
    if (text == NULL) {
        return fallback;
    }
    char *end;
    long long value = strtoll(text, &end, 10);
    if (*end != '\0' || value < 0) {
        fail("--%s wants a whole number >= 0, not '%s'", name, text);
    }
    return value;
}

/* ---- Packets */

static void put_be64(uint8_t *at, uint64_t value) {
    for (int i = 7; i >= 0; i--) {
        at[i] = (uint8_t) value;
        value >>= 8;
    }
}

static uint64_t get_be64(const uint8_t *at) {
    uint64_t value = 0;
    for (int i = 0; i < 8; i++) {
        value = value << 8 | at[i];
    }
    return value;
}

/* XOR of every byte, eight at a time: the whole packet XORs to 0 when its checksum is right. */
static uint8_t xor_of(const uint8_t *bytes, size_t length) {
    uint64_t words = 0;
    size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        uint64_t word;
        memcpy(&word, bytes + i, 8);
        words ^= word;
    }
    uint8_t folded = 0;
    for (int shift = 0; shift < 64; shift += 8) {
        folded ^= (uint8_t) (words >> shift);
    }
    for (; i < length; i++) {
        folded ^= bytes[i];
    }
    return folded;
}

/* Encodes one packet at out (room for MAX_PACKET_OVERHEAD + payload_length) and returns its size. */
static size_t encode(uint8_t *out, const char *origin, size_t origin_length, const char *remote, size_t remote_length,
        uint8_t ttl, const uint8_t *payload, size_t payload_length) {
    size_t at = 0;
    out[at++] = SOH;
    out[at++] = 1;
    out[at++] = (uint8_t) origin_length;
    memcpy(out + at, origin, origin_length);
    at += origin_length;
    out[at++] = (uint8_t) remote_length;
    memcpy(out + at, remote, remote_length);
    at += remote_length;
    out[at++] = ttl;
    put_be64(out + at, payload_length);
    at += 8;
    out[at++] = 0; /* options */
    size_t checksum_at = at;
    out[at++] = 0;
    out[at++] = STX;
    memcpy(out + at, payload, payload_length);
    at += payload_length;
    out[at++] = ETX;
    out[checksum_at] = xor_of(out, at);
    return at;
}

struct frame {
    const uint8_t *origin;
    size_t origin_length;
    const uint8_t *remote;
    size_t remote_length;
    const uint8_t *payload;
    size_t payload_length;
};

/*
 * Frames the packet at the start of bytes: its size when it is whole and checks out, 0 when more
 * bytes are needed, -1 (with why) when it is not a good packet.
 */
static long frame_at(const uint8_t *bytes, size_t available, struct frame *frame, const char **why) {
    if (available < 4) {
        return 0;
    }
    if (bytes[0] != SOH) {
        *why = "first byte not SOH";
        return -1;
    }
    if (bytes[1] != 1) {
        *why = "unknown version";
        return -1;
    }
    size_t origin_length = bytes[2];
    if (available < HEADER_BEFORE_NAMES + origin_length + 1) {
        return 0;
    }
    size_t remote_length = bytes[HEADER_BEFORE_NAMES + origin_length];
    size_t payload_at = HEADER_BEFORE_NAMES + origin_length + 1 + remote_length + 12;
    if (available < payload_at) {
        return 0;
    }
    uint64_t payload_length = get_be64(bytes + payload_at - 11);
    if (payload_length > MAX_PAYLOAD) {
        *why = "payload length above 16 MiB";
        return -1;
    }
    if (bytes[payload_at - 1] != STX) {
        *why = "no STX";
        return -1;
    }
    size_t size = payload_at + payload_length + 1;
    if (available < size) {
        return 0;
    }
    if (bytes[size - 1] != ETX) {
        *why = "no ETX";
        return -1;
    }
    if (!(bytes[payload_at - 3] & OPTION_ICK) && xor_of(bytes, size) != 0) {
        *why = "bad checksum";
        return -1;
    }
    frame->origin = bytes + HEADER_BEFORE_NAMES;
    frame->origin_length = origin_length;
    frame->remote = bytes + HEADER_BEFORE_NAMES + origin_length + 1;
    frame->remote_length = remote_length;
    frame->payload = bytes + payload_at;
    frame->payload_length = payload_length;
    return (long) size;
}

/* ---- The payload: sequence, time, and bytes that depend on the sequence */

static uint8_t byte_pattern[MAX_PAYLOAD / 256 + 512];
static size_t pattern_length;

static void prepare_pattern(size_t payload_length) {
    pattern_length = payload_length + 256;
    if (pattern_length > sizeof byte_pattern) {
        fail("payload of %zu bytes: at most %zu", payload_length, sizeof byte_pattern - 256);
    }
    for (size_t i = 0; i < pattern_length; i++) {
        byte_pattern[i] = (uint8_t) i;
    }
}

static void fill_payload(uint8_t *payload, size_t length, uint64_t sequence, uint64_t sent_at) {
    put_be64(payload, sequence);
    put_be64(payload + 8, sent_at);
    memcpy(payload + PAYLOAD_HEADER, byte_pattern + (sequence & 0xFF) + PAYLOAD_HEADER, length - PAYLOAD_HEADER);
}

/* True when every byte after the header is (sequence + index) & 0xFF. */
static int payload_intact(const struct frame *frame) {
    if (frame->payload_length < PAYLOAD_HEADER) {
        return 0;
    }
    size_t rest = frame->payload_length - PAYLOAD_HEADER;
    uint64_t sequence = get_be64(frame->payload);
    if (rest + 256 > pattern_length) {
        prepare_pattern(frame->payload_length);
    }
    return memcmp(frame->payload + PAYLOAD_HEADER, byte_pattern + (sequence & 0xFF) + PAYLOAD_HEADER, rest) == 0;
}

/* ---- FIFOs */

static void write_all(int fd, const uint8_t *bytes, size_t length) {
    while (length > 0) {
        ssize_t written = write(fd, bytes, length);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                struct pollfd ready = {.fd = fd, .events = POLLOUT};
                poll(&ready, 1, 5000);
                continue;
            }
            fail("write: %s", strerror(errno));
        }
        bytes += written;
        length -= (size_t) written;
    }
}

static int open_fifo(const char *path, int flags) {
    int fd = open(path, flags);
    if (fd < 0) {
        fail("%s: %s", path, strerror(errno));
    }
    return fd;
}

/* As the reference client writes to the CAP: open write-only non-blocking, retried every 50 ms for up to 5 s. */
static void cap_write(const char *cap, const uint8_t *bytes, size_t length) {
    uint64_t deadline = now_nanos() + 5000000000u;
    int fd;
    while ((fd = open(cap, O_WRONLY | O_NONBLOCK)) < 0) {
        if (errno != ENXIO || now_nanos() > deadline) {
            fail("opening the CAP %s to write: %s", cap, strerror(errno));
        }
        usleep(50000);
    }
    write_all(fd, bytes, length);
    close(fd);
}

struct client {
    char name[MAX_NAME + 1];
    size_t name_length;
    const char *cap;    /* NULL for the relay's clients and the socket's */
    const char *socket; /* the Unix socket's path, or NULL: then tx and rx are its one connection */
    int tx;
    int rx;
};

static void set_name(struct client *client, const char *name) {
    client->name_length = strlen(name);
    if (client->name_length == 0 || client->name_length > MAX_NAME) {
        fail("a name of 1 to %d bytes, not '%s'", MAX_NAME, name);
    }
    memcpy(client->name, name, client->name_length + 1);
}

/* A CAP message from the client to the server: on the CAP, or on the socket's connection. */
static void cap_message(const struct client *client, const uint8_t *data, size_t length) {
    uint8_t packet[MAX_PACKET_OVERHEAD + 1024];
    size_t size = encode(packet, client->name, client->name_length, "", 0, 60, data, length);
    if (client->socket != NULL) {
        write_all(client->tx, packet, size);
    } else {
        cap_write(client->cap, packet, size);
    }
}

/* Reads the CAP as the reference client does: up to 5 s for a first byte, then until nothing more is ready. */
static size_t cap_read(const char *cap, uint8_t *into, size_t room) {
    int fd = open_fifo(cap, O_RDONLY | O_NONBLOCK);
    size_t length = 0;
    uint64_t deadline = now_nanos() + 5000000000u;
    while (now_nanos() < deadline && length < room) {
        struct pollfd ready = {.fd = fd, .events = POLLIN};
        int events = poll(&ready, 1, 50);
        ssize_t got = events > 0 ? read(fd, into + length, room - length) : 0;
        if (got > 0) {
            length += (size_t) got;
        } else if (length > 0) {
            break;
        }
    }
    close(fd);
    return length;
}

/* Writes the client's SUBSCRIPTION to its name and groups (comma-separated) on the CAP or the socket. */
static void send_subscription(const struct client *client, const char *groups) {
    uint8_t data[1024];
    size_t length = 2;
    data[0] = CAP_SUBSCRIPTION;
    data[1] = 0;
    char copy[768];
    snprintf(copy, sizeof copy, "%s", groups);
    for (char *group = strtok(copy, ","); group != NULL; group = strtok(NULL, ",")) {
        size_t group_length = strlen(group);
        if (group_length > MAX_NAME || length + 1 + group_length > sizeof data) {
            fail("groups too long: %s", groups);
        }
        data[length++] = (uint8_t) group_length;
        memcpy(data + length, group, group_length);
        length += group_length;
        data[1]++;
    }
    cap_message(client, data, length);
}

/*
 * Checks the reply to a SUBSCRIPTION (got bytes, 0 if none came in time): the ASSIGNMENT to this
 * client, without error; its two paths go to paths.
 */
static void take_assignment(const struct client *client, const uint8_t *reply, size_t got, char paths[2][MAX_NAME + 1]) {
    const char *from = client->socket != NULL ? "the socket" : "the CAP";
    struct frame frame;
    const char *why = "no reply within 5 s";
    long size = got == 0 ? -1 : frame_at(reply, got, &frame, &why);
    if (size <= 0) {
        fail("subscribing %s: no assignment from %s (%s)", client->name, from, size == 0 ? "incomplete reply" : why);
    }
    if (frame.remote_length != client->name_length || memcmp(frame.remote, client->name, client->name_length) != 0
            || frame.payload_length < 2 || frame.payload[0] != CAP_ASSIGNMENT) {
        fail("subscribing %s: the first packet on %s is not our assignment (from '%.*s' to '%.*s', payload of %zu bytes starting 0x%02x)",
                client->name, from, (int) frame.origin_length, (const char *) frame.origin, (int) frame.remote_length,
                (const char *) frame.remote, frame.payload_length, frame.payload_length > 0 ? frame.payload[0] : 0);
    }
    if (frame.payload[1] != 0) {
        fail("subscribing %s: refused with error %d%s", client->name, frame.payload[1], frame.payload[1] == 1 ? " (name already taken)" : "");
    }
    const uint8_t *at = frame.payload + 2;
    const uint8_t *end = frame.payload + frame.payload_length;
    for (int i = 0; i < 2; i++) {
        if (at >= end || at + 1 + *at > end) {
            fail("subscribing %s: a malformed assignment", client->name);
        }
        memcpy(paths[i], at + 1, *at);
        paths[i][*at] = '\0';
        at += 1 + *at;
    }
}

/* Whether the bytes read back from the CAP start with a packet this client sent to the server. */
static int own_request(const struct client *client, const uint8_t *bytes, size_t length) {
    struct frame frame;
    const char *why;
    return frame_at(bytes, length, &frame, &why) > 0 && frame.remote_length == 0 && frame.origin_length == client->name_length
            && memcmp(frame.origin, client->name, client->name_length) == 0;
}

/*
 * Subscribes through the CAP and opens the assigned FIFOs. When what comes back is our own
 * SUBSCRIPTION, the server had not read it in the 100 ms the reference client waits (a busy
 * machine: it cost a harness run): it goes back on the CAP and we wait again, for up to 5 s.
 */
static void subscribe(struct client *client, const char *groups) {
    send_subscription(client, groups);
    uint8_t reply[4096];
    size_t got;
    uint64_t deadline = now_nanos() + 5000000000u;
    do {
        usleep(100000);
        got = cap_read(client->cap, reply, sizeof reply);
        if (!own_request(client, reply, got) || now_nanos() > deadline) {
            break;
        }
        fprintf(stderr, "load_client %s %s: the server had not read our SUBSCRIPTION yet; written again\n", role, client->name);
        cap_write(client->cap, reply, got);
    } while (1);
    char paths[2][MAX_NAME + 1];
    take_assignment(client, reply, got, paths);
    client->tx = open_fifo(paths[0], O_WRONLY);
    client->rx = open_fifo(paths[1], O_RDONLY);
}

/* Connects to the Unix socket, retried every 50 ms for up to 5 s while it is not there or not listening yet. */
static int socket_connect(const char *path) {
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof address.sun_path) {
        fail("the socket path %s is longer than %zu bytes", path, sizeof address.sun_path - 1);
    }
    strcpy(address.sun_path, path);
    uint64_t deadline = now_nanos() + 5000000000u;
    while (1) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            fail("socket: %s", strerror(errno));
        }
        if (connect(fd, (struct sockaddr *) &address, sizeof address) == 0) {
            return fd;
        }
        int error = errno;
        close(fd);
        if ((error != ENOENT && error != ECONNREFUSED) || now_nanos() > deadline) {
            fail("connecting to the socket %s: %s", path, strerror(error));
        }
        usleep(50000);
    }
}

/*
 * Subscribes on a connection to the Unix socket: the ASSIGNMENT comes back on it ahead of any
 * packet, and is read a byte at a time, so that nothing after it is taken from the stream.
 */
static void socket_subscribe(struct client *client, const char *groups) {
    client->tx = client->rx = socket_connect(client->socket);
    send_subscription(client, groups);
    uint8_t reply[4096];
    size_t got = 0;
    uint64_t deadline = now_nanos() + 5000000000u;
    struct frame frame;
    const char *why;
    while (got < sizeof reply && frame_at(reply, got, &frame, &why) == 0 && now_nanos() < deadline) {
        struct pollfd ready = {.fd = client->rx, .events = POLLIN};
        if (poll(&ready, 1, 50) <= 0) {
            continue;
        }
        ssize_t one = read(client->rx, reply + got, 1);
        if (one == 0) {
            break; /* the server closed the connection: take_assignment says what came before */
        }
        if (one < 0 && errno != EINTR) {
            fail("subscribing %s: reading the socket: %s", client->name, strerror(errno));
        }
        got += one > 0 ? 1 : 0;
    }
    char paths[2][MAX_NAME + 1];
    take_assignment(client, reply, got, paths);
}

/*
 * Sends UNSUBSCRIPTION, which is fire-and-forget, once the server has read everything the client
 * wrote: the server deletes the FIFOs, and what they still held would be lost.
 */
static void unsubscribe(struct client *client) {
    uint8_t data = CAP_UNSUBSCRIPTION;
    if (client->socket != NULL) {
        /* On the connection, after all the client wrote: the server reads the stream in order. */
        cap_message(client, &data, 1);
        close(client->tx);
        return;
    }
    if (client->cap == NULL) {
        return;
    }
    uint64_t deadline = now_nanos() + 60000000000u;
    int waiting;
    while (ioctl(client->tx, FIONREAD, &waiting) == 0 && waiting > 0 && now_nanos() < deadline) {
        usleep(1000);
    }
    cap_message(client, &data, 1);
}

/* --cap or --socket (subscribes, with instance names NAME0.. when there are several), or the given FIFOs. */
static void connect_client(struct client *client, const char *name, int instance, int instances, const char *rx_path) {
    char instance_name[MAX_NAME + 16];
    snprintf(instance_name, sizeof instance_name, instances == 1 ? "%s" : "%s%d", name, instance);
    set_name(client, instance_name);
    client->cap = option("cap", NULL);
    client->socket = option("socket", NULL);
    client->tx = client->rx = -1;
    if (client->cap != NULL && client->socket != NULL) {
        fail("--cap or --socket, not both");
    }
    if (client->cap != NULL) {
        subscribe(client, option("groups", ""));
        return;
    }
    if (client->socket != NULL) {
        socket_subscribe(client, option("groups", ""));
        return;
    }
    const char *tx_path = option("tx", NULL);
    if (tx_path == NULL && rx_path == NULL) {
        fail("--cap CAP, --socket PATH, or the relay's FIFOs with --tx/--rx");
    }
    if (tx_path != NULL) {
        client->tx = open_fifo(tx_path, O_WRONLY);
    }
    if (rx_path != NULL) {
        client->rx = open_fifo(rx_path, O_RDONLY);
    }
}

/* ---- Latency: 1 us buckets up to 10 ms, then 1 ms buckets up to 10 s */

#define FINE_BUCKETS 10000
#define COARSE_BUCKETS 10000
static uint64_t latency_buckets[FINE_BUCKETS + COARSE_BUCKETS];
static uint64_t latency_count;

static void record_latency(uint64_t nanos) {
    uint64_t micros = nanos / 1000;
    size_t bucket = micros < FINE_BUCKETS ? micros : FINE_BUCKETS + micros / 1000 - FINE_BUCKETS / 1000;
    if (bucket >= FINE_BUCKETS + COARSE_BUCKETS) {
        bucket = FINE_BUCKETS + COARSE_BUCKETS - 1;
    }
    latency_buckets[bucket]++;
    latency_count++;
}

static double latency_percentile_micros(double percent) {
    uint64_t rank = (uint64_t) (latency_count * percent / 100.0);
    uint64_t seen = 0;
    for (size_t bucket = 0; bucket < FINE_BUCKETS + COARSE_BUCKETS; bucket++) {
        seen += latency_buckets[bucket];
        if (seen > rank) {
            return bucket < FINE_BUCKETS ? (double) bucket : (double) (bucket - FINE_BUCKETS + FINE_BUCKETS / 1000) * 1000.0;
        }
    }
    return 0;
}

/* ---- pub */

static int publish(void) {
    struct client client;
    connect_client(&client, required("name"), 0, 1, NULL);
    const char *to = required("to");
    size_t to_length = strlen(to);
    uint64_t count = (uint64_t) number("count", 1000000);
    size_t payload_length = (size_t) number("payload", 32);
    if (payload_length < PAYLOAD_HEADER) {
        fail("the payload carries 16 bytes of sequence and time: at least 16");
    }
    prepare_pattern(payload_length);
    uint8_t *payload = malloc(payload_length);
    uint8_t *chunk = malloc(WRITE_CHUNK + MAX_PACKET_OVERHEAD + payload_length);
    printf("READY\n");
    fflush(stdout);
    uint64_t started = now_nanos();
    size_t filled = 0;
    for (uint64_t sequence = 0; sequence < count; sequence++) {
        fill_payload(payload, payload_length, sequence, now_nanos());
        filled += encode(chunk + filled, client.name, client.name_length, to, to_length, 60, payload, payload_length);
        if (filled >= WRITE_CHUNK || sequence == count - 1) {
            write_all(client.tx, chunk, filled);
            filled = 0;
        }
    }
    uint64_t elapsed = now_nanos() - started;
    unsubscribe(&client);
    printf("SENT %llu %llu cpu_s=%.3f\n", (unsigned long long) count, (unsigned long long) elapsed, cpu_seconds());
    return 0;
}

/* ---- Reading a FIFO: whole packets out of a byte stream */

/* A packet's handler; for a bad packet frame is NULL and why says what was wrong. */
typedef void (*packet_handler)(void *context, const struct frame *frame, const char *why);

struct stream {
    int fd;
    uint8_t *buffer; /* room for a read after the largest packet cut short */
    size_t held;     /* the start of a packet not yet whole */
    int in_bad_stretch;
};

static void stream_open(struct stream *stream, int fd) {
    stream->fd = fd;
    stream->buffer = malloc(READ_CHUNK + MAX_PACKET_OVERHEAD + MAX_PAYLOAD);
    stream->held = 0;
    stream->in_bad_stretch = 0;
}

/*
 * Reads once and hands every whole packet to handle, keeping the rest for the next read. A bad
 * packet is handed over once, and then bytes are skipped to the next SOH that starts a good one.
 * Returns the bytes read, 0 at the end of the stream (no writer left, the end of a file), or -1
 * when interrupted.
 */
static ssize_t stream_read(struct stream *stream, packet_handler handle, void *context) {
    ssize_t got = read(stream->fd, stream->buffer + stream->held, READ_CHUNK);
    if (got < 0) {
        if (errno != EINTR && errno != EAGAIN) {
            fail("read: %s", strerror(errno));
        }
        return -1;
    }
    stream->held += (size_t) got;
    size_t at = 0;
    while (at < stream->held) {
        struct frame frame;
        const char *why = NULL;
        long size = frame_at(stream->buffer + at, stream->held - at, &frame, &why);
        if (size == 0) {
            break;
        }
        if (size < 0) {
            if (!stream->in_bad_stretch) {
                handle(context, NULL, why);
            }
            stream->in_bad_stretch = 1;
            at++;
            continue;
        }
        stream->in_bad_stretch = 0;
        handle(context, &frame, NULL);
        at += (size_t) size;
    }
    memmove(stream->buffer, stream->buffer + at, stream->held - at);
    stream->held -= at;
    return got;
}

/* ---- sub */

struct origin_record {
    uint8_t name[MAX_NAME];
    size_t name_length;
    uint64_t next;   /* one past the highest sequence seen */
    uint8_t *seen;   /* a bit per sequence number */
};

struct receiver {
    struct client client;
    struct stream stream;
    uint64_t count;  /* expected from each origin */
    uint64_t now;    /* when the bytes being framed were read */
    struct origin_record origins[MAX_ORIGINS];
    int origin_count;
    uint64_t received, unique, duplicated, reordered, corrupted, bytes;
    uint64_t first_at, last_at;
    int done;
};

static struct origin_record *origin_of(struct receiver *r, const struct frame *frame) {
    for (int i = 0; i < r->origin_count; i++) {
        if (r->origins[i].name_length == frame->origin_length && memcmp(r->origins[i].name, frame->origin, frame->origin_length) == 0) {
            return &r->origins[i];
        }
    }
    if (r->origin_count == MAX_ORIGINS) {
        fail("%s: packets from more than %d origins", r->client.name, MAX_ORIGINS);
    }
    struct origin_record *o = &r->origins[r->origin_count++];
    memcpy(o->name, frame->origin, frame->origin_length);
    o->name_length = frame->origin_length;
    o->next = 0;
    o->seen = calloc(r->count / 8 + 1, 1);
    return o;
}

/* Counts and checks one packet: corrupted, duplicated, out of order, or the next; and its one-way latency. */
static void take_packet(void *context, const struct frame *frame, const char *why) {
    struct receiver *r = context;
    if (frame == NULL) {
        r->corrupted++;
        fprintf(stderr, "load_client sub %s: %s\n", r->client.name, why);
        return;
    }
    r->received++;
    r->bytes += frame->payload_length + frame->origin_length + frame->remote_length + FRAMING_BYTES;
    if (r->received == 1) {
        r->first_at = r->now;
    }
    r->last_at = r->now;
    uint64_t sequence = frame->payload_length < PAYLOAD_HEADER ? UINT64_MAX : get_be64(frame->payload);
    if (sequence >= r->count || !payload_intact(frame)) {
        r->corrupted++;
        return;
    }
    struct origin_record *o = origin_of(r, frame);
    uint8_t bit = (uint8_t) (1u << (sequence & 7));
    if (o->seen[sequence >> 3] & bit) {
        r->duplicated++;
        return;
    }
    o->seen[sequence >> 3] |= bit;
    r->unique++;
    if (sequence < o->next) {
        r->reordered++; /* came after a later one */
    } else {
        o->next = sequence + 1;
    }
    record_latency(r->now - get_be64(frame->payload + 8));
}

static int receive(void) {
    int instances = (int) number("instances", 1);
    uint64_t count = (uint64_t) number("count", 1000000);
    int idle_millis = (int) number("idle-ms", 10000);
    if (instances < 1 || instances > MAX_INSTANCES) {
        fail("--instances from 1 to %d", MAX_INSTANCES);
    }
    const char *rx_paths = option("rx", NULL);
    char rx_copy[8192];
    snprintf(rx_copy, sizeof rx_copy, "%s", rx_paths == NULL ? "" : rx_paths);
    char *rx_next = rx_copy;
    static struct receiver receivers[MAX_INSTANCES];
    struct pollfd polls[MAX_INSTANCES];
    for (int i = 0; i < instances; i++) {
        const char *rx = rx_paths == NULL ? NULL : strsep(&rx_next, ",");
        if (rx_paths != NULL && rx == NULL) {
            fail("--rx names fewer FIFOs than --instances");
        }
        connect_client(&receivers[i].client, required("name"), i, instances, rx);
        stream_open(&receivers[i].stream, receivers[i].client.rx);
        receivers[i].count = count;
        polls[i].fd = receivers[i].client.rx;
        polls[i].events = POLLIN;
    }
    printf("READY\n");
    fflush(stdout);
    int remaining = instances;
    while (remaining > 0) {
        int events = poll(polls, (nfds_t) instances, idle_millis);
        if (events < 0 && errno != EINTR) {
            fail("poll: %s", strerror(errno));
        }
        if (events == 0) {
            break; /* nothing for idle-ms: what has not come will not */
        }
        uint64_t now = now_nanos();
        for (int i = 0; i < instances; i++) {
            struct receiver *r = &receivers[i];
            if (r->done || !(polls[i].revents & (POLLIN | POLLHUP))) {
                continue;
            }
            r->now = now;
            ssize_t got = stream_read(&r->stream, take_packet, r);
            if (r->unique == count || got == 0) {
                r->done = 1;
                polls[i].fd = -1;
                remaining--;
            }
        }
    }
    uint64_t received = 0, missing = 0, duplicated = 0, reordered = 0, corrupted = 0, bytes = 0;
    uint64_t first_at = UINT64_MAX, last_at = 0;
    for (int i = 0; i < instances; i++) {
        struct receiver *r = &receivers[i];
        received += r->received;
        missing += count - r->unique;
        duplicated += r->duplicated;
        reordered += r->reordered;
        corrupted += r->corrupted + (r->stream.held > 0 ? 1 : 0); /* a packet cut short at the end */
        bytes += r->bytes;
        if (r->received > 0) {
            first_at = first_at < r->first_at ? first_at : r->first_at;
            last_at = last_at > r->last_at ? last_at : r->last_at;
        }
        unsubscribe(&r->client);
    }
    double seconds = received == 0 ? 0 : (last_at - first_at) / 1e9;
    double per_second = seconds > 1e-9 ? 1.0 / seconds : 1e9;
    printf("RECEIVED received=%llu lost=%llu reordered=%llu seconds=%.6f msgs_per_s=%.0f mb_per_s=%.2f p50_us=%.1f p99_us=%.1f"
            " p999_us=%.1f duplicated=%llu out_of_order=%llu corrupted=%llu cpu_s=%.3f\n",
            (unsigned long long) received, (unsigned long long) missing, (unsigned long long) (duplicated + reordered), seconds,
            received * per_second, bytes * per_second / 1e6, latency_percentile_micros(50), latency_percentile_micros(99),
            latency_percentile_micros(99.9), (unsigned long long) duplicated, (unsigned long long) reordered,
            (unsigned long long) corrupted, cpu_seconds());
    if (missing + duplicated + reordered + corrupted > 0) {
        fail("%llu of %llu packets per subscriber lost in all, %llu duplicated, %llu out of order, %llu corrupted",
                (unsigned long long) missing, (unsigned long long) count, (unsigned long long) duplicated,
                (unsigned long long) reordered, (unsigned long long) corrupted);
    }
    return 0;
}

/* ---- ping and pong */

static int compare_nanos(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

static double sorted_percentile_micros(const uint64_t *sorted, uint64_t length, double percent) {
    if (length == 0) {
        return 0;
    }
    uint64_t index = (uint64_t) (length * percent / 100.0);
    return sorted[index < length ? index : length - 1] / 1e3;
}

/* Where a ping or a pong puts the packets it writes after a read: all of them in one write. */
struct outbox {
    struct client *client;
    uint8_t *bytes;
    size_t filled;
};

static void outbox_add(struct outbox *out, const char *remote, size_t remote_length, const uint8_t *payload, size_t payload_length) {
    out->filled += encode(out->bytes + out->filled, out->client->name, out->client->name_length, remote, remote_length, 60, payload,
            payload_length);
}

static void outbox_flush(struct outbox *out) {
    write_all(out->client->tx, out->bytes, out->filled);
    out->filled = 0;
}

struct pinger {
    struct outbox out;
    const char *to;
    uint8_t *payload;
    size_t payload_length;
    uint64_t warmup, count, total, sent, answered, unexpected, timed;
    uint64_t *samples;
    uint64_t now;
};

static void send_next(struct pinger *p) {
    fill_payload(p->payload, p->payload_length, p->sent++, now_nanos());
    outbox_add(&p->out, p->to, strlen(p->to), p->payload, p->payload_length);
}

/* Times an answer, which must be the next one and intact, and sends the next question. */
static void take_answer(void *context, const struct frame *frame, const char *why) {
    struct pinger *p = context;
    if (frame == NULL || !payload_intact(frame)) {
        fail("a corrupted answer after %llu (%s)", (unsigned long long) p->answered, frame == NULL ? why : "payload");
    }
    uint64_t sequence = get_be64(frame->payload);
    if (sequence != p->answered) {
        p->unexpected++;
    }
    if (sequence >= p->warmup && p->timed < p->count) {
        p->samples[p->timed++] = p->now - get_be64(frame->payload + 8);
    }
    p->answered++;
    if (p->sent < p->total) {
        send_next(p);
    }
}

/*
 * Keeps --window packets in flight to pong and times each from its sending to its answer's
 * arrival; the first --warmup are not timed. Every answer must be the next one, intact.
 */
static int ping(void) {
    struct client client;
    connect_client(&client, required("name"), 0, 1, option("rx", NULL));
    struct pinger p = {.to = required("to"), .count = (uint64_t) number("count", 50000), .warmup = (uint64_t) number("warmup", 10000)};
    uint64_t window = (uint64_t) number("window", 1);
    p.payload_length = (size_t) number("payload", 32);
    if (p.payload_length < PAYLOAD_HEADER) {
        fail("the payload carries 16 bytes of sequence and time: at least 16");
    }
    prepare_pattern(p.payload_length);
    p.total = p.warmup + p.count;
    p.samples = malloc((p.count + 1) * sizeof *p.samples);
    p.payload = malloc(p.payload_length);
    p.out = (struct outbox) {.client = &client, .bytes = malloc((window + 1) * (MAX_PACKET_OVERHEAD + p.payload_length))};
    struct stream in;
    stream_open(&in, client.rx);
    printf("READY\n");
    fflush(stdout);
    while (p.sent < window && p.sent < p.total) {
        send_next(&p);
    }
    outbox_flush(&p.out);
    struct pollfd ready = {.fd = client.rx, .events = POLLIN};
    while (p.answered < p.total) {
        if (poll(&ready, 1, 10000) == 0) {
            break; /* the answers stopped coming: reported as missing */
        }
        p.now = now_nanos();
        if (stream_read(&in, take_answer, &p) == 0) {
            break; /* no writer left */
        }
        outbox_flush(&p.out);
    }
    const char *samples_path = option("samples", NULL);
    if (samples_path != NULL) {
        /* Nanoseconds, one 8-byte little-endian integer each (the machine's order on x86 and arm64), for the harness's histogram. */
        FILE *file = fopen(samples_path, "wb");
        if (file == NULL || fwrite(p.samples, sizeof *p.samples, p.timed, file) != p.timed || fclose(file) != 0) {
            fail("writing %s: %s", samples_path, strerror(errno));
        }
    }
    qsort(p.samples, p.timed, sizeof *p.samples, compare_nanos);
    unsubscribe(&client);
    printf("RTT count=%llu missing=%llu unexpected=%llu p50_us=%.2f p99_us=%.2f p999_us=%.2f max_us=%.2f hist=- cpu_s=%.3f\n",
            (unsigned long long) p.timed, (unsigned long long) (p.total - p.answered), (unsigned long long) p.unexpected,
            sorted_percentile_micros(p.samples, p.timed, 50), sorted_percentile_micros(p.samples, p.timed, 99),
            sorted_percentile_micros(p.samples, p.timed, 99.9), p.timed == 0 ? 0 : p.samples[p.timed - 1] / 1e3, cpu_seconds());
    if (p.answered < p.total || p.unexpected > 0) {
        fail("%llu of %llu answers missing, %llu out of sequence", (unsigned long long) (p.total - p.answered),
                (unsigned long long) p.total, (unsigned long long) p.unexpected);
    }
    return 0;
}

struct ponger {
    struct outbox out;
    uint64_t handled;
};

/* Answers a packet with its payload, to its origin. */
static void answer(void *context, const struct frame *frame, const char *why) {
    struct ponger *p = context;
    if (frame == NULL) {
        fail("a corrupted packet after %llu (%s)", (unsigned long long) p->handled, why);
    }
    outbox_add(&p->out, (const char *) frame->origin, frame->origin_length, frame->payload, frame->payload_length);
    p->handled++;
}

/* Answers every packet at once, all the answers to one read in one write, until --warmup + --count. */
static int pong(void) {
    struct client client;
    connect_client(&client, required("name"), 0, 1, option("rx", NULL));
    uint64_t total = (uint64_t) number("warmup", 10000) + (uint64_t) number("count", 50000);
    /* Answers are as large as their questions: the same names, swapped, and the same payload. */
    struct ponger p = {.out = {.client = &client, .bytes = malloc(2 * (READ_CHUNK + MAX_PACKET_OVERHEAD + MAX_PAYLOAD))}};
    struct stream in;
    stream_open(&in, client.rx);
    printf("READY\n");
    fflush(stdout);
    while (p.handled < total) {
        if (stream_read(&in, answer, &p) == 0) {
            break; /* no writer left */
        }
        outbox_flush(&p.out);
    }
    unsubscribe(&client);
    printf("ANSWERED %llu cpu_s=%.3f\n", (unsigned long long) p.handled, cpu_seconds());
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: load_client pub|sub|ping|pong --name value ... (see the comment at the top of load_client.c)\n");
        return 2;
    }
    role = argv[1];
    /* A write to a server that has gone fails with EPIPE, said clearly, rather than ending the process without a word. */
    signal(SIGPIPE, SIG_IGN);
    option_count = argc - 2;
    option_words = argv + 2;
    if (strcmp(role, "sub") != 0 && number("instances", 1) != 1) {
        fail("--instances is for sub only (the Java LoadClient runs several publishers in one process)");
    }
    if (strcmp(role, "pub") == 0) {
        return publish();
    }
    if (strcmp(role, "sub") == 0) {
        return receive();
    }
    if (strcmp(role, "ping") == 0) {
        return ping();
    }
    if (strcmp(role, "pong") == 0) {
        return pong();
    }
    fail("pub, sub, ping or pong, not '%s'", role);
    return 2;
}
