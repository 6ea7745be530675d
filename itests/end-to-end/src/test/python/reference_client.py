#!/usr/bin/env python3
"""An Octopipes client that uses the FIFOs the way the reference C client (liboctopipes) does.

Every operation opens its FIFO non-blocking, does its work and closes it again; opening for
writing is retried every 50 ms for up to 5 s; after writing its SUBSCRIPTION the client sleeps
about 100 ms and reads its ASSIGNMENT back from the CAP itself, accepting the first packet only
if it is addressed to it. The end-to-end tests use it to prove that such clients work unchanged.

Usage: reference_client.py --cap CAP --name NAME [--group G]... [--send REMOTE PAYLOAD]...
                           [--rck] [--expect N] [--timeout SECONDS] [--origin-nul-bug]
Prints one line per event: SUBSCRIBED <tx> <rx>, REFUSED <error>, RECEIVED <origin> <remote>
<options> <payload>, ACKED <from>, SENT <remote>, UNSUBSCRIBED. Exit 0 on success, 1 on failure.

--origin-nul-bug writes what the C client really writes on a TX FIFO: octopipes_send_ex puts the
remote's terminating NUL into the origin, at the index that is the remote's length, whenever the
remote is shorter than the client's name ('bobby' sending to 'GRP' says 'bob\0y').
"""
import argparse
import errno
import os
import select
import struct
import sys
import time

SOH, STX, ETX = 0x01, 0x02, 0x03
RCK, ACK = 0x01, 0x02
OPEN_RETRY_SECONDS = 0.05
OPEN_TIMEOUT_SECONDS = 5.0


def encode(origin, remote, payload, ttl=60, options=0):
    header = bytes([SOH, 1, len(origin)]) + origin + bytes([len(remote)]) + remote
    header += bytes([ttl]) + struct.pack(">Q", len(payload)) + bytes([options])
    packet = bytearray(header + b"\x00" + bytes([STX]) + payload + bytes([ETX]))
    checksum = 0
    for byte in packet:
        checksum ^= byte
    packet[len(header)] = checksum
    return bytes(packet)


def decode_all(data):
    """Every whole packet in data, in order, as (origin, remote, ttl, options, payload)."""
    packets = []
    at = 0
    while at + 17 <= len(data):
        if data[at] != SOH:
            at += 1
            continue
        origin_length = data[at + 2]
        remote_at = at + 3 + origin_length + 1
        remote_length = data[remote_at - 1]
        payload_at = remote_at + remote_length + 12
        if payload_at > len(data):
            break
        size = struct.unpack(">Q", data[payload_at - 11:payload_at - 3])[0]
        end = payload_at + size + 1
        if end > len(data):
            break
        packets.append((data[at + 3:at + 3 + origin_length], data[remote_at:remote_at + remote_length],
                        data[payload_at - 12], data[payload_at - 3], data[payload_at:end - 1]))
        at = end
    return packets


def c_client_origin(name, remote):
    """The origin the reference C client puts into a packet to remote: a NUL at len(remote)."""
    if len(remote) >= len(name):
        return name
    return name[:len(remote)] + b"\0" + name[len(remote) + 1:]


def fifo_send(path, data):
    deadline = time.monotonic() + OPEN_TIMEOUT_SECONDS
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as error:
            if error.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            time.sleep(OPEN_RETRY_SECONDS)
    try:
        written = 0
        while written < len(data):
            select.select([], [fd], [], OPEN_TIMEOUT_SECONDS)
            written += os.write(fd, data[written:])
    finally:
        os.close(fd)


def fifo_receive(path, timeout):
    """Opens, waits up to timeout for data, reads until nothing more is ready, closes."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    data = b""
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                if data:
                    break
                continue
            try:
                chunk = os.read(fd, 2048)
            except BlockingIOError:
                if data:
                    break
                continue
            if not chunk:
                if data:
                    break
                continue
            data += chunk
    finally:
        os.close(fd)
    return data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--group", action="append", default=[])
    parser.add_argument("--send", nargs=2, action="append", default=[], metavar=("REMOTE", "PAYLOAD"))
    parser.add_argument("--rck", action="store_true")
    parser.add_argument("--expect", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--origin-nul-bug", action="store_true")
    args = parser.parse_args()
    name = args.name.encode()

    def origin_for(remote):
        return c_client_origin(name, remote) if args.origin_nul_bug else name

    groups = b"".join(bytes([len(g.encode())]) + g.encode() for g in args.group)
    fifo_send(args.cap, encode(name, b"", bytes([0x01, len(args.group)]) + groups))
    time.sleep(0.1)
    reply = decode_all(fifo_receive(args.cap, 5.0))
    if not reply or reply[0][1] != name or not reply[0][4] or reply[0][4][0] != 0xFF:
        print("REFUSED no assignment for us: %r" % (reply[:1],), flush=True)
        return 1
    data = reply[0][4]
    if data[1] != 0:
        print("REFUSED %d" % data[1], flush=True)
        return 1
    tx = data[3:3 + data[2]].decode()
    rx_at = 3 + data[2]
    rx = data[rx_at + 1:rx_at + 1 + data[rx_at]].decode()
    print("SUBSCRIBED %s %s" % (tx, rx), flush=True)

    for remote, payload in args.send:
        fifo_send(tx, encode(origin_for(remote.encode()), remote.encode(), payload.encode(), options=RCK if args.rck else 0))
        print("SENT %s" % remote, flush=True)

    received = 0
    acks_wanted = len(args.send) if args.rck else 0
    deadline = time.monotonic() + args.timeout
    while (received < args.expect or acks_wanted > 0) and time.monotonic() < deadline:
        for origin, remote, ttl, options, payload in decode_all(fifo_receive(rx, 0.5)):
            if options & ACK:
                print("ACKED %s" % origin.decode(errors="replace"), flush=True)
                acks_wanted -= 1
                continue
            received += 1
            print("RECEIVED %s %s %d %s" % (origin.decode(errors="replace"), remote.decode(errors="replace"),
                                             options, payload.decode(errors="replace")), flush=True)
            if options & RCK:
                fifo_send(tx, encode(origin_for(origin), origin, b"", ttl=255, options=ACK))

    fifo_send(args.cap, encode(name, b"", bytes([0x02])))
    print("UNSUBSCRIBED", flush=True)
    return 0 if received >= args.expect and acks_wanted <= 0 else 1


if __name__ == "__main__":
    sys.exit(main())
