package io.ringtrace.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A histogram measurement inside a sampled span becomes its bucket's exemplar, byte-exact on the wire. */
class ExemplarTest {

    private static final Utf8Constant OP = Utf8Constant.of("op");

    private static ByteString id(long... halves) {
        ByteBuffer b = ByteBuffer.allocate(8 * halves.length); // big-endian, as ids are on the wire
        for (long h : halves) {
            b.putLong(h);
        }
        return ByteString.copyFrom(b.array());
    }

    @Test
    void sampledSpansLeaveExemplarsPerBucket() throws Exception {
        AtomicLong clock = new AtomicLong(1_800_000_000_000_000_000L);
        TraceEngine engine = TraceEngine.builder().exporter(new NoopExporter()).build();
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                .maxRequestBytes(1 << 16).temporality(TemporalityPreference.DELTA).clock(clock::get).build();
                CapturingSink sink = new CapturingSink(1 << 16, true)) {
            long start = clock.get();
            Tracer tracer = engine.tracer(InstrumentationScope.of("t"));
            Histogram latency = provider.meter("m").histogram("latency").boundaries(10, 100).build();
            Histogram.Bound bound = latency.bind(Attributes.empty());
            Span first = tracer.start(OP);
            clock.addAndGet(5);
            bound.record(7, first);                        // bucket 0: exemplar of the first span
            Span second = tracer.start(OP);
            clock.addAndGet(5);
            latency.record(50, Attributes.empty(), second); // bucket 1: exemplar of the second span
            bound.record(60, null);                         // no span: no exemplar, bucket 1 keeps the second's
            long firstTime = start + 5;
            long secondTime = start + 10;
            clock.addAndGet(1000);
            provider.collect(sink);
            HistogramDataPoint expected = HistogramDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(clock.get())
                    .setCount(3).setSum(117).addBucketCounts(1).addBucketCounts(2).addBucketCounts(0)
                    .addExplicitBounds(10).addExplicitBounds(100)
                    .addExemplars(Exemplar.newBuilder().setTimeUnixNano(firstTime).setAsDouble(7)
                            .setSpanId(id(first.spanId())).setTraceId(id(first.traceIdHigh(), first.traceIdLow())))
                    .addExemplars(Exemplar.newBuilder().setTimeUnixNano(secondTime).setAsDouble(50)
                            .setSpanId(id(second.spanId())).setTraceId(id(second.traceIdHigh(), second.traceIdLow())))
                    .setMin(7).setMax(60).build();
            ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(sink.requests.get(0));
            HistogramDataPoint actual = request.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0).getHistogram().getDataPoints(0);
            assertEquals(expected, actual);
            assertArrayEquals(request.toByteArray(), sink.requests.get(0), "byte-identical to protobuf-java");
            second.end();
            first.end();

            // delta: the next interval sends only exemplars recorded in it
            bound.record(70, null);
            clock.addAndGet(1000);
            sink.requests.clear();
            provider.collect(sink);
            HistogramDataPoint next = ExportMetricsServiceRequest.parseFrom(sink.requests.get(0)).getResourceMetrics(0)
                    .getScopeMetrics(0).getMetrics(0).getHistogram().getDataPoints(0);
            assertEquals(1, next.getCount());
            assertEquals(0, next.getExemplarsCount());
        } finally {
            engine.close();
        }
    }

    @Test
    void exponentialHistogramsKeepTheLatestExemplarPerPowerOfTwo() throws Exception {
        AtomicLong clock = new AtomicLong(1_800_000_000_000_000_000L);
        TraceEngine engine = TraceEngine.builder().exporter(new NoopExporter()).build();
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                .maxRequestBytes(1 << 16).temporality(TemporalityPreference.DELTA).clock(clock::get).build();
                CapturingSink sink = new CapturingSink(1 << 16, true)) {
            Tracer tracer = engine.tracer(InstrumentationScope.of("t"));
            Histogram latency = provider.meter("m").histogram("latency").exponential().build();
            Histogram.Bound bound = latency.bind(Attributes.empty());
            Span span = tracer.start(OP);
            clock.addAndGet(5);
            bound.record(3, span);       // magnitude 2^1: slot 1
            clock.addAndGet(5);
            bound.record(3.5, span);     // same magnitude: replaces it
            bound.record(-100, span);    // magnitude 2^6: slot 6
            bound.record(0.5, null);     // no span: no exemplar
            long time = clock.get();
            provider.collect(sink);
            ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(sink.requests.get(0));
            assertArrayEquals(request.toByteArray(), sink.requests.get(0), "byte-identical to protobuf-java");
            io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint point = request.getResourceMetrics(0)
                    .getScopeMetrics(0).getMetrics(0).getExponentialHistogram().getDataPoints(0);
            assertEquals(4, point.getCount());
            Exemplar.Builder exemplar = Exemplar.newBuilder().setTimeUnixNano(time).setSpanId(id(span.spanId()))
                    .setTraceId(id(span.traceIdHigh(), span.traceIdLow()));
            assertEquals(java.util.List.of(exemplar.setAsDouble(3.5).build(), exemplar.setAsDouble(-100).build()), point.getExemplarsList());
            span.end();

            bound.record(7, null);
            sink.requests.clear();
            provider.collect(sink);
            assertEquals(0, ExportMetricsServiceRequest.parseFrom(sink.requests.get(0)).getResourceMetrics(0).getScopeMetrics(0)
                    .getMetrics(0).getExponentialHistogram().getDataPoints(0).getExemplarsCount(), "delta: only new exemplars");
        } finally {
            engine.close();
        }
    }

    @Test
    void recordingInASampledSpanAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        TraceEngine engine = TraceEngine.builder().exporter(new NoopExporter()).build();
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                .maxRequestBytes(1 << 16).build()) {
            Histogram latency = provider.meter("m").histogram("latency").build();
            Histogram.Bound bound = latency.bind(Attributes.empty());
            Histogram exponential = provider.meter("m").histogram("latency.exp").exponential().build();
            Attributes known = Attributes.of(OP, "x");
            Span span = engine.tracer(InstrumentationScope.of("t")).start(OP);
            for (int i = 0; i < 200_000; i++) {
                bound.record(i % 1000, span);
                latency.record(i % 1000, known, span);
                exponential.record(i % 1000, known, span);
            }
            // up to 5 windows: a one-off JIT deoptimization re-materializes a few objects on this thread
            long bytes = -1;
            for (int w = 0; w < 5 && bytes != 0; w++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100_000; i++) {
                    bound.record(i % 1000, span);
                    latency.record(i % 1000, known, span);
                    exponential.record(i % 1000, known, span);
                }
                bytes = threads.getCurrentThreadAllocatedBytes() - before;
            }
            assertEquals(0, bytes, "bytes allocated by 200,000 records with exemplars");
            span.end();
        } finally {
            engine.close();
        }
    }
}
