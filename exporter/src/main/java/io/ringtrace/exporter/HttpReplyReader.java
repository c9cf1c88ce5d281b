package io.ringtrace.exporter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads one HTTP/1.x reply at a time from a blocking {@link SocketChannel} into reused buffers, for
 * {@link SocketHttpTransport}'s connections: the status, the headers this client needs ({@code
 * Content-Length}, {@code Transfer-Encoding: chunked}, {@code Connection: close}, {@code
 * Retry-After}) and the body, without making objects but the {@code Retry-After} text. Bounds: a
 * head of at most {@value #MAX_HEAD_BYTES} bytes; a body of at most {@link
 * ExportResponse#MAX_REPLY_BYTES} kept (the rest is read and skipped, and the connection must then
 * be closed). One per connection; not thread-safe.
 */
final class HttpReplyReader {

    /** The most bytes of a reply's status line and headers read. */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final int INITIAL_BODY_BYTES = 1024;

    private final ByteBuffer in = ByteBuffer.allocateDirect(MAX_HEAD_BYTES);
    private byte[] body = new byte[INITIAL_BODY_BYTES];

    private int bodyLength;
    private boolean bodyOverLimit;
    private boolean closeAfterReply;
    private String retryAfter;
    private long contentLength;
    private boolean chunked;

    /**
     * Whether an idle keep-alive connection is still usable: a non-blocking read finds nothing (an
     * end of stream, or bytes nobody asked for, mean the receiver is done with it).
     *
     * @param open the idle connection, in blocking mode (left so)
     * @return true if nothing was pending
     */
    boolean nothingPending(SocketChannel open) {
        try {
            open.configureBlocking(false);
            in.clear();
            int read = open.read(in);
            open.configureBlocking(true);
            return read == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the kept body: its first {@link #bodyLength()} bytes (the array is reused) */
    byte[] body() {
        return body;
    }

    /** @return how many body bytes were kept */
    int bodyLength() {
        return bodyLength;
    }

    /** @return whether the body was longer than {@link ExportResponse#MAX_REPLY_BYTES} (the rest skipped) */
    boolean bodyOverLimit() {
        return bodyOverLimit;
    }

    /** @return the {@code Retry-After} value of a non-2xx reply, or null */
    String retryAfter() {
        return retryAfter;
    }

    /** @return whether the connection must be closed after this reply (asked for, HTTP/1.0, read to its end, or cut) */
    boolean mustClose() {
        return closeAfterReply || bodyOverLimit;
    }

    /**
     * Reads one reply from {@code open}.
     *
     * @return its status
     * @throws IOException if the connection fails or the reply is not HTTP/1.x
     */
    int read(SocketChannel open) throws IOException {
        in.clear();
        int headEnd = -1;
        while (headEnd < 0) {
            if (!in.hasRemaining()) {
                throw new IOException("reply head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            if (open.read(in) < 0) {
                throw new IOException("connection closed before the reply");
            }
            headEnd = indexOfBlankLine(in.position());
        }
        int status = parseHead(headEnd);
        in.limit(in.position()).position(headEnd); // what was read past the head: body bytes
        bodyLength = 0;
        bodyOverLimit = false;
        if (status == 204 || status == 304) {
            return status;
        }
        if (chunked) {
            readChunked(open);
        } else if (contentLength >= 0) {
            readBody(open, contentLength);
        } else {
            readBody(open, Long.MAX_VALUE); // until the receiver closes the connection
            closeAfterReply = true;
        }
        return status;
    }

    private int indexOfBlankLine(int limit) {
        for (int i = 3; i < limit; i++) {
            if (in.get(i) == '\n' && in.get(i - 1) == '\r' && in.get(i - 2) == '\n' && in.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** Parses the status line and the headers this client needs, without making strings (but Retry-After). */
    private int parseHead(int headEnd) throws IOException {
        // "HTTP/1.1 200 OK"
        if (headEnd < 12 || in.get(0) != 'H' || in.get(8) != ' ') {
            throw new IOException("not an HTTP/1.x reply");
        }
        int status = (in.get(9) - '0') * 100 + (in.get(10) - '0') * 10 + (in.get(11) - '0');
        if (status < 100 || status > 999) {
            throw new IOException("not an HTTP/1.x reply status");
        }
        contentLength = -1;
        chunked = false;
        closeAfterReply = in.get(7) == '0'; // HTTP/1.0 closes unless told otherwise
        retryAfter = null;
        int line = lineAfter(0, headEnd);
        while (line < headEnd - 2) {
            int lineEnd = lineAfter(line, headEnd) - 2;
            int colon = line;
            while (colon < lineEnd && in.get(colon) != ':') {
                colon++;
            }
            int value = colon + 1;
            while (value < lineEnd && (in.get(value) == ' ' || in.get(value) == '\t')) {
                value++;
            }
            int valueEnd = lineEnd;
            while (valueEnd > value && (in.get(valueEnd - 1) == ' ' || in.get(valueEnd - 1) == '\t')) {
                valueEnd--;
            }
            if (nameIs(line, colon, "content-length")) {
                contentLength = parseLong(value, valueEnd);
            } else if (nameIs(line, colon, "transfer-encoding")) {
                chunked = valueEndsWith(value, valueEnd, "chunked");
            } else if (nameIs(line, colon, "connection")) {
                closeAfterReply = valueEndsWith(value, valueEnd, "close");
            } else if (nameIs(line, colon, "retry-after") && (status < 200 || status > 299)) {
                byte[] text = new byte[valueEnd - value];
                in.get(value, text);
                retryAfter = new String(text, StandardCharsets.ISO_8859_1);
            }
            line = lineEnd + 2;
        }
        return status;
    }

    private int lineAfter(int from, int limit) {
        for (int i = from; i < limit - 1; i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
                return i + 2;
            }
        }
        return limit;
    }

    private boolean nameIs(int from, int to, String lowerCaseName) {
        if (to - from != lowerCaseName.length()) {
            return false;
        }
        for (int i = 0; i < lowerCaseName.length(); i++) {
            if (Character.toLowerCase((char) in.get(from + i)) != lowerCaseName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean valueEndsWith(int from, int to, String lowerCaseToken) {
        int length = lowerCaseToken.length();
        if (to - from < length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (Character.toLowerCase((char) in.get(to - length + i)) != lowerCaseToken.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private long parseLong(int from, int to) throws IOException {
        if (from == to || to - from > 18) {
            throw new IOException("bad Content-Length");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = in.get(i) - '0';
            if (digit < 0 || digit > 9) {
                throw new IOException("bad Content-Length");
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** Reads {@code length} body bytes (or until end of stream for {@code Long.MAX_VALUE}), keeping the first MiB. */
    private void readBody(SocketChannel open, long length) throws IOException {
        long remaining = length;
        while (remaining > 0) {
            if (!in.hasRemaining()) {
                in.clear();
                int read = open.read(in);
                in.flip();
                if (read < 0) {
                    if (length == Long.MAX_VALUE) {
                        return;
                    }
                    throw new IOException("connection closed in the reply body");
                }
            }
            int take = (int) Math.min(remaining, in.remaining());
            keep(take);
            remaining -= take;
        }
    }

    private void readChunked(SocketChannel open) throws IOException {
        while (true) {
            long size = readChunkSize(open);
            if (size == 0) {
                readLine(open); // the trailer section's end (no trailers are sent to OTLP clients)
                return;
            }
            readBody(open, size);
            readLine(open);
        }
    }

    private long readChunkSize(SocketChannel open) throws IOException {
        long size = 0;
        int digitsRead = 0;
        boolean extension = false;
        while (true) {
            int b = nextByte(open);
            if (b == '\r') {
                if (nextByte(open) != '\n' || digitsRead == 0) {
                    throw new IOException("bad chunk size line");
                }
                return size;
            }
            if (b == ';') {
                extension = true;
            }
            if (!extension) {
                int digit = Character.digit(b, 16);
                if (digit < 0 || ++digitsRead > 15) {
                    throw new IOException("bad chunk size");
                }
                size = size * 16 + digit;
            }
        }
    }

    private void readLine(SocketChannel open) throws IOException {
        int previous = 0;
        int count = 0;
        while (true) {
            int b = nextByte(open);
            if (b == '\n' && previous == '\r') {
                return;
            }
            if (++count > MAX_HEAD_BYTES) {
                throw new IOException("line too long in a chunked reply");
            }
            previous = b;
        }
    }

    private int nextByte(SocketChannel open) throws IOException {
        if (!in.hasRemaining()) {
            in.clear();
            int read = open.read(in);
            in.flip();
            if (read < 0) {
                throw new IOException("connection closed in a chunked reply");
            }
        }
        return in.get() & 0xff;
    }

    /** Keeps the next {@code count} bytes of {@link #in} as body, up to the limit; skips the rest. */
    private void keep(int count) {
        int room = ExportResponse.MAX_REPLY_BYTES - bodyLength;
        int take = Math.min(count, room);
        if (take < count) {
            bodyOverLimit = true;
        }
        if (take > 0) {
            if (bodyLength + take > body.length) {
                // grows to the longest reply seen, at most the limit: a one-off, not per request
                body = java.util.Arrays.copyOf(body, Math.min(ExportResponse.MAX_REPLY_BYTES,
                        Math.max(body.length * 2, bodyLength + take)));
            }
            in.get(body, bodyLength, take);
            bodyLength += take;
        }
        in.position(in.position() + (count - take));
    }
}
