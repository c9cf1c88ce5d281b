package io.ringtrace.exporter;

import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * OTLP/HTTP ({@code http/protobuf}) as a {@link Transport}: one attempt is one {@code POST} of the
 * slot's prepared {@link HttpRequest} on the JDK's {@link HttpClient}, its body streamed from the
 * off-heap buffer ({@link HttpSlotBody}). Maps the reply per the OTLP/HTTP specification
 * ({@code specification/protocol/otlp.md}):
 * <ul>
 *   <li>2xx: delivered; the body's {@code partial_success} rejected count is counted, never retried;
 *       a body that is not a valid response, or one over {@link ExportResponse#MAX_REPLY_BYTES},
 *       still means the receiver has the request.
 *   <li>429, 502, 503, 504: retryable, after {@code Retry-After} (seconds or an HTTP date) when sent.
 *   <li>Any other status: not retryable; the body's {@code google.rpc.Status} message goes to the
 *       log line, cut to 1 KiB.
 *   <li>No reply (refused or reset connection, timeout): retryable.
 * </ul>
 */
final class HttpTransport implements Transport<HttpTransport.SlotState> {

    /** "HTTP 200" to "HTTP 299", made once: what a delivered attempt answered, named without allocating. */
    private static final String[] SUCCESS_ANSWERS = new String[100];

    static {
        for (int i = 0; i < SUCCESS_ANSWERS.length; i++) {
            SUCCESS_ANSWERS[i] = "HTTP " + (200 + i);
        }
    }

    /** Where each signal's requests go, by {@link Signal#ordinal()}. */
    private final URI[] uris;
    private final Duration timeout;
    private final Map<String, String> headers;
    private final boolean gzip;
    /** Null once the exporter has shut down (on JDK 17 its selector thread then ends when unreachable). */
    private volatile HttpClient client;
    /** Chunks allocated because a slot's chunk was still held by the client. */
    final AtomicInteger extraChunks = new AtomicInteger();

    /**
     * @param client sends the requests; the exporter owns it and takes it back with {@link #detachClient()}
     * @param uris each signal's URL, by {@link Signal#ordinal()}
     * @param timeout each attempt's timeout
     * @param headers sent with every request (values never logged)
     * @param gzip whether bodies are gzip-compressed
     */
    HttpTransport(HttpClient client, URI[] uris, Duration timeout, Map<String, String> headers, boolean gzip) {
        this.client = client;
        this.uris = uris.clone();
        this.timeout = timeout;
        this.headers = new LinkedHashMap<>(headers); // in the order given
        this.gzip = gzip;
    }

    /** A slot's body and its request to each signal's URL, built once: sent once per attempt, never rebuilt. */
    static final class SlotState {
        final HttpSlotBody body;
        final HttpRequest[] requests = new HttpRequest[Signal.values().length];

        SlotState(HttpSlotBody body) {
            this.body = body;
        }
    }

    @Override
    public SlotState newSlotState() {
        SlotState state = new SlotState(new HttpSlotBody(gzip, extraChunks));
        for (Signal signal : Signal.values()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uris[signal.ordinal()])
                    .timeout(timeout)
                    .header("Content-Type", "application/x-protobuf")
                    .header("User-Agent", "ringtrace-otlp-exporter")
                    .POST(state.body);
            if (gzip) {
                request.header("Content-Encoding", "gzip");
            }
            for (Map.Entry<String, String> header : headers.entrySet()) {
                request.header(header.getKey(), header.getValue());
            }
            state.requests[signal.ordinal()] = request.build();
        }
        return state;
    }

    /** @return the client, now no longer used for new attempts (null if already detached) */
    HttpClient detachClient() {
        HttpClient last = client;
        client = null;
        return last;
    }

    @Override
    public void arm(SlotState state, ExportSlot<SlotState> slot, long attemptId) {
        state.body.arm(attemptId, slot.payload(), slot.payloadStart(), slot.payloadEnd());
    }

    @Override
    public void release(SlotState state) {
        state.body.release();
    }

    @Override
    public String destination(Signal signal) {
        return uris[signal.ordinal()].toString();
    }

    @Override
    public void send(ExportSlot<SlotState> slot, long attemptId, ExportRequest request) {
        HttpClient current = client;
        if (current == null) {
            slot.cancelled(attemptId); // shut down: the client is gone
            return;
        }
        Attempt attempt = new Attempt(slot, attemptId);
        try {
            attempt.reply = current.sendAsync(slot.state().requests[request.signal().ordinal()], HttpReply.HANDLER);
        } catch (RuntimeException | Error e) {
            attempt.accept(null, e);
            return;
        }
        slot.track(attemptId, attempt);
        attempt.reply.whenComplete(attempt);
    }

    /** One attempt: its reply's callback, and its cancel handle for a shutdown deadline. */
    private final class Attempt implements BiConsumer<HttpResponse<HttpReply>, Throwable>, Cancellable {
        private final ExportSlot<SlotState> slot;
        private final long attemptId;
        /** Set before the attempt is tracked, so that a cancel finds it. */
        private volatile CompletableFuture<HttpResponse<HttpReply>> reply;

        Attempt(ExportSlot<SlotState> slot, long attemptId) {
            this.slot = slot;
            this.attemptId = attemptId;
        }

        @Override
        public void cancel() {
            reply.cancel(true); // the attempt then ends with a CancellationException: SHUTDOWN
        }

        @Override
        public void accept(HttpResponse<HttpReply> response, Throwable error) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (response == null) {
                if (cause instanceof CancellationException) {
                    slot.cancelled(attemptId);
                } else {
                    slot.failed(attemptId, cause instanceof IOException, RetryableStatus.NO_RETRY_INFO,
                            (request, decision) -> describeFailure(uris[request.signal().ordinal()], request, decision, 0, null, cause));
                }
                return;
            }
            int status = response.statusCode();
            HttpReply body = response.body();
            if (status >= 200 && status < 300) {
                if (body.overLimit) {
                    slot.deliveredUnread(attemptId, successAnswer(status));
                } else {
                    slot.delivered(attemptId, body.exportResponse(), successAnswer(status));
                }
                return;
            }
            long serverDelayNanos = retryAfterNanos(response.headers().firstValue("Retry-After").orElse(null));
            slot.failed(attemptId, isRetryable(status), serverDelayNanos,
                    (request, decision) -> describeFailure(uris[request.signal().ordinal()], request, decision, status, body, null));
        }
    }

    /**
     * OTLP/HTTP: "429 Too Many Requests, 502 Bad Gateway, 503 Service Unavailable, 504 Gateway
     * Timeout" are retryable; every other 4xx and 5xx is not.
     *
     * @param status an HTTP status that is not 2xx
     * @return whether the specification allows a retry
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

    /**
     * @param status a 2xx status
     * @return "HTTP 200" and so on, made once
     */
    static String successAnswer(int status) {
        return SUCCESS_ANSWERS[status - 200];
    }

    /** The log line of a dropped request: the URL (no user-info), the status or the error, a hint. */
    static String describeFailure(URI uri, ExportRequest request, String decision, int status, HttpReply body, Throwable cause) {
        StringBuilder message = new StringBuilder(160)
                .append("OTLP/HTTP export of ").append(request.spanCount()).append(' ')
                .append(ExportMethod.itemsOf(request.signal())).append(" to ").append(uri)
                .append(" failed (").append(decision).append("): ");
        if (status != 0) {
            message.append("HTTP ").append(status);
            String detail = body == null ? "" : body.statusMessage();
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
}
