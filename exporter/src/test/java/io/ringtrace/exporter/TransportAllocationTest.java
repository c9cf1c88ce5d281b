package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bytes allocated per request by each transport on the export path's threads, at the request sizes
 * that matter for throughput: 512 spans (86 KB), 4096 spans (690 KB) and 16,384 spans (2.8 MB).
 * Measured with {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes} over the calling
 * thread and every thread of the transport (every {@code ringtrace-otlp*} thread, and the JDK
 * client's selector thread where that client is used), after a warm-up, against receivers in the
 * same JVM whose own threads are not counted. Deterministic up to a few percent: the bytes depend on
 * how the kernel splits the stream into reads, not on timing.
 *
 * <p>The bounds, the same for both transports: at most {@value #MAX_BYTES_PER_SPAN_AT_4096} B per
 * span with 4096-span requests, below {@value #MAX_BYTES_PER_SPAN_AT_16384} B per span with 16k-span
 * requests. HTTP (its default client, ringtrace's socket client for plain text) measures ~140 B per
 * request. gRPC measures 9.6-11.0 KB per 16k-span request (0.59-0.67 B/span) on JDK 17 and 25,
 * where the bound is 16 KB: on the calling thread ~2.8 KB (gRPC's call, stream, framer, headers and
 * deadline objects), on the event loop ~7 KB (the stream's HTTP/2 state, headers and trailers read,
 * and per flow-controlled write of up to 1 MiB its promises, aggregator, composite and slices, plus
 * Netty's recycler queues: a new 32-slot array for every 32 objects recycled beyond the 32 a thread
 * keeps at hand, and a 1 MiB write of 64 frames recycles ~130), on the executor ~70 B. Nothing of it is random: the channel's pool skips the leak
 * detector's sampling and cuts frames from its composites as recycled slices
 * ({@link ExportBufferAllocator}). The same check fails on a variant that copies each request into
 * a {@code byte[]}.
 *
 * <p>{@code -Dringtrace.allocation.jfr=<dir>} records JFR's allocation samples
 * ({@code jdk.ObjectAllocationSample} with stack traces) of the measured rounds into that directory,
 * one file per test, to see where the bytes go.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TransportAllocationTest extends ExporterTestBase {

    static final double MAX_BYTES_PER_SPAN_AT_4096 = 3.0;
    static final double MAX_BYTES_PER_SPAN_AT_16384 = 1.0;
    static final int[] SPANS_PER_REQUEST = {512, 4096, 16384};
    private static final int WARMUP_REQUESTS = 600;
    private static final int MEASURED_REQUESTS = 100;
    private static final int ROUNDS = 3;

    @Test
    void grpcAllocatesLittlePerRequestAndNothingPerSpan() throws Exception {
        OtlpReceiver receiver = track(OtlpReceiver.builder().countOnly().start());
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);

        long[] perRequest = measure(this, "grpc", exporter, name -> name.startsWith("ringtrace-otlp"), 3);

        report("OTLP/gRPC", perRequest);
        assertBounds(perRequest, MAX_BYTES_PER_SPAN_AT_16384);
    }

    @Test
    void httpAllocatesLittlePerRequestAndNothingPerSpan() throws Exception {
        OtlpHttpReceiver receiver = closeAfterTest(OtlpHttpReceiver.builder().countOnly().start());
        OtlpHttpSpanExporter exporter = httpExporterTo(receiver);

        long[] perRequest = measure(this, "http", exporter,
                name -> name.startsWith("ringtrace-otlp-http") || name.startsWith("HttpClient-"), 2);

        report("OTLP/HTTP", perRequest);
        assertBounds(perRequest, MAX_BYTES_PER_SPAN_AT_16384);
        assertEquals(0, exporter.extraChunks(), "every body chunk was reused");
    }

    @Test
    void theBoundFailsOnAVariantThatCopiesEachRequestToTheHeap() throws Exception {
        OtlpReceiver receiver = track(OtlpReceiver.builder().countOnly().start());
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        SpanExporter copyingVariant = AllocationMeter.copyingEachRequest(exporter);

        long[] perRequest = measure(this, "copying", copyingVariant, name -> name.startsWith("ringtrace-otlp"), 3);

        assertThrows(AssertionError.class, () -> assertBounds(perRequest, MAX_BYTES_PER_SPAN_AT_16384));
    }

    static void report(String transport, long[] perRequest) {
        StringBuilder line = new StringBuilder(transport).append(" transport allocation:");
        for (int i = 0; i < SPANS_PER_REQUEST.length; i++) {
            line.append(String.format(" %d B/request at %d spans (%.2f B/span)%s", perRequest[i], SPANS_PER_REQUEST[i],
                    perRequest[i] / (double) SPANS_PER_REQUEST[i], i + 1 < SPANS_PER_REQUEST.length ? "," : ""));
        }
        System.out.println(line);
    }

    static void assertBounds(long[] perRequest, double maxBytesPerSpanAt16384) {
        double at4096 = perRequest[1] / 4096.0;
        double at16384 = perRequest[2] / 16384.0;
        String measured = " (" + perRequest[0] + " B/request at 512 spans, " + perRequest[1] + " at 4096, "
                + perRequest[2] + " at 16384)";
        assertTrue(at4096 <= MAX_BYTES_PER_SPAN_AT_4096, "allocation per span at 4096 spans per request: " + at4096 + " B" + measured);
        assertTrue(at16384 < maxBytesPerSpanAt16384, "allocation per span at 16384 spans per request: " + at16384 + " B" + measured);
    }

    /**
     * @return bytes allocated per request at each of {@link #SPANS_PER_REQUEST}: the least of
     *     {@value #ROUNDS} rounds, so that a one-off allocation of the transport's libraries (a pool
     *     growing, a lazily made helper) does not count as a per-request cost
     */
    static long[] measure(ExporterTestBase test, String name, SpanExporter path, Predicate<String> transportThread,
                          int expectedThreads) throws Exception {
        ReusableExportRequest[] requests = new ReusableExportRequest[SPANS_PER_REQUEST.length];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = new ReusableExportRequest(test.offHeap(otlpRequest(SPANS_PER_REQUEST[i])), SPANS_PER_REQUEST[i]);
        }
        for (int i = 0; i < WARMUP_REQUESTS; i++) {
            AllocationMeter.exportAndWait(path, requests[i % requests.length]);
        }
        long[] threads = AllocationMeter.callingThreadAnd(transportThread);
        assertTrue(threads.length >= expectedThreads + 1, "the calling thread and the transport's threads");
        long[] least = new long[requests.length];
        java.util.Arrays.fill(least, Long.MAX_VALUE);
        try (AllocationProfile profile = AllocationProfile.startIfAsked(test.getClass().getSimpleName() + "-" + name)) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < requests.length; i++) {
                    least[i] = Math.min(least[i], AllocationMeter.allocatedPerRequest(path, requests[i], threads, MEASURED_REQUESTS));
                }
            }
        }
        return least;
    }
}
