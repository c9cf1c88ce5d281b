package io.ringtrace.exporter;

import static java.lang.System.Logger.Level.WARNING;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.internal.monitor.RateLimitedLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.net.ssl.SSLContext;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The export stage over OTLP/HTTP ({@code http/protobuf}): POSTs each sealed
 * {@code ExportTraceServiceRequest}, straight from its off-heap buffer, to the receiver's traces URL
 * ({@code /v1/traces}) with {@code Content-Type: application/x-protobuf}, with the OTLP spec's
 * retries for HTTP.
 *
 * <h2>Flow of one request</h2>
 * {@link #export(ExportRequest)} (serializer thread) takes a free in-flight slot, or, if all
 * {@code maxInFlight} slots are busy, appends the request to a FIFO waiting list and returns at once.
 * Each slot owns one {@link HttpRequest}, built once, whose body publisher streams the slot's current
 * request from off-heap memory through the slot's four reused 16 KiB chunks (gzip: deflated into
 * them as the client asks for more), so no {@code byte[]} of the request is ever made. The JDK's
 * {@link HttpClient} sends it over HTTP/1.1 on the exporter's own executor.
 *
 * <h2>Replies (OTLP/HTTP, {@code specification/protocol/otlp.md})</h2>
 * <ul>
 *   <li>2xx: delivered. The body's {@code partial_success.rejected_spans} is counted
 *       {@link DropReason#REJECTED}, never retried; a body that is not a valid
 *       {@code ExportTraceServiceResponse}, or one over {@link #MAX_REPLY_BYTES}, still means the
 *       receiver has the request: delivered, with a rate-limited warning, never sent again.
 *   <li>429, 502, 503, 504: retried per the {@link RetryPolicy}, after {@code Retry-After} (seconds
 *       or an HTTP date) when the receiver sends one, within the policy's budget.
 *   <li>Any other status: not retried, {@link DropReason#EXPORT_FAILED}; the body's
 *       {@code google.rpc.Status} message goes to the log line, cut to 1 KiB.
 *   <li>No reply (refused or reset connection, timeout): retried.
 * </ul>
 *
 * <h2>Bounds</h2>
 * At most {@code maxInFlight} requests in flight; a waiting list bounded by the engine's request
 * buffers; at most {@link #MAX_REPLY_BYTES} of a reply read. Threads: two executor threads
 * ({@code ringtrace-otlp-http-*}: the client's callbacks, body chunks, retry timers), plus the JDK
 * client's one selector thread; no thread is created per connection or per request.
 * {@link #shutdown(long)} stops and joins the executor and lets the client go: on JDK 21 and later
 * its {@code shutdownNow()} is called, on JDK 17 its selector thread ends once the client is
 * unreachable (the exporter drops its reference).
 */
public final class OtlpHttpSpanExporter implements SpanExporter {

    private static final System.Logger LOG = System.getLogger(OtlpHttpSpanExporter.class.getName());
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long CANCEL_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** The most bytes of a reply read; the rest is discarded unread into memory. */
    static final int MAX_REPLY_BYTES = 1 << 20;
    /** Size of one body chunk. */
    static final int CHUNK_BYTES = 16 * 1024;
    /**
     * Chunks per slot, used in turn. The client asks for the next chunk once it has queued the last
     * one for writing, so at most two of a slot's chunks are in its hands at once; a chunk is reused
     * only once the client has consumed it (no bytes remaining), else a fresh one takes its place.
     */
    static final int CHUNKS_PER_SLOT = 4;
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    /** Where each signal's requests go, by {@link Signal#ordinal()}. */
    private final URI[] uris;
    private final boolean gzip;
    private final RetryPolicy retryPolicy;
    private final ScheduledThreadPoolExecutor executor;
    private final List<Thread> ownThreads = new ArrayList<>();
    /** Null once shut down: on JDK 17 the client's selector thread ends when the client is unreachable. */
    private volatile HttpClient client;
    private final HttpResponse.BodyHandler<Reply> replyHandler = info -> new ReplySubscriber(info);
    private final Slot[] slots;
    /** Chunks allocated because a slot's chunk was still held by the client (the allocation test reads it). */
    final AtomicInteger extraChunks = new AtomicInteger();

    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, LOG_INTERVAL_NANOS);
    private final RateLimitedLog rejectionLog = new RateLimitedLog(LOG, LOG_INTERVAL_NANOS);
    private final RateLimitedLog unreadableReplyLog = new RateLimitedLog(LOG, LOG_INTERVAL_NANOS);

    /** Guards the slots' state, the waiting list and the shutdown flags. Never held while calling out. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final Slot[] freeSlots;
    private int freeCount;
    private final ArrayDeque<ExportRequest> waiting = new ArrayDeque<>(16);
    private boolean shuttingDown;
    private long shutdownDeadlineNanos;
    private boolean cut;

    OtlpHttpSpanExporter(OtlpHttpSpanExporterBuilder builder) {
        this.uris = new URI[Signal.values().length];
        boolean tls = false;
        for (Signal signal : Signal.values()) {
            uris[signal.ordinal()] = builder.resolve(signal);
            tls |= "https".equalsIgnoreCase(uris[signal.ordinal()].getScheme());
        }
        URI uri = uris[Signal.TRACES.ordinal()];
        this.gzip = builder.gzip;
        this.retryPolicy = builder.retryPolicy;
        if (!tls && (builder.trustedCertificates != null || builder.clientCertificate != null)) {
            throw new IllegalArgumentException("certificates are configured but " + builder.endpointSetting + " '"
                    + OtlpGrpcSpanExporterBuilder.Endpoint.shown(uri.toString()) + "' is plain text: use an https:// URL");
        }
        SSLContext sslContext = tls && (builder.trustedCertificates != null || builder.clientCertificate != null)
                ? PemTls.context(builder.trustedCertificates, builder.clientCertificate, builder.clientKey)
                : null;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(2, task -> {
            Thread thread = new Thread(task, "ringtrace-otlp-http-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            synchronized (ownThreads) {
                ownThreads.add(thread);
            }
            return thread;
        });
        // Retry timers cut by shutdown must not stay queued.
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.prestartAllCoreThreads();
        HttpClient.Builder clientBuilder = HttpClient.newBuilder()
                // HTTP/1.1: one request per connection at a time, so maxInFlight bounds the connections;
                // no h2c upgrade dance on plain text.
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .connectTimeout(builder.timeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (sslContext != null) {
            clientBuilder.sslContext(sslContext);
        }
        this.client = clientBuilder.build();
        this.slots = new Slot[builder.maxInFlight];
        this.freeSlots = new Slot[builder.maxInFlight];
        for (int i = 0; i < slots.length; i++) {
            Slot slot = new Slot();
            for (Signal signal : Signal.values()) {
                HttpRequest.Builder request = HttpRequest.newBuilder(uris[signal.ordinal()])
                        .timeout(builder.timeout)
                        .header("Content-Type", "application/x-protobuf")
                        .header("User-Agent", "ringtrace-otlp-exporter")
                        .POST(slot.body);
                if (gzip) {
                    request.header("Content-Encoding", "gzip");
                }
                for (Map.Entry<String, String> header : builder.headers.entrySet()) {
                    request.header(header.getKey(), header.getValue());
                }
                // immutable: sent once per attempt, never rebuilt
                slot.httpRequests[signal.ordinal()] = request.build();
            }
            slots[i] = slot;
            freeSlots[i] = slot;
        }
        this.freeCount = slots.length;
    }

    /** @return a builder with the defaults (URL {@code http://localhost:4318/v1/traces}, 4 in flight, 10 s timeout) */
    public static OtlpHttpSpanExporterBuilder builder() {
        return new OtlpHttpSpanExporterBuilder();
    }

    // ------------------------------------------------------------------ the export path

    /**
     * Starts shipping {@code request}: on a free slot now, else after the requests waiting before it.
     * Never blocks and never throws for a network problem; a request handed in after
     * {@link #shutdown(long)} began is completed at once with {@link DropReason#SHUTDOWN}.
     *
     * <p>Ownership: when this method throws, it has kept no reference to the request (a null request
     * or payload). Once it has taken the request, it completes it exactly once and does not throw.
     *
     * @param request the sealed request, owned by this exporter until it completes it
     * @throws NullPointerException if {@code request} or its payload is null (request not taken)
     */
    @Override
    public void export(ExportRequest request) {
        if (request == null) {
            throw new NullPointerException("request");
        }
        Bytes<?> payload = request.payload(); // everything that can throw is read before taking it
        if (payload == null) {
            throw new NullPointerException("request.payload()");
        }
        long start = payload.readPosition();
        long end = payload.readLimit();
        Slot slot = null;
        boolean refused = false;
        lock.lock();
        try {
            if (shuttingDown) {
                refused = true;
            } else if (freeCount > 0) {
                slot = freeSlots[--freeCount];
                slot.assign(request, payload, start, end);
            } else {
                waiting.addLast(request);
            }
        } finally {
            lock.unlock();
        }
        if (refused) {
            complete(request, -1, DropReason.SHUTDOWN);
        } else if (slot != null) {
            startAttempt(slot, request);
        }
    }

    /** Starts one attempt of the slot's request; failures complete it instead of throwing. */
    private void startAttempt(Slot slot, ExportRequest request) {
        long attemptId;
        HttpClient current = client;
        lock.lock();
        try {
            if (slot.request != request) {
                return; // completed by a shutdown that reached its deadline meanwhile
            }
            if (cut || current == null) {
                attemptId = -1;
            } else {
                if (slot.attempts == 0) {
                    slot.firstAttemptNanos = System.nanoTime();
                }
                slot.attempts++;
                slot.attemptId++;
                attemptId = slot.attemptId;
            }
        } finally {
            lock.unlock();
        }
        if (attemptId < 0) {
            finish(slot, request, -1, DropReason.SHUTDOWN);
            return;
        }
        synchronized (slot.payloadGuard) {
            // The body may read the payload from now on, for this attempt only.
            slot.readableAttemptId = attemptId;
            slot.contentLength = gzip ? -1 : slot.payloadEnd - slot.payloadStart;
        }
        CompletableFuture<HttpResponse<Reply>> reply;
        try {
            reply = current.sendAsync(slot.httpRequests[request.signal().ordinal()], replyHandler);
        } catch (RuntimeException | Error e) {
            onAttemptClosed(slot, attemptId, null, e);
            return;
        }
        lock.lock();
        try {
            if (slot.attemptId == attemptId) {
                slot.reply = reply;
            }
        } finally {
            lock.unlock();
        }
        reply.whenComplete((response, error) -> onAttemptClosed(slot, attemptId, response, error));
    }

    private void onAttemptClosed(Slot slot, long attemptId, HttpResponse<Reply> response, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        int status = response == null ? 0 : response.statusCode();
        Reply body = response == null ? null : response.body();
        boolean delivered = status >= 200 && status < 300;
        long serverDelayNanos = !delivered && response != null
                ? retryAfterNanos(response.headers().firstValue("Retry-After").orElse(null))
                : RetryableStatus.NO_RETRY_INFO;
        DropReason failure = null;
        String failureMessage = null;
        ExportRequest request;
        lock.lock();
        try {
            if (slot.attemptId != attemptId || slot.request == null) {
                return; // stale: this slot's request was completed by shutdown
            }
            slot.reply = null;
            request = slot.request;
            if (!delivered) {
                boolean retryable = response != null ? isRetryable(status) : cause instanceof IOException;
                if (cut || cause instanceof CancellationException) {
                    failure = DropReason.SHUTDOWN;
                } else if (!retryable) {
                    failure = DropReason.EXPORT_FAILED;
                    failureMessage = "not retryable";
                } else if (slot.attempts >= retryPolicy.maxAttempts()) {
                    failure = DropReason.EXPORT_FAILED;
                    failureMessage = "gave up after " + slot.attempts + " attempts";
                } else {
                    long waitNanos = retryPolicy.waitNanos(slot.attempts, serverDelayNanos);
                    long retryAt = System.nanoTime() + Math.min(waitNanos, Long.MAX_VALUE / 4);
                    if (waitNanos > retryPolicy.maxElapsedNanos()
                            || retryAt - slot.firstAttemptNanos > retryPolicy.maxElapsedNanos()) {
                        failure = DropReason.EXPORT_FAILED;
                        failureMessage = "retry budget of " + retryPolicy.maxElapsed() + " used up";
                    } else if (shuttingDown && retryAt - shutdownDeadlineNanos > 0) {
                        failure = DropReason.SHUTDOWN;
                    } else if (scheduleRetry(slot, waitNanos, retryAt)) {
                        return; // the buffer stays in flight until the retry's outcome
                    } else {
                        failure = DropReason.SHUTDOWN;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (failure == null) {
            if (body.overLimit) {
                if (unreadableReplyLog.tryAcquire(WARNING)) {
                    unreadableReplyLog.logAcquired(WARNING, "OTLP receiver " + uriOf(request) + " answered " + status + " to " + request.spanCount()
                            + " " + ExportMethod.itemsOf(request.signal()) + " with a reply larger than the " + MAX_REPLY_BYTES + " bytes the exporter reads;"
                            + " the receiver has the request: counted as exported, not sent again");
                }
                finish(slot, null, 0, null);
                return;
            }
            ExportResponse parsed = body.length == 0
                    ? ExportResponse.FULL_SUCCESS
                    : ExportResponse.parse(new ByteArrayInputStream(body.bytes, 0, body.length));
            if (parsed.problem != null && unreadableReplyLog.tryAcquire(WARNING)) {
                unreadableReplyLog.logAcquired(WARNING, "OTLP receiver " + uriOf(request) + " answered " + status + " to " + request.spanCount()
                        + " " + ExportMethod.itemsOf(request.signal()) + " with a reply that is not a valid "
                        + ExportMethod.responseOf(request.signal()) + " (" + parsed.problem
                        + "); the receiver has the request: counted as exported, not sent again");
            }
            if (!parsed.errorMessage.isEmpty() && rejectionLog.tryAcquire(WARNING)) {
                rejectionLog.logAcquired(WARNING, "OTLP receiver " + uriOf(request) + " rejected " + parsed.rejectedSpans + " of "
                        + request.spanCount() + " " + ExportMethod.itemsOf(request.signal()) + ": " + parsed.errorMessage);
            }
            finish(slot, null, parsed.rejectedSpans, null);
            return;
        }
        if (failureMessage != null && failureLog.tryAcquire(WARNING)) {
            failureLog.logAcquired(WARNING, describeFailure(request, failureMessage, status, body, cause));
        }
        finish(slot, null, -1, failure);
    }

    /**
     * OTLP/HTTP: "429 Too Many Requests, 502 Bad Gateway, 503 Service Unavailable, 504 Gateway
     * Timeout" are retryable; every other 4xx and 5xx is not.
     */
    static boolean isRetryable(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    /**
     * @param retryAfter a {@code Retry-After} value: delay-seconds or an HTTP date, or null
     * @return the delay in nanoseconds (&gt;= 0), or {@link RetryableStatus#NO_RETRY_INFO} if absent or unreadable
     */
    static long retryAfterNanos(String retryAfter) {
        if (retryAfter == null || retryAfter.isBlank()) {
            return RetryableStatus.NO_RETRY_INFO;
        }
        String value = retryAfter.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds <= 0 ? 0 : seconds >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : seconds * 1_000_000_000L;
        } catch (NumberFormatException notSeconds) {
            try {
                long millis = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli()
                        - System.currentTimeMillis();
                return Math.max(0, millis) * 1_000_000L;
            } catch (DateTimeParseException notDate) {
                return RetryableStatus.NO_RETRY_INFO;
            }
        }
    }

    private boolean scheduleRetry(Slot slot, long waitNanos, long retryAt) {
        long attemptId = slot.attemptId;
        try {
            slot.retryAtNanos = retryAt;
            slot.retryTimer = executor.schedule(() -> retryNow(slot, attemptId), waitNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            slot.retryTimer = null;
            return false;
        }
    }

    private void retryNow(Slot slot, long attemptId) {
        ExportRequest request;
        lock.lock();
        try {
            if (slot.attemptId != attemptId || slot.request == null || slot.retryTimer == null) {
                return; // cut by shutdown meanwhile
            }
            slot.retryTimer = null;
            request = slot.request;
        } finally {
            lock.unlock();
        }
        request.retrying();
        startAttempt(slot, request);
    }

    /** Completes the slot's request (if it still carries {@code expected}; null: any) and moves the slot on. */
    private void finish(Slot slot, ExportRequest expected, long rejectedSpans, DropReason reason) {
        ExportRequest request;
        ExportRequest next = null;
        lock.lock();
        try {
            request = slot.request;
            if (request == null || (expected != null && request != expected)) {
                return; // already completed
            }
            slot.release();
            if (!cut) {
                next = waiting.pollFirst();
            }
            if (next != null) {
                slot.assign(next);
            } else {
                freeSlots[freeCount++] = slot;
                if (freeCount == slots.length && waiting.isEmpty()) {
                    idle.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
        synchronized (slot.payloadGuard) {
            // From here on no body of this slot reads the payload: the engine may reuse or free it.
            slot.readableAttemptId = -1;
        }
        complete(request, rejectedSpans, reason);
        if (next != null) {
            startAttempt(slot, next);
        }
    }

    private static void complete(ExportRequest request, long rejectedSpans, DropReason reason) {
        try {
            if (reason == null) {
                request.succeeded(rejectedSpans);
            } else {
                request.failed(reason);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "completing an export request failed", e);
        }
    }

    private String describeFailure(ExportRequest request, String what, int status, Reply body, Throwable cause) {
        URI uri = uriOf(request);
        StringBuilder message = new StringBuilder(160)
                .append("OTLP/HTTP export of ").append(request.spanCount()).append(' ')
                .append(ExportMethod.itemsOf(request.signal())).append(" to ").append(uri)
                .append(" failed (").append(what).append("): ");
        if (status != 0) {
            message.append("HTTP ").append(status);
            String detail = body == null ? "" : statusMessage(body);
            if (!detail.isEmpty()) {
                message.append(": ").append(detail);
            }
            if (status == 404 || status == 405 || status == 415) {
                message.append(". Is this an OTLP/HTTP URL (port 4318, path /")
                        .append(OtlpHttpSpanExporterBuilder.pathOf(request.signal())).append(")?");
            }
        } else if (cause != null) {
            message.append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                message.append(": ").append(ReceiverText.forLog(cause.getMessage()));
            }
            message.append(". Is an OTLP/HTTP receiver listening at ").append(uri).append('?');
        }
        return message.append("; the ").append(ExportMethod.itemsOf(request.signal())).append(" are dropped").toString();
    }

    /** The {@code google.rpc.Status} message of an error reply, fit for a log line; empty if none. */
    static String statusMessage(Reply body) {
        if (body.length == 0) {
            return "";
        }
        try {
            com.google.rpc.Status status = com.google.rpc.Status.parseFrom(
                    new ByteArrayInputStream(body.bytes, 0, body.length));
            return ReceiverText.forLog(status.getMessage());
        } catch (InvalidProtocolBufferException | RuntimeException notStatus) {
            return "(the reply body is not a google.rpc.Status)";
        } catch (IOException impossible) {
            return "";
        }
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * @return the most calls this exporter keeps in flight ({@code maxInFlight(int)} of its builder):
     *     the engine keeps one request buffer more than this by default
     */
    @Override
    public int maxInFlight() {
        return slots.length;
    }

    /**
     * Finishes what is in flight and waiting until {@code deadlineNanoTime}, then completes whatever
     * is left with {@link DropReason#SHUTDOWN}, stops and joins the executor threads and lets the
     * HTTP client go. Later calls return at once.
     *
     * @param deadlineNanoTime the {@link System#nanoTime()} by which to be done
     */
    @Override
    public void shutdown(long deadlineNanoTime) {
        List<Slot> cutRetries = new ArrayList<>();
        lock.lock();
        try {
            if (shuttingDown) {
                return;
            }
            shuttingDown = true;
            shutdownDeadlineNanos = deadlineNanoTime;
            for (Slot slot : slots) {
                if (slot.retryTimer != null && slot.retryAtNanos - deadlineNanoTime > 0) {
                    slot.retryTimer.cancel(false);
                    slot.retryTimer = null;
                    cutRetries.add(slot);
                }
            }
        } finally {
            lock.unlock();
        }
        for (Slot slot : cutRetries) {
            finish(slot, null, -1, DropReason.SHUTDOWN);
        }
        if (!awaitIdle(deadlineNanoTime)) {
            cutAtDeadline();
            if (!awaitIdle(System.nanoTime() + CANCEL_GRACE_NANOS)) {
                for (Slot slot : slots) {
                    finish(slot, null, -1, DropReason.SHUTDOWN);
                }
            }
        }
        stopThreads();
    }

    private boolean awaitIdle(long deadlineNanoTime) {
        lock.lock();
        try {
            while (freeCount < slots.length || !waiting.isEmpty()) {
                long left = deadlineNanoTime - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void cutAtDeadline() {
        List<ExportRequest> dropped = new ArrayList<>();
        List<Slot> timerSlots = new ArrayList<>();
        List<CompletableFuture<?>> replies = new ArrayList<>();
        lock.lock();
        try {
            cut = true;
            dropped.addAll(waiting);
            waiting.clear();
            for (Slot slot : slots) {
                if (slot.retryTimer != null) {
                    slot.retryTimer.cancel(false);
                    slot.retryTimer = null;
                    timerSlots.add(slot);
                } else if (slot.reply != null) {
                    replies.add(slot.reply);
                }
            }
        } finally {
            lock.unlock();
        }
        for (ExportRequest request : dropped) {
            complete(request, -1, DropReason.SHUTDOWN);
        }
        for (Slot slot : timerSlots) {
            finish(slot, null, -1, DropReason.SHUTDOWN);
        }
        for (CompletableFuture<?> reply : replies) {
            reply.cancel(true); // its whenComplete then completes the request as SHUTDOWN
        }
    }

    private void stopThreads() {
        HttpClient last = client;
        client = null;
        if (last != null) {
            shutdownNowIfSupported(last);
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
            List<Thread> threads;
            synchronized (ownThreads) {
                threads = new ArrayList<>(ownThreads);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            for (Thread thread : threads) {
                long left = deadline - System.nanoTime();
                if (left > 0 && thread != Thread.currentThread()) {
                    thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * JDK 21 added {@code HttpClient.shutdownNow()}, which stops the selector thread at once; on JDK
     * 17 there is no such method and the thread ends once the client is unreachable.
     */
    private static void shutdownNowIfSupported(HttpClient client) {
        try {
            Method shutdownNow = HttpClient.class.getMethod("shutdownNow");
            shutdownNow.invoke(client);
        } catch (NoSuchMethodException jdk17) {
            // the client becomes unreachable with this exporter's reference dropped
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "HttpClient.shutdownNow failed", e);
        }
    }

    // ------------------------------------------------------------------ observation

    private URI uriOf(ExportRequest request) {
        return uris[request.signal().ordinal()];
    }

    /** @return the URL trace requests are POSTed to */
    public URI endpoint() {
        return uris[Signal.TRACES.ordinal()];
    }

    /**
     * @param signal a signal
     * @return the URL that signal's requests are POSTed to
     */
    public URI endpoint(Signal signal) {
        return uris[signal.ordinal()];
    }

    /** @return requests in flight or waiting for a retry (at most {@code maxInFlight}) */
    public int inFlightRequests() {
        lock.lock();
        try {
            return slots.length - freeCount;
        } finally {
            lock.unlock();
        }
    }

    /** @return requests waiting for a free in-flight slot */
    public int waitingRequests() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "OtlpHttpSpanExporter[" + endpoint() + ", maxInFlight=" + slots.length + ", gzip=" + gzip + ", " + retryPolicy + "]";
    }

    // ------------------------------------------------------------------ slots and bodies

    /** One of the {@code maxInFlight} request slots; fields guarded by the exporter's lock unless noted. */
    private final class Slot {
        final SlotBody body = new SlotBody(this);
        /** The slot's request to each signal's URL, by {@link Signal#ordinal()}. */
        final HttpRequest[] httpRequests = new HttpRequest[Signal.values().length];
        ExportRequest request;
        Bytes<?> payload;
        long payloadStart;
        long payloadEnd;
        int attempts;
        long firstAttemptNanos;
        long attemptId;
        CompletableFuture<HttpResponse<Reply>> reply;
        ScheduledFuture<?> retryTimer;
        long retryAtNanos;

        /** Guards the body's reads of the payload against the request's completion. */
        final Object payloadGuard = new Object();
        /** The attempt whose body may read the payload, or -1; guarded by {@link #payloadGuard}. */
        long readableAttemptId = -1;
        /** The current attempt's body length, or -1 for chunked (gzip); guarded by {@link #payloadGuard}. */
        long contentLength;
        /** The body chunks used in turn; guarded by {@link #payloadGuard}. */
        final ByteBuffer[] chunks = new ByteBuffer[CHUNKS_PER_SLOT];
        int nextChunk;
        final Deflater deflater = gzip ? new Deflater(Deflater.DEFAULT_COMPRESSION, true) : null;
        final CRC32 crc = gzip ? new CRC32() : null;
        final byte[] gzipInput = gzip ? new byte[CHUNK_BYTES] : null;

        Slot() {
            for (int i = 0; i < chunks.length; i++) {
                chunks[i] = emptyChunk();
            }
        }

        void assign(ExportRequest next) {
            Bytes<?> nextPayload = next.payload();
            assign(next, nextPayload, nextPayload.readPosition(), nextPayload.readLimit());
        }

        void assign(ExportRequest next, Bytes<?> nextPayload, long start, long end) {
            request = next;
            payload = nextPayload;
            payloadStart = start;
            payloadEnd = end;
            attempts = 0;
        }

        void release() {
            request = null;
            payload = null;
            reply = null;
            retryTimer = null;
            attempts = 0;
            attemptId++; // a late callback of the released attempt is then recognised as stale
        }

        /** Under {@link #payloadGuard}: the next chunk the client has consumed, or a fresh one. */
        ByteBuffer takeChunk() {
            ByteBuffer chunk = chunks[nextChunk];
            if (chunk.hasRemaining()) {
                // the client still holds it (an attempt that ended before sending it): leave it be
                chunk = emptyChunk();
                chunks[nextChunk] = chunk;
                extraChunks.incrementAndGet();
            }
            nextChunk = (nextChunk + 1) % chunks.length;
            chunk.clear();
            return chunk;
        }
    }

    private static ByteBuffer emptyChunk() {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
        chunk.limit(0); // nothing remaining: free
        return chunk;
    }

    /** The slot's body publisher, one per slot: each subscription streams the slot's current attempt. */
    private final class SlotBody implements HttpRequest.BodyPublisher {
        private final Slot slot;

        SlotBody(Slot slot) {
            this.slot = slot;
        }

        @Override
        public long contentLength() {
            synchronized (slot.payloadGuard) {
                return slot.contentLength;
            }
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            long attemptId;
            long start;
            long end;
            synchronized (slot.payloadGuard) {
                attemptId = slot.readableAttemptId;
                start = slot.payloadStart;
                end = slot.payloadEnd;
                if (gzip && attemptId >= 0) {
                    slot.deflater.reset();
                    slot.crc.reset();
                }
                for (int i = 0; i < slot.chunks.length; i++) {
                    if (slot.chunks[i].hasRemaining()) { // held by an earlier attempt's connection
                        slot.chunks[i] = emptyChunk();
                        extraChunks.incrementAndGet();
                    }
                }
            }
            subscriber.onSubscribe(new BodySubscription(slot, attemptId, start, end, subscriber));
        }
    }

    /** One attempt's body: chunks handed out on demand, read from the payload under the slot's guard. */
    private final class BodySubscription implements Flow.Subscription {
        private final Slot slot;
        private final long attemptId;
        private final long end;
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private long position;
        private long demand;
        private boolean emitting;
        private boolean done;
        /** gzip: 0 header next, 1 deflating, 2 trailer next, 3 all written. */
        private int gzipStage;
        private boolean finishing;

        BodySubscription(Slot slot, long attemptId, long start, long end, Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.slot = slot;
            this.attemptId = attemptId;
            this.position = start;
            this.end = end;
            this.subscriber = subscriber;
        }

        @Override
        public synchronized void request(long n) {
            if (done) {
                return;
            }
            if (n <= 0) {
                done = true;
                subscriber.onError(new IllegalArgumentException("non-positive demand"));
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            if (emitting) {
                return; // re-entered from onNext: the loop below goes on
            }
            emitting = true;
            try {
                while (demand > 0 && !done) {
                    ByteBuffer chunk = nextChunk();
                    if (chunk == null) {
                        done = true;
                        subscriber.onError(new IOException("the export attempt has already ended"));
                        return;
                    }
                    boolean last = gzip ? gzipStage == 3 : position >= end;
                    demand--;
                    if (chunk.hasRemaining()) {
                        subscriber.onNext(chunk);
                    }
                    if (last) {
                        done = true;
                        subscriber.onComplete();
                    }
                }
            } finally {
                emitting = false;
            }
        }

        /** @return the next chunk to send, or null if the attempt has ended (the payload may be gone) */
        private ByteBuffer nextChunk() {
            synchronized (slot.payloadGuard) {
                if (slot.readableAttemptId != attemptId) {
                    return null;
                }
                ByteBuffer chunk = slot.takeChunk();
                if (!gzip) {
                    int count = (int) Math.min(CHUNK_BYTES, end - position);
                    slot.payload.read(position, chunk.array(), 0, count);
                    position += count;
                    chunk.limit(count);
                    return chunk;
                }
                if (gzipStage == 0) {
                    chunk.put(GZIP_HEADER);
                    gzipStage = 1;
                }
                Deflater deflater = slot.deflater;
                while (gzipStage == 1 && chunk.hasRemaining()) {
                    if (deflater.needsInput() && !finishing) {
                        if (position < end) {
                            int count = (int) Math.min(slot.gzipInput.length, end - position);
                            slot.payload.read(position, slot.gzipInput, 0, count);
                            slot.crc.update(slot.gzipInput, 0, count);
                            deflater.setInput(slot.gzipInput, 0, count);
                            position += count;
                        } else {
                            deflater.finish();
                            finishing = true;
                        }
                    }
                    int written = deflater.deflate(chunk);
                    if (deflater.finished()) {
                        gzipStage = 2;
                    } else if (written == 0 && !deflater.needsInput()) {
                        break; // should not happen with room left; send what there is
                    }
                }
                if (gzipStage == 2 && chunk.remaining() >= 8) {
                    putIntLittleEndian(chunk, (int) slot.crc.getValue());
                    putIntLittleEndian(chunk, (int) deflater.getBytesRead()); // ISIZE: the input's length mod 2^32
                    gzipStage = 3;
                }
                chunk.flip();
                return chunk;
            }
        }

        @Override
        public synchronized void cancel() {
            done = true;
        }
    }

    private static void putIntLittleEndian(ByteBuffer buffer, int value) {
        buffer.put((byte) value).put((byte) (value >>> 8)).put((byte) (value >>> 16)).put((byte) (value >>> 24));
    }

    // ------------------------------------------------------------------ replies

    /** What came back: at most {@link #MAX_REPLY_BYTES} of the body. */
    static final class Reply {
        static final Reply EMPTY = new Reply(new byte[0], 0, false);
        final byte[] bytes;
        final int length;
        final boolean overLimit;

        Reply(byte[] bytes, int length, boolean overLimit) {
            this.bytes = bytes;
            this.length = length;
            this.overLimit = overLimit;
        }
    }

    /** Collects a reply body up to the limit, discarding the rest. */
    private static final class ReplySubscriber implements HttpResponse.BodySubscriber<Reply> {
        private final CompletableFuture<Reply> result = new CompletableFuture<>();
        private ByteArrayOutputStream collected;
        private boolean overLimit;

        ReplySubscriber(HttpResponse.ResponseInfo info) {
            // the status is read from the response; only the body is collected here
        }

        @Override
        public CompletionStage<Reply> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int size = collected == null ? 0 : collected.size();
                int take = Math.min(item.remaining(), MAX_REPLY_BYTES - size);
                if (take < item.remaining()) {
                    overLimit = true;
                }
                if (take > 0) {
                    if (collected == null) {
                        collected = new ByteArrayOutputStream(Math.min(take, 4096));
                    }
                    for (int i = 0; i < take; i++) {
                        collected.write(item.get());
                    }
                }
                item.position(item.limit());
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            if (collected == null && !overLimit) {
                result.complete(Reply.EMPTY);
            } else {
                byte[] bytes = collected == null ? new byte[0] : collected.toByteArray();
                result.complete(new Reply(bytes, bytes.length, overLimit));
            }
        }
    }
}
