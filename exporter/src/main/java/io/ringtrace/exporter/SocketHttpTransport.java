package io.ringtrace.exporter;

import io.ringtrace.codec.RequestBufferViews;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.Bytes;

/**
 * OTLP/HTTP ({@code http/protobuf}) over plain-text HTTP/1.1 as a {@link Transport}, written for
 * this one job: each in-flight slot owns one keep-alive connection ({@link SocketChannel} in
 * blocking mode) and one I/O thread. An attempt writes the request head, prepared once per signal
 * (only the {@code Content-Length} digits change), and then the body straight from the off-heap
 * request buffer through a direct {@link ByteBuffer} view of it: no heap copy, no per-request
 * object. The reply is read into the connection's reused buffers and mapped like
 * {@link HttpTransport} maps the JDK client's (2xx delivered, 429/502/503/504 retryable after
 * {@code Retry-After}, anything else not retried).
 *
 * <p>Plain text without compression only: TLS and gzip go through the JDK client
 * ({@link HttpTransport}). Timeouts: a watchdog ({@link #cutOverdueAttempts()}, run by the
 * exporter's executor every {@value #WATCHDOG_INTERVAL_MILLIS} ms) closes the connection of an
 * attempt past its deadline, which ends the blocked write or read. Bounds: one thread and one
 * connection per slot; a reply read as {@link HttpReplyReader} bounds it.
 */
final class SocketHttpTransport implements Transport<SocketHttpTransport.Connection> {

    /** How often the watchdog looks for attempts past their deadline. */
    static final long WATCHDOG_INTERVAL_MILLIS = 100;

    private final URI[] uris;
    /** Each signal's request head up to and including {@code "Content-Length: "}, by ordinal. */
    private final byte[][] heads;
    private final long timeoutNanos;
    private final ThreadFactory threads;
    private final Connection[] connections;
    private int connectionCount;
    private volatile boolean stopped;

    /**
     * @param uris each signal's {@code http://} URL, by {@link Signal#ordinal()}
     * @param timeoutNanos each attempt's timeout, connecting included
     * @param headers sent with every request (values never logged)
     * @param maxInFlight how many slots (connections and I/O threads) there will be
     * @param threads makes the slots' I/O threads
     */
    SocketHttpTransport(URI[] uris, long timeoutNanos, Map<String, String> headers, int maxInFlight, ThreadFactory threads) {
        this.uris = uris.clone();
        this.timeoutNanos = timeoutNanos;
        this.threads = threads;
        this.connections = new Connection[maxInFlight];
        this.heads = new byte[uris.length][];
        for (int i = 0; i < uris.length; i++) {
            heads[i] = head(uris[i], headers);
        }
    }

    private static byte[] head(URI uri, Map<String, String> headers) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        StringBuilder head = new StringBuilder(256)
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(port(uri)).append("\r\n")
                .append("User-Agent: ringtrace-otlp-exporter\r\n")
                .append("Content-Type: application/x-protobuf\r\n");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        return head.append("Content-Length: ").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : 80;
    }

    @Override
    public Connection newSlotState() {
        Connection connection = new Connection();
        connections[connectionCount++] = connection;
        connection.thread = threads.newThread(connection::run);
        connection.thread.start();
        return connection;
    }

    @Override
    public void arm(Connection connection, ExportSlot<Connection> slot, long attemptId) {
        connection.arm(slot.payload(), slot.payloadStart(), slot.payloadEnd());
    }

    @Override
    public void release(Connection connection) {
        connection.release();
    }

    @Override
    public void send(ExportSlot<Connection> slot, long attemptId, ExportRequest request) {
        Connection connection = slot.state();
        if (stopped) {
            slot.cancelled(attemptId);
            return;
        }
        connection.hand(slot, attemptId, request.signal());
    }

    @Override
    public String destination(Signal signal) {
        return uris[signal.ordinal()].toString();
    }

    /** On the exporter's executor: closes the connection of every attempt past its deadline. */
    void cutOverdueAttempts() {
        long now = System.nanoTime();
        for (int i = 0; i < connectionCount; i++) {
            connections[i].cutIfOverdue(now);
        }
    }

    /** Stops every I/O thread (attempts still on the wire end as cancelled) and waits for them until the deadline. */
    void stop(long deadlineNanoTime) throws InterruptedException {
        stopped = true;
        for (int i = 0; i < connectionCount; i++) {
            connections[i].cancel();
            LockSupport.unpark(connections[i].thread);
        }
        for (int i = 0; i < connectionCount; i++) {
            long millis = Math.max(1, (deadlineNanoTime - System.nanoTime()) / 1_000_000);
            connections[i].thread.join(millis);
        }
    }

    /** One slot's connection, I/O thread and reused buffers. */
    final class Connection implements Cancellable {
        Thread thread;
        private final RequestBufferViews views = new RequestBufferViews();
        private final ByteBuffer head = ByteBuffer.allocateDirect(maxHeadLength() + 24);
        private final HttpReplyReader reply = new HttpReplyReader();
        private final byte[] digits = new byte[20];

        /** The attempt handed over and not yet picked up by the I/O thread (a mailbox of one). */
        private volatile ExportSlot<Connection> handedSlot;
        private long handedAttemptId;
        private Signal handedSignal;

        /** Guards the payload range against the request's completion. */
        private final Object payloadGuard = new Object();
        private Bytes<?> payload;
        private long payloadStart;
        private long payloadEnd;

        private SocketChannel channel;
        private InetSocketAddress connectedTo;
        /** The running attempt's deadline, or 0 when idle. */
        private volatile long deadlineNanos;
        private volatile boolean cancelled;
        private volatile boolean timedOut;

        void arm(Bytes<?> armedPayload, long start, long end) {
            synchronized (payloadGuard) {
                payload = armedPayload;
                payloadStart = start;
                payloadEnd = end;
            }
        }

        void release() {
            synchronized (payloadGuard) {
                payload = null;
            }
        }

        void hand(ExportSlot<Connection> slot, long attemptId, Signal signal) {
            handedAttemptId = attemptId;
            handedSignal = signal;
            cancelled = false;
            handedSlot = slot; // volatile write publishes the two fields above
            LockSupport.unpark(thread);
        }

        @Override
        public void cancel() {
            cancelled = true;
            closeChannel(); // ends a blocked write or read
        }

        void cutIfOverdue(long now) {
            synchronized (this) { // with begin(): an attempt that starts meanwhile is never cut for its predecessor
                long deadline = deadlineNanos;
                if (deadline != 0 && now - deadline > 0) {
                    timedOut = true;
                    closeChannel();
                }
            }
        }

        private synchronized void begin() {
            timedOut = false;
            deadlineNanos = System.nanoTime() + timeoutNanos;
        }

        private synchronized void closeChannel() {
            SocketChannel open = channel;
            channel = null;
            if (open != null) {
                try {
                    open.close();
                } catch (IOException ignored) {
                    // closing is all we wanted
                }
            }
        }

        void run() {
            while (!stopped) {
                ExportSlot<Connection> slot = handedSlot;
                if (slot == null) {
                    LockSupport.park(this);
                    continue;
                }
                handedSlot = null;
                attempt(slot, handedAttemptId, handedSignal);
            }
            closeChannel();
        }

        private void attempt(ExportSlot<Connection> slot, long attemptId, Signal signal) {
            begin();
            int status;
            try {
                slot.track(attemptId, this);
                SocketChannel open = connect(signal);
                writeRequest(open, signal);
                status = reply.read(open);
                if (reply.mustClose()) {
                    closeChannel();
                }
            } catch (IOException | RuntimeException e) {
                deadlineNanos = 0;
                closeChannel();
                if (cancelled || stopped) {
                    slot.cancelled(attemptId);
                } else {
                    IOException cause = timedOut
                            ? new IOException("no reply within the timeout of " + timeoutNanos / 1_000_000 + " ms")
                            : e instanceof IOException ? (IOException) e : new IOException(e.toString());
                    slot.failed(attemptId, true, RetryableStatus.NO_RETRY_INFO,
                            (request, decision) -> HttpTransport.describeFailure(
                                    uris[request.signal().ordinal()], request, decision, 0, null, cause));
                }
                return;
            }
            deadlineNanos = 0;
            report(slot, attemptId, status);
        }

        private SocketChannel connect(Signal signal) throws IOException {
            URI uri = uris[signal.ordinal()];
            SocketChannel open;
            synchronized (this) {
                open = channel;
            }
            if (open != null && open.isOpen() && connectedTo != null
                    && connectedTo.getPort() == port(uri) && connectedTo.getHostString().equals(uri.getHost())
                    && reply.nothingPending(open)) { // else the receiver closed it while idle: sending would cost an attempt
                return open;
            }
            closeChannel();
            InetSocketAddress address = new InetSocketAddress(uri.getHost(), port(uri));
            open = SocketChannel.open();
            synchronized (this) {
                channel = open; // from here a cancel or the watchdog can close it
            }
            if (cancelled || timedOut) {
                throw new IOException("cancelled");
            }
            long remainingMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
            open.socket().connect(address, (int) Math.min(Integer.MAX_VALUE, remainingMillis));
            open.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connectedTo = address;
            return open;
        }

        private void writeRequest(SocketChannel open, Signal signal) throws IOException {
            long start;
            long end;
            long base;
            ByteBuffer view;
            synchronized (payloadGuard) {
                if (payload == null) {
                    throw new IOException("the export attempt has already ended");
                }
                start = payloadStart;
                end = payloadEnd;
                base = payload.start();
                view = views.view(payload, (int) (end - base));
            }
            head.clear();
            head.put(heads[signal.ordinal()]);
            putDecimal(head, end - start);
            head.put((byte) '\r').put((byte) '\n').put((byte) '\r').put((byte) '\n');
            head.flip();
            while (head.hasRemaining()) {
                open.write(head);
            }
            // The range stays valid until the attempt reports its end (the exporter releases the
            // buffer only after that), so the body is written without holding the guard.
            view.limit((int) (end - base)).position((int) (start - base));
            while (view.hasRemaining()) {
                open.write(view);
            }
        }

        private void putDecimal(ByteBuffer target, long value) {
            int count = 0;
            do {
                digits[count++] = (byte) ('0' + value % 10);
                value /= 10;
            } while (value > 0);
            while (count > 0) {
                target.put(digits[--count]);
            }
        }

        private void report(ExportSlot<Connection> slot, long attemptId, int status) {
            if (status >= 200 && status < 300) {
                String answer = HttpTransport.successAnswer(status);
                if (reply.bodyOverLimit()) {
                    slot.deliveredUnread(attemptId, answer);
                } else {
                    slot.delivered(attemptId, reply.bodyLength() == 0 ? ExportResponse.FULL_SUCCESS
                            : ExportResponse.parse(new ByteArrayInputStream(reply.body(), 0, reply.bodyLength())), answer);
                }
                return;
            }
            HttpReply failure = new HttpReply(java.util.Arrays.copyOf(reply.body(), reply.bodyLength()), reply.bodyLength(),
                    reply.bodyOverLimit());
            long serverDelayNanos = HttpTransport.retryAfterNanos(reply.retryAfter());
            slot.failed(attemptId, HttpTransport.isRetryable(status), serverDelayNanos,
                    (request, decision) -> HttpTransport.describeFailure(
                            uris[request.signal().ordinal()], request, decision, status, failure, null));
        }
    }

    private int maxHeadLength() {
        int max = 0;
        for (byte[] each : heads) {
            max = Math.max(max, each.length);
        }
        return max;
    }
}
