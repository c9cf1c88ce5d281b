package io.ringtrace.testkit;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What both OTLP receivers share, whatever their transport: the script of answers to the next
 * calls, the record of what arrived (decoded requests, headers, paths, counters), waiting for a
 * count, the threads they own and the certificates they serve. {@link OtlpReceiver} (gRPC) and
 * {@link OtlpHttpReceiver} (HTTP) add only their server and how a scripted answer looks on their wire.
 *
 * <p>A call first takes the next scripted answer (or, when nothing is scripted, success after the
 * {@link #responseDelay(Duration) response delay}); its request is recorded only if it is accepted,
 * so that "arrived exactly once" holds for a client that retries failed calls.
 *
 * <p>Bounds: in the default recording mode every accepted request and every call's headers and
 * path are kept until {@link #clear()}; a receiver built with {@code countOnly()} decodes every
 * request the same way but keeps only the counters and the last headers (for long runs). The
 * script holds what the test put into it.
 *
 * @param <R> the receiver type, which the scripting methods return
 * @param <H> a call's request headers as the transport hands them over
 */
public abstract class RecordingReceiver<R extends RecordingReceiver<R, H>, H> implements AutoCloseable {

    private final String bindAddress;
    private final TestCertificates certificates;
    private final boolean ownsCertificates;
    private final boolean requireClientCertificate;
    private final boolean countOnly;

    /** Every thread the receiver started, so that close() can wait for them to end. */
    private final List<Thread> ownThreads = new ArrayList<>();
    private final ReplyScript script = new ReplyScript();

    /** Guards the server; taken before {@link #lock} where both are held. */
    private final Object serverLock = new Object();
    private Serving server;

    /**
     * Guards everything below and is the monitor the await methods wait on; the counters are written
     * under it and volatile, so that a single one can be read without it.
     */
    private final Object lock = new Object();
    private boolean closed;
    private final List<ExportTraceServiceRequest> requests = new ArrayList<>();
    private final List<ExportMetricsServiceRequest> metricsRequests = new ArrayList<>();
    private final List<ExportLogsServiceRequest> logsRequests = new ArrayList<>();
    private final List<H> headers = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();
    private H lastHeaders;
    private volatile long callCount;
    private volatile long failedCallCount;
    private volatile long cancelledCallCount;
    private volatile long requestCount;
    private volatile long spanCount;
    private volatile long rejectedSpanCount;
    /** Log records in accepted logs requests, and those reported rejected; under {@link #lock}. */
    private long logRecordCount;
    private long rejectedLogRecordCount;
    /** The next logs calls to answer with a partial success, and the records each rejects; under {@link #lock}. */
    private int logRejectionsLeft;
    private long logRecordsRejectedPerCall;

    RecordingReceiver(ReceiverBuilder<?, R> builder) {
        this.bindAddress = builder.bindAddress;
        this.requireClientCertificate = builder.mtls;
        this.countOnly = builder.countOnly;
        if (builder.certificates != null) {
            this.certificates = builder.certificates;
            this.ownsCertificates = false;
        } else if (builder.tls) {
            this.certificates = TestCertificates.generate();
            this.ownsCertificates = true;
        } else {
            this.certificates = null;
            this.ownsCertificates = false;
        }
    }

    @SuppressWarnings("unchecked")
    private R self() {
        return (R) this; // R is the concrete receiver by construction: both subclasses pass themselves
    }

    // ---------------------------------------------------------------- the transport's part

    /**
     * Starts serving (again, after {@link #stop()}) on the receiver's port; recorded data and the
     * script are kept. A no-op while serving.
     *
     * @return this receiver
     * @throws IllegalStateException if it is closed or the port cannot be bound
     */
    public final R startServing() {
        synchronized (serverLock) {
            if (isClosed()) {
                throw new IllegalStateException("receiver is closed");
            }
            if (server == null) {
                server = serve();
            }
            return self();
        }
    }

    /**
     * Stops serving, like a killed collector: the listening socket and open connections close, calls
     * in progress fail. Returns when the server has stopped. {@link #startServing()} serves the same
     * port again.
     */
    public final void stop() {
        Serving running;
        synchronized (serverLock) {
            running = server;
            server = null;
        }
        if (running != null) {
            running.stop();
        }
    }

    /** @return whether the server is currently serving */
    public final boolean isRunning() {
        synchronized (serverLock) {
            return server != null;
        }
    }

    /** A server the transport started on the receiver's port. */
    interface Serving {
        /** Closes the listening socket and open connections; returns when the server has stopped. */
        void stop();
    }

    /**
     * Binds the receiver's port and serves on it; called under the server lock, never while serving.
     *
     * @return the running server
     * @throws IllegalStateException if the port cannot be bound
     */
    abstract Serving serve();

    /** Ends the transport's threads once the server has stopped; called once, by {@link #close()}. */
    abstract void shutDownTransport() throws InterruptedException;

    /** @return the address the receiver binds, {@code 127.0.0.1} unless configured */
    public String host() {
        return bindAddress;
    }

    /** @return {@code http://} or, with TLS, {@code https://} */
    String scheme() {
        return certificates == null ? "http://" : "https://";
    }

    /** @return the certificates the server uses (for a client's trust and mTLS files), or null if plain text */
    public TestCertificates certificates() {
        return certificates;
    }

    /** @return whether the server asks for a client certificate signed by the test CA (mTLS) */
    boolean requiresClientCertificate() {
        return requireClientCertificate;
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Remembers each thread the factory makes, so that close() can wait for them to end. */
    ThreadFactory recorded(ThreadFactory factory) {
        return task -> {
            Thread thread = factory.newThread(task);
            synchronized (ownThreads) {
                ownThreads.add(thread);
            }
            return thread;
        };
    }

    static int freePort(String address) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + address, e);
        }
    }

    // ---------------------------------------------------------------- what the transport reports

    /**
     * Counts a call that reached the service, records its headers and path, and hands out its answer.
     *
     * @param path the call's path (HTTP: the URL path; gRPC: {@code /service/method})
     * @param callHeaders the call's request headers
     * @return the scripted answer, or success after the response delay if nothing is scripted
     */
    ScriptedReply callArrived(String path, H callHeaders) {
        synchronized (lock) {
            callCount++;
            lastHeaders = callHeaders;
            if (!countOnly) {
                headers.add(callHeaders);
                paths.add(path);
            }
            // taken with the count, so that a test that saw the count scripts the calls after this one
            ScriptedReply reply = script.next();
            lock.notifyAll();
            return reply;
        }
    }

    /** Counts a call answered with a scripted failure (or closed without a reply). */
    void callFailed() {
        synchronized (lock) {
            failedCallCount++;
        }
    }

    /**
     * Accepts a decoded trace request: records it unless the client has already given up, and builds
     * the answer the script asks for.
     *
     * @param request the decoded request
     * @param reply the call's scripted answer (its partial success applies)
     * @param clientGone true if the client gave up on the call (deadline, cancel): it never sees this
     *     answer and will retry, so recording the request would count its spans twice
     * @return the answer to send, or null if the client is gone (counted in {@link #cancelledCallCount()})
     */
    ExportTraceServiceResponse acceptTraces(
            ExportTraceServiceRequest request, ScriptedReply reply, BooleanSupplier clientGone) {
        long spans = countSpans(request);
        long rejected = Math.min(reply.rejectedSpans, spans);
        ExportTraceServiceResponse.Builder answer = ExportTraceServiceResponse.newBuilder();
        if (reply.rejectionMessage != null) {
            answer.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(rejected)
                    .setErrorMessage(reply.rejectionMessage));
        }
        synchronized (lock) {
            if (clientGone.getAsBoolean()) {
                cancelledCallCount++;
                lock.notifyAll();
                return null;
            }
            requestCount++;
            spanCount += spans;
            rejectedSpanCount += rejected;
            if (!countOnly) {
                requests.add(request);
            }
            lock.notifyAll();
        }
        return answer.build();
    }

    /** @param request a decoded metrics request, recorded and answered with full success */
    void acceptMetrics(ExportMetricsServiceRequest request) {
        synchronized (lock) {
            if (!countOnly) {
                metricsRequests.add(request);
            }
            lock.notifyAll();
        }
    }

    /**
     * Records a decoded logs request and builds its answer: full success, or the partial success
     * {@link #rejectLogRecordsNext} scripted ({@code rejected_log_records}).
     *
     * @param request the decoded request
     * @return the answer to send
     */
    ExportLogsServiceResponse acceptLogs(ExportLogsServiceRequest request) {
        long records = 0;
        for (var resourceLogs : request.getResourceLogsList()) {
            for (var scopeLogs : resourceLogs.getScopeLogsList()) {
                records += scopeLogs.getLogRecordsCount();
            }
        }
        ExportLogsServiceResponse.Builder answer = ExportLogsServiceResponse.newBuilder();
        synchronized (lock) {
            if (!countOnly) {
                logsRequests.add(request);
            }
            logRecordCount += records;
            if (logRejectionsLeft > 0) {
                logRejectionsLeft--;
                long rejected = Math.min(logRecordsRejectedPerCall, records);
                rejectedLogRecordCount += rejected;
                answer.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected)
                        .setErrorMessage("scripted partial success"));
            }
            lock.notifyAll();
        }
        return answer.build();
    }

    /**
     * The next {@code calls} logs calls are accepted but answered with a {@code partial_success}
     * rejecting {@code rejectedLogRecords} records each (at most the request's record count).
     *
     * @param calls how many logs calls
     * @param rejectedLogRecords records reported as rejected per call
     * @return this receiver
     */
    @SuppressWarnings("unchecked")
    public R rejectLogRecordsNext(int calls, long rejectedLogRecords) {
        synchronized (lock) {
            logRejectionsLeft = calls;
            logRecordsRejectedPerCall = rejectedLogRecords;
        }
        return (R) this;
    }

    private static long countSpans(ExportTraceServiceRequest request) {
        long count = 0;
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                count += scopeSpans.getSpansCount();
            }
        }
        return count;
    }

    // ---------------------------------------------------------------- scripting

    /**
     * The next {@code calls} calls are accepted but answered with a {@code partial_success} rejecting
     * {@code rejectedSpans} spans (at most the request's span count) with {@code message}.
     *
     * @param calls how many calls
     * @param rejectedSpans spans reported as rejected per call
     * @param message the {@code error_message}
     * @return this receiver
     */
    public R partialSuccessNext(int calls, long rejectedSpans, String message) {
        return script(calls, ScriptedReply.partialSuccess(rejectedSpans, message));
    }

    /**
     * The next {@code calls} calls are accepted and answered (with success) only after {@code delay}.
     *
     * @param calls how many calls
     * @param delay how long to hold each answer
     * @return this receiver
     */
    public R delayNext(int calls, Duration delay) {
        return script(calls, ScriptedReply.accept(delay));
    }

    /**
     * Delays every answer that is not otherwise scripted by {@code delay}; {@link Duration#ZERO} turns
     * it off.
     *
     * @param delay the delay
     * @return this receiver
     */
    public R responseDelay(Duration delay) {
        script.responseDelay(delay);
        return self();
    }

    /**
     * Forgets the script and the response delay.
     *
     * @return this receiver
     */
    public R clearScript() {
        script.clear();
        return self();
    }

    /** Appends {@code reply} to the script {@code calls} times. */
    R script(int calls, ScriptedReply reply) {
        script.add(calls, reply);
        return self();
    }

    // ---------------------------------------------------------------- what was received

    /** @return a copy of the trace requests accepted so far, in arrival order (empty in count-only mode) */
    public List<ExportTraceServiceRequest> requests() {
        synchronized (lock) {
            return new ArrayList<>(requests);
        }
    }

    /** @return every span of the accepted trace requests, in arrival order (empty in count-only mode) */
    public List<Span> spans() {
        List<Span> spans = new ArrayList<>();
        for (ExportTraceServiceRequest request : requests()) {
            for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
                for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                    spans.addAll(scopeSpans.getSpansList());
                }
            }
        }
        return spans;
    }

    /** @return the metrics requests accepted, in arrival order */
    public List<ExportMetricsServiceRequest> metricsRequests() {
        synchronized (lock) {
            return new ArrayList<>(metricsRequests);
        }
    }

    /** @return the logs requests accepted, in arrival order */
    public List<ExportLogsServiceRequest> logsRequests() {
        synchronized (lock) {
            return new ArrayList<>(logsRequests);
        }
    }

    /** @return the request headers of every call received, in order (empty in count-only mode) */
    public List<H> headers() {
        synchronized (lock) {
            return new ArrayList<>(headers);
        }
    }

    /** @return the request headers of the last call received, or null if none */
    public H lastHeaders() {
        synchronized (lock) {
            return lastHeaders;
        }
    }

    /** @return the path of every call received, in order (empty in count-only mode) */
    public List<String> paths() {
        synchronized (lock) {
            return new ArrayList<>(paths);
        }
    }

    /** @return every call that reached the service, whatever its answer */
    public long callCount() {
        return callCount;
    }

    /** @return calls answered with a scripted failure (or closed without a reply) */
    public long failedCallCount() {
        return failedCallCount;
    }

    /**
     * @return calls the client gave up on (deadline passed, cancelled) before the answer was sent:
     *     not recorded as received (gRPC tells; over HTTP it stays 0)
     */
    public long cancelledCallCount() {
        return cancelledCallCount;
    }

    /** @return trace requests accepted (success, partial success, or an unparseable reply to a success) */
    public long requestCount() {
        return requestCount;
    }

    /** @return spans in accepted trace requests (including those a partial success reported rejected) */
    public long spanCount() {
        return spanCount;
    }

    /** @return spans reported as rejected in partial-success answers */
    public long rejectedSpanCount() {
        return rejectedSpanCount;
    }

    /**
     * Waits until at least {@code spans} spans were accepted.
     *
     * @param spans the span count to wait for
     * @param timeout how long to wait at most
     * @return whether the count was reached
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitSpanCount(long spans, Duration timeout) throws InterruptedException {
        return await(timeout, () -> spanCount >= spans);
    }

    /** @return the log records of every accepted logs request, in arrival order */
    public List<LogRecord> logRecords() {
        List<LogRecord> records = new ArrayList<>();
        for (ExportLogsServiceRequest request : logsRequests()) {
            request.getResourceLogsList().forEach(r -> r.getScopeLogsList().forEach(s -> records.addAll(s.getLogRecordsList())));
        }
        return records;
    }

    /** @return log records in accepted logs requests (including those a partial success reported rejected) */
    public long logRecordCount() {
        synchronized (lock) {
            return logRecordCount;
        }
    }

    /** @return log records reported as rejected in partial-success answers */
    public long rejectedLogRecordCount() {
        synchronized (lock) {
            return rejectedLogRecordCount;
        }
    }

    /**
     * Waits until at least {@code records} log records were accepted.
     *
     * @param records the count to wait for
     * @param timeout how long to wait at most
     * @return whether the count was reached
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitLogRecordCount(long records, Duration timeout) throws InterruptedException {
        return await(timeout, () -> logRecordCount >= records);
    }

    /**
     * Waits until at least {@code calls} calls reached the service.
     *
     * @param calls the call count to wait for
     * @param timeout how long to wait at most
     * @return whether the count was reached
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitCallCount(long calls, Duration timeout) throws InterruptedException {
        return await(timeout, () -> callCount >= calls);
    }

    /** Waits on the lock (notified by every change of the record) until {@code reached} holds under it. */
    private boolean await(Duration timeout, BooleanSupplier reached) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!reached.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /** Forgets recorded requests, headers, paths and counters (not the script). */
    public void clear() {
        synchronized (lock) {
            requests.clear();
            metricsRequests.clear();
            logsRequests.clear();
            headers.clear();
            paths.clear();
            lastHeaders = null;
            callCount = 0;
            failedCallCount = 0;
            cancelledCallCount = 0;
            requestCount = 0;
            spanCount = 0;
            rejectedSpanCount = 0;
            logRecordCount = 0;
            rejectedLogRecordCount = 0;
        }
    }

    /**
     * Stops serving, shuts the threads down (waiting up to a few seconds) and deletes generated
     * certificates. Idempotent.
     */
    @Override
    public final void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stop();
        try {
            shutDownTransport();
            List<Thread> threads;
            synchronized (ownThreads) {
                threads = new ArrayList<>(ownThreads);
            }
            for (Thread thread : threads) {
                if (thread != Thread.currentThread()) {
                    thread.join(2000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsCertificates) {
            certificates.close();
        }
    }
}
