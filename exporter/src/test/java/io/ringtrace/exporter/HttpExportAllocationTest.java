package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.testkit.OtlpHttpReceiver;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OTLP/HTTP transport on the JDK client (TLS and gzip use it) allocates per request (the client's
 * exchange objects), never per span
 * or per request byte: the body streams from off-heap memory through the slot's reused chunks.
 * Measured with {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes} over the export
 * path's threads (the calling thread, the exporter's two executor threads and the JDK client's
 * selector thread) for requests of 64, 512 and 4096 spans (11 KB, 86 KB, 690 KB): the bytes per
 * request may grow by only a few bytes per extra span. The same check fails on a variant that
 * copies each request into a {@code byte[]}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpExportAllocationTest extends ExporterTestBase {

    private static final int WARMUP_REQUESTS = 450;
    private static final int MEASURED_REQUESTS = 150;
    private static final double MAX_BYTES_PER_EXTRA_SPAN = 4.0;

    @Test
    void bytesAllocatedPerRequestDoNotGrowWithTheRequest() {
        OtlpHttpReceiver receiver = closeAfterTest(OtlpHttpReceiver.builder().countOnly().start());
        OtlpHttpSpanExporter exporter = jdkClientExporterTo(receiver);

        long[] perRequest = measure(exporter);

        System.out.printf("OTLP/HTTP export path allocation: %d B/request at 64 spans (%.1f B/span), %d B/request at"
                        + " 512 (%.1f B/span), %d B/request at 4096 (%.2f B/span)%n",
                perRequest[0], perRequest[0] / 64.0, perRequest[1], perRequest[1] / 512.0,
                perRequest[2], perRequest[2] / 4096.0);
        assertIndependentOfRequestSize(perRequest);
        assertEquals(0, exporter.extraChunks(), "every chunk was reused: the client had consumed it");
    }

    @Test
    void theCheckFailsOnAVariantThatCopiesEachRequestToTheHeap() {
        OtlpHttpReceiver receiver = closeAfterTest(OtlpHttpReceiver.builder().countOnly().start());
        OtlpHttpSpanExporter exporter = jdkClientExporterTo(receiver);
        SpanExporter copyingVariant = AllocationMeter.copyingEachRequest(exporter);

        long[] perRequest = measure(copyingVariant);

        assertThrows(AssertionError.class, () -> assertIndependentOfRequestSize(perRequest));
    }

    private OtlpHttpSpanExporter jdkClientExporterTo(OtlpHttpReceiver receiver) {
        return track(OtlpHttpSpanExporter.builder().endpoint(receiver.tracesUrl())
                .client(OtlpHttpSpanExporterBuilder.Client.JDK).retryPolicy(FAST_RETRIES).build());
    }

    private static void assertIndependentOfRequestSize(long[] perRequest) {
        double perExtraSpan = (double) (perRequest[2] - perRequest[0]) / (4096 - 64);
        assertTrue(perExtraSpan < MAX_BYTES_PER_EXTRA_SPAN, "allocation per extra span: " + perExtraSpan + " B ("
                + perRequest[0] + " B/request at 64 spans, " + perRequest[1] + " at 512, " + perRequest[2] + " at 4096)");
    }

    private long[] measure(SpanExporter path) {
        ReusableExportRequest small = new ReusableExportRequest(offHeap(otlpRequest(64)), 64);
        ReusableExportRequest medium = new ReusableExportRequest(offHeap(otlpRequest(512)), 512);
        ReusableExportRequest large = new ReusableExportRequest(offHeap(otlpRequest(4096)), 4096);
        for (int i = 0; i < WARMUP_REQUESTS; i++) {
            AllocationMeter.exportAndWait(path, i % 3 == 0 ? small : i % 3 == 1 ? medium : large);
        }
        long[] threads = exportPathThreads();
        return new long[] {
            AllocationMeter.allocatedPerRequest(path, small, threads, MEASURED_REQUESTS),
            AllocationMeter.allocatedPerRequest(path, medium, threads, MEASURED_REQUESTS),
            AllocationMeter.allocatedPerRequest(path, large, threads, MEASURED_REQUESTS)
        };
    }

    /** The calling thread, the exporter's two threads and the JDK client's selector thread(s). */
    private static long[] exportPathThreads() {
        assertEquals(3, AllocationMeter.callingThreadAnd(name -> name.startsWith("ringtrace-otlp-http")).length,
                "two exporter threads");
        return AllocationMeter.callingThreadAnd(name -> name.startsWith("ringtrace-otlp-http") || name.startsWith("HttpClient-"));
    }
}
