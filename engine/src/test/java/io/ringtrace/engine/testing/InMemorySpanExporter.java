package io.ringtrace.engine.testing;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import net.openhft.chronicle.bytes.Bytes;

/**
 * A test {@link SpanExporter} that keeps a copy of every request's bytes in memory and completes
 * requests as scripted: at once with success (the default), at once with a failure, or never until
 * the test {@linkplain #completeHeld(int) completes held requests} (to simulate a slow receiver and
 * fill the engine's buffer pool).
 *
 * <p>Allocates per request (it copies the payload), so use it for behaviour, not for allocation
 * tests. {@link #decodedRequests()} parses the copies with the official {@code opentelemetry-proto}
 * classes.
 */
public final class InMemorySpanExporter implements SpanExporter {

    /** How {@link #export(ExportRequest)} completes requests. */
    public enum Mode {
        /** Complete with success on the calling (serializer) thread. */
        SUCCEED,
        /** Complete with {@link DropReason#EXPORT_FAILED} on the calling thread. */
        FAIL,
        /** Keep the request until {@link #completeHeld(int)} or shutdown. */
        HOLD
    }

    private final List<byte[]> payloads = new CopyOnWriteArrayList<>();
    private final BlockingQueue<ExportRequest> held = new LinkedBlockingQueue<>();
    private final AtomicInteger exportCalls = new AtomicInteger();
    private volatile Mode mode = Mode.SUCCEED;
    private volatile long rejectPerRequest;
    private volatile boolean shutdown;
    private volatile io.ringtrace.engine.export.Signal lastSignal;
    private volatile int shutdownCalls;

    /** @param mode how to complete the requests from now on */
    public void mode(Mode mode) {
        this.mode = mode;
    }

    /** @param spans how many spans of each later successful request to report as rejected */
    public void rejectPerRequest(long spans) {
        this.rejectPerRequest = spans;
    }

    @Override
    public void export(ExportRequest request) {
        if (shutdown) {
            throw new IllegalStateException("export after shutdown");
        }
        Bytes<?> payload = request.payload();
        long start = payload.readPosition();
        byte[] copy = new byte[(int) (payload.readLimit() - start)];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = payload.readByte(start + i); // absolute reads: positions untouched
        }
        lastSignal = request.signal();
        Mode now = mode; // read once: the switch and the count must agree
        if (now != Mode.FAIL) {
            payloads.add(copy); // before the count: a test that sees the call counted sees its payload
        }
        // volatile increment after the (copy-on-write, volatile) add: publishes the payload to whoever
        // reads exportCalls(), and it precedes the completion, so a flush that returned sees the count
        exportCalls.incrementAndGet();
        switch (now) {
            case SUCCEED:
                request.succeeded(Math.min(rejectPerRequest, request.spanCount()));
                break;
            case FAIL:
                request.failed(DropReason.EXPORT_FAILED);
                break;
            case HOLD:
                held.add(request);
                break;
            default:
                throw new IllegalStateException(String.valueOf(now));
        }
    }

    /**
     * Completes up to {@code n} held requests with success.
     *
     * @param n how many
     * @return how many were completed
     */
    public int completeHeld(int n) {
        int done = 0;
        ExportRequest request;
        while (done < n && (request = held.poll()) != null) {
            request.succeeded(0);
            done++;
        }
        return done;
    }

    /** @return requests held and not completed yet */
    public int heldCount() {
        return held.size();
    }

    /**
     * Returns held requests without completing them (so a test can complete them late, after
     * close, or twice).
     *
     * @return the held requests, removed from this exporter
     */
    public List<ExportRequest> takeHeld() {
        List<ExportRequest> out = new ArrayList<>();
        held.drainTo(out);
        return out;
    }

    @Override
    public void shutdown(long deadlineNanoTime) {
        shutdownCalls++;
        shutdown = true;
        // a real exporter would finish in-flight work by the deadline; held requests stay held so a
        // test can observe how the engine counts what is not completed by then
    }

    /** @return how many times {@link #shutdown(long)} was called */
    public int shutdownCalls() {
        return shutdownCalls;
    }

    /** @return number of {@link #export(ExportRequest)} calls */
    public int exportCalls() {
        return exportCalls.get();
    }

    /** @return copies of the payloads of the requests received (succeeded or held) */
    public List<byte[]> payloads() {
        return payloads;
    }

    /** @return the signal of the latest request, or null before the first */
    public io.ringtrace.engine.export.Signal lastSignal() {
        return lastSignal;
    }

    /** @return every payload (all successful or held requests) decoded as a logs request, in order */
    public List<io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest> decodedLogsRequests() {
        List<io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest> out = new ArrayList<>();
        for (byte[] payload : payloads) {
            try {
                out.add(io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.parseFrom(payload));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("request does not parse as ExportLogsServiceRequest", e);
            }
        }
        return out;
    }

    /** @return every log record of {@link #decodedLogsRequests()}, in order */
    public List<io.opentelemetry.proto.logs.v1.LogRecord> decodedLogRecords() {
        List<io.opentelemetry.proto.logs.v1.LogRecord> out = new ArrayList<>();
        for (io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest request : decodedLogsRequests()) {
            request.getResourceLogsList().forEach(r -> r.getScopeLogsList().forEach(s -> out.addAll(s.getLogRecordsList())));
        }
        return out;
    }

    /**
     * @return every received payload parsed with the official OTLP classes
     * @throws IllegalStateException if one does not parse
     */
    public List<ExportTraceServiceRequest> decodedRequests() {
        List<ExportTraceServiceRequest> out = new ArrayList<>();
        for (byte[] payload : payloads) {
            try {
                out.add(ExportTraceServiceRequest.parseFrom(payload));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("request does not parse as ExportTraceServiceRequest", e);
            }
        }
        return out;
    }

    /** @return every span received, in order, decoded with the official OTLP classes */
    public List<io.opentelemetry.proto.trace.v1.Span> decodedSpans() {
        List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
        for (ExportTraceServiceRequest request : decodedRequests()) {
            for (ResourceSpans rs : request.getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    spans.addAll(ss.getSpansList());
                }
            }
        }
        return spans;
    }

    /** @return every exported span by its name (spans with equal names: the last one) */
    public java.util.Map<String, io.opentelemetry.proto.trace.v1.Span> decodedSpansByName() {
        java.util.Map<String, io.opentelemetry.proto.trace.v1.Span> byName = new java.util.HashMap<>();
        for (io.opentelemetry.proto.trace.v1.Span span : decodedSpans()) {
            byName.put(span.getName(), span);
        }
        return byName;
    }
}
