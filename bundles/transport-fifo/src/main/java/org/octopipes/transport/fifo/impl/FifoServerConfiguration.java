package org.octopipes.transport.fifo.impl;

import org.octopipes.api.ServerConfiguration;
import org.octopipes.codec.Protocol;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The FIFO transport's part of the server configuration, {@link ServerConfiguration#PID}: what it
 * reads, described and defaulted here only. The router describes its part (limits, routing policy)
 * in its own bundle.
 */
@ObjectClassDefinition(id = ServerConfiguration.PID + ".fifo", name = "Octopipes FIFO transport",
        description = "The FIFO transport's part of the server configuration: the Common Access Pipe, the clients' FIFOs and their limits. A change restarts the FIFO transport: its clients must subscribe again.")
@interface FifoServerConfiguration {

    String PID = ServerConfiguration.PID;

    @AttributeDefinition(name = "CAP path", description = "The Common Access Pipe clients subscribe through. Empty: $OCTOPIPES_CAP, else $XDG_RUNTIME_DIR/octopipes/cap.fifo, else <tmp>/octopipes-<user>/cap.fifo.", required = false)
    String cap_path() default "";

    @AttributeDefinition(name = "Clients folder", description = "Where each client's <name>_tx.fifo and <name>_rx.fifo are made. Empty: a 'clients' folder beside the CAP.", required = false)
    String clients_dir() default "";

    @AttributeDefinition(name = "FIFO mode", description = "Octal permissions of the CAP and the client FIFOs. 0600: only this user's processes; 0660 lets the group in.")
    String fifo_mode() default "0600";

    @AttributeDefinition(name = "Maximum payload", description = "Largest payload in bytes; a packet announcing more is refused as TOO_LARGE.", min = "0")
    int max_payload() default Protocol.DEFAULT_MAX_PAYLOAD;

    @AttributeDefinition(name = "Maximum name length", description = "Longest client name in bytes; a name becomes a file name, so at most 247.", min = "1", max = "247")
    int max_name_length() default 128;

    @AttributeDefinition(name = "Queue bytes per client", description = "Bytes queued for a client that reads too slowly before packets to it are dropped (QUEUE_FULL).", min = "1")
    int queue_bytes() default 1024 * 1024;

    @AttributeDefinition(name = "Client FIFO size", description = "Bytes each client FIFO holds (fcntl F_SETPIPE_SZ; the kernel rounds up to a power of two pages, at most /proc/sys/fs/pipe-max-size, 1 MiB by default). 0: the kernel's default, 64 KiB. Larger FIFOs let clients and the server move more per wake-up: more throughput, more kernel memory, more latency when a reader falls behind. Mind the user's pipe memory (fs/pipe-user-pages-soft, 64 MiB by default, all of the user's pipes counted): past it the kernel makes every new pipe of that user small, not only the server's.", min = "0")
    int fifo_pipe_size() default 0;

    @AttributeDefinition(name = "FIFO growth budget", description = "Bytes of FIFO capacity the server may add, in all, to the FIFOs of the clients that fill them (a client writing faster than its TX FIFO holds between two reads, or reading its RX FIFO but not as fast as it is sent to), each grown to 1 MiB, as TCP tunes a busy connection's buffers. Comes out of the user's pipe memory (fs/pipe-user-pages-soft). 0: FIFOs keep their size.", min = "0")
    long fifo_pipe_budget() default FifoSettings.DEFAULT_PIPE_BUDGET;

    @AttributeDefinition(name = "Splice large payloads", description = "Move the payload of a large packet (fifo.splice.min.payload bytes or more) from its sender's TX FIFO to its recipients' RX FIFOs with splice(2) and tee(2), without copying it through the server. The server then does not verify that payload's checksum: its recipient does, as every client must. Only where the whole packet is in the TX FIFO and the recipient, a FIFO client, has nothing queued; anything else takes the copying path. Off: the server checks every packet.")
    boolean fifo_splice_payloads() default false;

    @AttributeDefinition(name = "Smallest spliced payload", description = "With fifo.splice.payloads: the smallest payload, in bytes, that is spliced rather than copied. Splicing costs a few system calls per packet where copying costs two per many packets: it pays for large payloads only (64 KiB measured 1.4 times faster than copying, 4 KiB slower).", min = "1")
    int fifo_splice_min_payload() default FifoSettings.DEFAULT_SPLICE_MIN_PAYLOAD;
}
