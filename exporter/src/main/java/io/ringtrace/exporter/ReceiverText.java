package io.ringtrace.exporter;

/**
 * Text that came from the receiver (a {@code partial_success.error_message}, a status description),
 * made fit for the application's log: at most {@link #MAX_CHARS} characters, with control and line
 * separator characters replaced, so that a receiver can neither flood the log nor forge lines in it.
 */
final class ReceiverText {

    /** The most characters of receiver text that reach a log line (1 KiB of ASCII). */
    static final int MAX_CHARS = 1024;

    private ReceiverText() {}

    /**
     * @param text what the receiver sent, or null
     * @return the text cut to {@link #MAX_CHARS} (saying how much was cut) with control characters
     *     replaced by {@code ?}; empty for null
     */
    static String forLog(String text) {
        return forLog(text, 0);
    }

    /**
     * @param text what the receiver sent, or null
     * @param bytesCutBefore bytes of it already left unread by the caller (said in the result)
     * @return the text cut to {@link #MAX_CHARS} with control characters replaced by {@code ?}
     */
    static String forLog(String text, long bytesCutBefore) {
        if (text == null) {
            return "";
        }
        int keep = Math.min(text.length(), MAX_CHARS);
        if (keep < text.length() && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--; // never split a surrogate pair
        }
        StringBuilder out = new StringBuilder(keep + 32);
        for (int i = 0; i < keep; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        if (keep < text.length()) {
            out.append(" [").append(text.length() - keep).append(" more characters cut]");
        }
        if (bytesCutBefore > 0) {
            out.append(" [").append(bytesCutBefore).append(" more bytes cut]");
        }
        return out.toString();
    }
}
