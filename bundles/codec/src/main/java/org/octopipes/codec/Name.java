package org.octopipes.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An origin or remote name: 0 to 255 opaque bytes, compared byte for byte. Usually printable
 * ASCII, but a name is never decoded into a string on its way through the server, so a name
 * with a NUL or invalid UTF-8 routes exactly as it came. The empty name is the server.
 */
public final class Name implements Comparable<Name> {

    /** The empty name, which means "the server" as an origin or a remote. */
    public static final Name SERVER = new Name(new byte[0]);

    private final byte[] bytes;
    private final int hash;

    private Name(byte[] bytes) {
        this.bytes = bytes;
        this.hash = hash(bytes, 0, bytes.length);
    }

    /**
     * The UTF-8 bytes of {@code text} as a name.
     *
     * @param text the name as text
     * @return the name
     */
    public static Name of(String text) {
        return ofOwned(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The name that {@link #toString()} shows as {@code text}: each {@code \xNN} escape is the
     * byte NN, everything else is UTF-8; a backslash that starts no escape stands for itself. So a
     * name copied from the shell or a JMX console finds its client, whatever bytes it holds.
     *
     * @param text the name as the shell shows it
     * @return the name
     */
    public static Name parse(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            if (isEscapeAt(text, i)) {
                bytes.write(Integer.parseInt(text, i + 2, i + 4, 16));
                i += 4;
            } else {
                int codePoint = text.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        return ofOwned(bytes.toByteArray());
    }

    private static boolean isEscapeAt(String text, int i) {
        return i + 4 <= text.length() && text.charAt(i) == '\\' && text.charAt(i + 1) == 'x'
                && Character.digit(text.charAt(i + 2), 16) >= 0 && Character.digit(text.charAt(i + 3), 16) >= 0;
    }

    /**
     * A name of a copy of {@code bytes}.
     *
     * @param bytes the name's bytes, 0 to 255 of them
     * @return the name
     */
    public static Name of(byte[] bytes) {
        return ofOwned(bytes.clone());
    }

    /**
     * A name of a copy of {@code length} bytes of {@code bytes} from {@code offset}.
     *
     * @param bytes where the name's bytes are
     * @param offset where they start
     * @param length how many, 0 to 255
     * @return the name
     */
    public static Name of(byte[] bytes, int offset, int length) {
        return ofOwned(Arrays.copyOfRange(bytes, offset, Math.addExact(offset, length)));
    }

    /** Takes ownership of {@code bytes} without a copy: for arrays nobody else holds. */
    static Name ofOwned(byte[] bytes) {
        Protocol.checkNameLength(bytes.length);
        return bytes.length == 0 ? SERVER : new Name(bytes);
    }

    /**
     * Hash of a name's bytes, the same as {@link #hashCode()} of that name, without making one.
     *
     * @param bytes where the name's bytes are
     * @param offset where they start
     * @param length how many
     * @return the hash
     */
    public static int hash(byte[] bytes, int offset, int length) {
        int h = 1;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        return h;
    }

    /** {@return number of bytes, 0 to 255} */
    public int length() {
        return bytes.length;
    }

    /** {@return whether this is the empty name, the server's} */
    public boolean isServer() {
        return bytes.length == 0;
    }

    /**
     * The byte at {@code index}.
     *
     * @param index 0 to {@link #length()} - 1
     * @return the byte
     */
    public byte byteAt(int index) {
        return bytes[index];
    }

    /** {@return a copy of the bytes} */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /**
     * Writes the bytes, without a length, at the buffer's position.
     *
     * @param out where the bytes go
     */
    public void writeTo(ByteBuffer out) {
        out.put(bytes);
    }

    /**
     * Whether {@code length} bytes of {@code other} from {@code offset} are exactly this name.
     *
     * @param other where the bytes to compare are
     * @param offset where they start
     * @param length how many
     * @return whether they are this name's bytes
     */
    public boolean contentEquals(byte[] other, int offset, int length) {
        return Arrays.equals(bytes, 0, bytes.length, other, offset, offset + length);
    }

    /** {@return the bytes decoded as UTF-8, with replacement characters where they are not; for people, not for routing} */
    public String toUtf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Name && hash == ((Name) other).hash && Arrays.equals(bytes, ((Name) other).bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Name other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    /** Printable ASCII as is; every other byte, and the backslash, as {@code \xNN}. Never ambiguous. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                text.append((char) c);
            } else {
                text.append(String.format("\\x%02x", c));
            }
        }
        return text.toString();
    }
}
