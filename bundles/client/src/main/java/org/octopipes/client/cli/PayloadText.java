package org.octopipes.client.cli;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a payload into text for one terminal line: UTF-8 as it is, and every control character,
 * backslash and byte that is not UTF-8 as {@code \xNN}, so a line never breaks and never lies
 * about the bytes (the same escape as {@link org.octopipes.codec.Name#toString()}).
 */
final class PayloadText {

    private PayloadText() {
    }

    static String escape(byte[] payload) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(payload);
        // UTF-8 never makes more chars than it has bytes, so the decoder never runs out of room.
        CharBuffer chars = CharBuffer.allocate(payload.length);
        StringBuilder text = new StringBuilder(payload.length);
        while (true) {
            CoderResult result = decoder.decode(in, chars, true);
            chars.flip();
            appendEscaped(chars, text);
            chars.clear();
            if (!result.isError()) {
                return text.toString();
            }
            for (int i = 0; i < result.length(); i++) {
                appendHex(in.get() & 0xFF, text);
            }
        }
    }

    private static void appendEscaped(CharBuffer chars, StringBuilder text) {
        while (chars.hasRemaining()) {
            char c = chars.get();
            if (c == '\\' || Character.isISOControl(c)) {
                appendHex(c, text);
            } else {
                text.append(c);
            }
        }
    }

    private static void appendHex(int value, StringBuilder text) {
        text.append(String.format("\\x%02x", value));
    }
}
