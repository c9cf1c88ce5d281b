package io.ringtrace.engine.testing;

import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.Bytes;

/**
 * A test {@link SpanExporter} that allocates nothing: it walks each request's protobuf wire format
 * in place ({@code ExportTraceServiceRequest > ResourceSpans(1) > ScopeSpans(2) > Span(2)}), hands
 * every span's ids to a {@link SpanSink}, and completes the request with success on the calling
 * thread. For allocation and Epsilon-GC tests, where decoding with the official classes would
 * allocate.
 *
 * <p>Not thread-safe: the engine calls {@code export} from its serializer thread only.
 */
public final class WireCountingExporter implements SpanExporter {

    /** Receives every exported span's ids; must not allocate either. */
    @FunctionalInterface
    public interface SpanSink {
        /**
         * @param traceIdHigh high 8 bytes of the trace id
         * @param traceIdLow low 8 bytes of the trace id
         * @param spanId the span id
         */
        void span(long traceIdHigh, long traceIdLow, long spanId);
    }

    private final SpanSink sink;
    private final AtomicLong spans = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private Bytes<?> in;
    private long pos;

    /** @param sink receives every span's ids */
    public WireCountingExporter(SpanSink sink) {
        this.sink = sink;
    }

    @Override
    public void export(ExportRequest request) {
        in = request.payload();
        long start = in.readPosition();
        long end = in.readLimit();
        long counted = 0;
        pos = start;
        while (pos < end) {
            int tag = (int) varint();
            if (tag == (1 << 3 | 2)) { // resource_spans
                long len = varint();
                counted += resourceSpans(pos + len);
            } else {
                skip(tag);
            }
        }
        in = null;
        if (pos != end || counted != request.spanCount()) {
            malformed.incrementAndGet();
        }
        spans.addAndGet(counted);
        requests.incrementAndGet();
        request.succeeded(0);
    }

    private long resourceSpans(long end) {
        long counted = 0;
        while (pos < end) {
            int tag = (int) varint();
            if (tag == (2 << 3 | 2)) { // scope_spans
                long len = varint();
                counted += scopeSpans(pos + len);
            } else {
                skip(tag);
            }
        }
        return counted;
    }

    private long scopeSpans(long end) {
        long counted = 0;
        while (pos < end) {
            int tag = (int) varint();
            if (tag == (2 << 3 | 2)) { // spans
                long len = varint();
                span(pos + len);
                counted++;
            } else {
                skip(tag);
            }
        }
        return counted;
    }

    private void span(long end) {
        long traceHigh = 0;
        long traceLow = 0;
        long spanId = 0;
        while (pos < end) {
            int tag = (int) varint();
            if (tag == (1 << 3 | 2)) { // trace_id: 16 bytes, big-endian as in the hex form
                long len = varint();
                if (len != 16) {
                    malformed.incrementAndGet();
                }
                traceHigh = bigEndianLong(pos);
                traceLow = bigEndianLong(pos + 8);
                pos += len;
            } else if (tag == (2 << 3 | 2)) { // span_id: 8 bytes
                long len = varint();
                if (len != 8) {
                    malformed.incrementAndGet();
                }
                spanId = bigEndianLong(pos);
                pos += len;
            } else {
                skip(tag);
            }
        }
        sink.span(traceHigh, traceLow, spanId);
    }

    private long bigEndianLong(long at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (in.readByte(at + i) & 0xFF);
        }
        return v;
    }

    private long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte(pos++);
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        malformed.incrementAndGet();
        return value;
    }

    private void skip(int tag) {
        switch (tag & 7) {
            case 0:
                varint();
                break;
            case 1:
                pos += 8;
                break;
            case 2:
                long len = varint();
                pos += len;
                break;
            case 5:
                pos += 4;
                break;
            default:
                malformed.incrementAndGet();
                pos = Long.MAX_VALUE / 2; // stop walking this request
        }
    }

    @Override
    public void shutdown(long deadlineNanoTime) {
        // every request was completed synchronously: nothing in flight
    }

    /** @return spans walked */
    public long spans() {
        return spans.get();
    }

    /** @return requests walked */
    public long requests() {
        return requests.get();
    }

    /** @return structural errors found (should be 0) */
    public long malformed() {
        return malformed.get();
    }
}
