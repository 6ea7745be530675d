package org.octopipes.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A message of the Common Access Pipe sub-protocol: the DATA of a packet on the CAP, starting with
 * an object byte. Clients send {@link Subscription} and {@link Unsubscription} with their own name
 * as origin and the server as remote; the server answers a subscription with an
 * {@link Assignment} from the server to the client's name.
 */
public sealed interface CapMessage permits CapMessage.Subscription, CapMessage.Assignment, CapMessage.Unsubscription {

    /** Object byte of a SUBSCRIPTION. */
    int OBJECT_SUBSCRIPTION = 0x01;
    /** Object byte of an UNSUBSCRIPTION. */
    int OBJECT_UNSUBSCRIPTION = 0x02;
    /** Object byte of an ASSIGNMENT. */
    int OBJECT_ASSIGNMENT = 0xFF;

    /** Most groups one SUBSCRIPTION can carry: the count travels in one byte. */
    int MAX_GROUPS = 255;

    /** {@return the packet's DATA for this message} */
    byte[] toPayload();

    /**
     * The packet that carries this message for {@code client}: from the client to the server for
     * a request, from the server to the client for an assignment, with the reference TTLs.
     *
     * @param client the client that sends it (a request) or receives it (a reply)
     * @return a CAP packet carrying this message
     */
    Packet toPacket(Name client);

    /**
     * Parses the DATA of a CAP packet, {@code payload}'s remaining bytes; the position is not moved.
     *
     * @param payload the packet's DATA
     * @return the message
     * @throws MalformedCapMessageException if the bytes are no CAP message
     */
    static CapMessage parse(ByteBuffer payload) {
        ByteBuffer in = payload.duplicate();
        if (!in.hasRemaining()) {
            throw new MalformedCapMessageException("an empty payload has no object byte");
        }
        int object = in.get() & 0xFF;
        switch (object) {
            case OBJECT_SUBSCRIPTION:
                return Subscription.parseBody(in);
            case OBJECT_UNSUBSCRIPTION:
                if (in.hasRemaining()) {
                    throw new MalformedCapMessageException("an UNSUBSCRIPTION carries nothing after its object byte, here " + in.remaining() + " bytes");
                }
                return Unsubscription.INSTANCE;
            case OBJECT_ASSIGNMENT:
                return Assignment.parseBody(in);
            default:
                throw new MalformedCapMessageException(String.format("unknown CAP object 0x%02x", object));
        }
    }

    /**
     * Parses the DATA of a CAP packet.
     *
     * @param payload the packet's DATA
     * @return the message
     */
    static CapMessage parse(byte[] payload) {
        return parse(ByteBuffer.wrap(payload));
    }

    /** A client asks to subscribe: its name is the packet's origin; it lists its groups. */
    record Subscription(List<Name> groups) implements CapMessage {

        /**
         * Keeps a copy of the groups; refuses more than a SUBSCRIPTION can carry.
         *
         * @param groups the groups, at most 255
         */
        public Subscription {
            groups = List.copyOf(groups);
            if (groups.size() > MAX_GROUPS) {
                throw new IllegalArgumentException("a SUBSCRIPTION carries at most " + MAX_GROUPS + " groups, not " + groups.size());
            }
        }

        /**
         * A subscription to these groups.
         *
         * @param groups the groups
         * @return the subscription
         */
        public static Subscription of(Name... groups) {
            return new Subscription(Arrays.asList(groups));
        }

        static Subscription parseBody(ByteBuffer in) {
            if (!in.hasRemaining()) {
                throw new MalformedCapMessageException("a SUBSCRIPTION lacks its group count");
            }
            int count = in.get() & 0xFF;
            List<Name> groups = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                if (!in.hasRemaining()) {
                    throw new MalformedCapMessageException("a SUBSCRIPTION announces " + count + " groups but ends after " + i);
                }
                int length = in.get() & 0xFF;
                if (in.remaining() < length) {
                    throw new MalformedCapMessageException("group " + (i + 1) + " of a SUBSCRIPTION announces " + length + " bytes, " + in.remaining() + " follow");
                }
                byte[] name = new byte[length];
                in.get(name);
                groups.add(Name.ofOwned(name));
            }
            if (in.hasRemaining()) {
                throw new MalformedCapMessageException(in.remaining() + " bytes follow the last group of a SUBSCRIPTION");
            }
            return new Subscription(groups);
        }

        @Override
        public byte[] toPayload() {
            int size = 2;
            for (Name group : groups) {
                size += 1 + group.length();
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.put((byte) OBJECT_SUBSCRIPTION).put((byte) groups.size());
            for (Name group : groups) {
                out.put((byte) group.length());
                group.writeTo(out);
            }
            return out.array();
        }

        @Override
        public Packet toPacket(Name client) {
            return request(client, toPayload());
        }
    }

    /** A client leaves: its name is the packet's origin. The server sends no reply. */
    final class Unsubscription implements CapMessage {

        /** The one unsubscription: it carries nothing but its object byte. */
        public static final Unsubscription INSTANCE = new Unsubscription();

        private Unsubscription() {
        }

        @Override
        public byte[] toPayload() {
            return new byte[] {OBJECT_UNSUBSCRIPTION};
        }

        @Override
        public Packet toPacket(Name client) {
            return request(client, toPayload());
        }

        @Override
        public String toString() {
            return "Unsubscription";
        }
    }

    /**
     * The server's reply to a subscription: an error code and, on success, the paths of the
     * client's TX FIFO (the client writes) and RX FIFO (the client reads), as file-system bytes.
     */
    record Assignment(AssignmentError error, byte[] txPath, byte[] rxPath) implements CapMessage {

        /**
         * Checks the paths' lengths (a success names both FIFOs) and keeps copies of them.
         *
         * @param error the error, {@link AssignmentError#NONE} on success
         * @param txPath the TX FIFO's path, empty on a failure
         * @param rxPath the RX FIFO's path, empty on a failure
         */
        public Assignment {
            if (txPath.length > 255 || rxPath.length > 255) {
                throw new IllegalArgumentException("an ASSIGNMENT path is at most 255 bytes");
            }
            if (error == AssignmentError.NONE && (txPath.length == 0 || rxPath.length == 0)) {
                throw new IllegalArgumentException("a successful ASSIGNMENT names both FIFOs");
            }
            txPath = txPath.clone();
            rxPath = rxPath.clone();
        }

        /**
         * A successful assignment of these FIFOs.
         *
         * @param txPath where the client writes
         * @param rxPath where the client reads
         * @return the assignment
         */
        public static Assignment success(byte[] txPath, byte[] rxPath) {
            return new Assignment(AssignmentError.NONE, txPath, rxPath);
        }

        /**
         * A refusal, which carries no paths.
         *
         * @param error why the subscription is refused; not {@link AssignmentError#NONE}
         * @return the assignment
         */
        public static Assignment failure(AssignmentError error) {
            if (error == AssignmentError.NONE) {
                throw new IllegalArgumentException("a failure needs an error");
            }
            return new Assignment(error, new byte[0], new byte[0]);
        }

        /** {@return whether the subscription was accepted ({@link AssignmentError#NONE})} */
        public boolean isSuccess() {
            return error == AssignmentError.NONE;
        }

        /**
         * Accepts the 4-byte form {@code FF err txlen tx rxlen rx} that the C server sends, and the
         * 2-byte error form {@code FF err} that the Rust server sends.
         */
        static Assignment parseBody(ByteBuffer in) {
            if (!in.hasRemaining()) {
                throw new MalformedCapMessageException("an ASSIGNMENT lacks its error byte");
            }
            AssignmentError error = AssignmentError.ofCode(in.get() & 0xFF);
            if (!in.hasRemaining() && error != AssignmentError.NONE) {
                return failure(error);
            }
            byte[] tx = readPath(in, "TX");
            byte[] rx = readPath(in, "RX");
            if (in.hasRemaining()) {
                throw new MalformedCapMessageException(in.remaining() + " bytes follow the RX path of an ASSIGNMENT");
            }
            if (error == AssignmentError.NONE && (tx.length == 0 || rx.length == 0)) {
                throw new MalformedCapMessageException("a successful ASSIGNMENT without both FIFO paths");
            }
            return new Assignment(error, tx, rx);
        }

        private static byte[] readPath(ByteBuffer in, String which) {
            if (!in.hasRemaining()) {
                throw new MalformedCapMessageException("an ASSIGNMENT lacks the length of its " + which + " path");
            }
            int length = in.get() & 0xFF;
            if (in.remaining() < length) {
                throw new MalformedCapMessageException("the " + which + " path of an ASSIGNMENT announces " + length + " bytes, " + in.remaining() + " follow");
            }
            byte[] path = new byte[length];
            in.get(path);
            return path;
        }

        /** On error, the 4-byte form: C clients need at least four bytes. */
        @Override
        public byte[] toPayload() {
            ByteBuffer out = ByteBuffer.allocate(4 + txPath.length + rxPath.length);
            out.put((byte) OBJECT_ASSIGNMENT).put((byte) error.code());
            out.put((byte) txPath.length).put(txPath);
            out.put((byte) rxPath.length).put(rxPath);
            return out.array();
        }

        @Override
        public Packet toPacket(Name client) {
            return Packet.wrap(Name.SERVER, client, Protocol.DEFAULT_CAP_REPLY_TTL, 0, ByteBuffer.wrap(toPayload()));
        }

        /** {@return a copy of the TX FIFO's path, where the client writes; empty on a failure} */
        @Override
        public byte[] txPath() {
            return txPath.clone();
        }

        /** {@return a copy of the RX FIFO's path, where the client reads; empty on a failure} */
        @Override
        public byte[] rxPath() {
            return rxPath.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Assignment && error == ((Assignment) other).error
                    && Arrays.equals(txPath, ((Assignment) other).txPath) && Arrays.equals(rxPath, ((Assignment) other).rxPath);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * error.hashCode() + Arrays.hashCode(txPath)) + Arrays.hashCode(rxPath);
        }

        @Override
        public String toString() {
            return "Assignment[" + error + ", tx " + Name.ofOwned(txPath) + ", rx " + Name.ofOwned(rxPath) + "]";
        }
    }

    private static Packet request(Name client, byte[] payload) {
        return Packet.wrap(client, Name.SERVER, Protocol.DEFAULT_MESSAGE_TTL, 0, ByteBuffer.wrap(payload));
    }
}
