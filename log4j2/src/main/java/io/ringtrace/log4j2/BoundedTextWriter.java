package io.ringtrace.log4j2;

import java.io.Writer;

/**
 * A {@link Writer} into a reused {@link StringBuilder} that keeps the first {@code maxChars}
 * characters and ignores the rest, so printing a deep stack trace never grows the builder past
 * its bound. Not thread-safe: one per thread.
 */
final class BoundedTextWriter extends Writer {

    private final StringBuilder text;
    private final int maxChars;

    /** @param text where the characters go @param maxChars the most it keeps */
    BoundedTextWriter(StringBuilder text, int maxChars) {
        this.text = text;
        this.maxChars = maxChars;
    }

    @Override
    public void write(int c) {
        if (text.length() < maxChars) {
            text.append((char) c);
        }
    }

    @Override
    public void write(char[] chars, int offset, int length) {
        int room = maxChars - text.length();
        if (room > 0) {
            text.append(chars, offset, Math.min(room, length));
        }
    }

    @Override
    public void write(String s, int offset, int length) {
        int room = maxChars - text.length();
        if (room > 0) {
            text.append(s, offset, offset + Math.min(room, length));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
