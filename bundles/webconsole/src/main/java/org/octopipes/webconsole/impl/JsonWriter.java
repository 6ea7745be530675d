package org.octopipes.webconsole.impl;

/**
 * The JSON the page reads, written by hand: a few objects, arrays, strings and numbers do not
 * call for a library the Web Console's hosts would all have to deploy.
 */
final class JsonWriter {

    private final StringBuilder json = new StringBuilder();
    /** Whether the value being written is the first of its object or array: no comma before it. */
    private boolean first = true;

    JsonWriter beginObject() {
        separate();
        json.append('{');
        first = true;
        return this;
    }

    JsonWriter endObject() {
        json.append('}');
        first = false;
        return this;
    }

    JsonWriter beginArray() {
        separate();
        json.append('[');
        first = true;
        return this;
    }

    JsonWriter endArray() {
        json.append(']');
        first = false;
        return this;
    }

    /** The name of the next member of an object. */
    JsonWriter name(String name) {
        separate();
        quote(name);
        json.append(':');
        first = true;
        return this;
    }

    JsonWriter value(String value) {
        separate();
        quote(value);
        return this;
    }

    JsonWriter value(long value) {
        separate();
        json.append(value);
        return this;
    }

    JsonWriter value(double value) {
        separate();
        // JSON has no NaN or infinity; a rate is neither, but a bad one must not break the page.
        json.append(Double.isFinite(value) ? Double.toString(value) : "0");
        return this;
    }

    JsonWriter value(boolean value) {
        separate();
        json.append(value);
        return this;
    }

    private void separate() {
        if (!first) {
            json.append(',');
        }
        first = false;
    }

    private void quote(String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                // "</script>" and "<!--" cannot end an inline script that embeds this JSON.
                case '<' -> json.append("\\u003c");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    @Override
    public String toString() {
        return json.toString();
    }
}
