package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.testkit.OtlpHttpReceiver;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OTLP/HTTP transport allocates per request (the JDK client's exchange objects), never per span
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

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void bytesAllocatedPerRequestDoNotGrowWithTheRequest() {
        OtlpHttpReceiver receiver = closeAfterTest(OtlpHttpReceiver.builder().countOnly().start());
        OtlpHttpSpanExporter exporter = httpExporterTo(receiver);

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
        OtlpHttpSpanExporter exporter = httpExporterTo(receiver);
        SpanExporter copyingVariant = new SpanExporter() {
            @Override
            public void export(ExportRequest request) {
                Bytes<?> payload = request.payload();
                byte[] copy = new byte[(int) payload.readRemaining()]; // the deliberate per-byte garbage
                payload.read(payload.readPosition(), copy, 0, copy.length);
                exporter.export(request);
            }

            @Override
            public void shutdown(long deadlineNanoTime) {
                exporter.shutdown(deadlineNanoTime);
            }
        };

        long[] perRequest = measure(copyingVariant);

        assertThrows(AssertionError.class, () -> assertIndependentOfRequestSize(perRequest));
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
            exportAndWait(path, i % 3 == 0 ? small : i % 3 == 1 ? medium : large);
        }
        long[] threads = exportPathThreads();
        return new long[] {
            allocatedPerRequest(path, small, threads),
            allocatedPerRequest(path, medium, threads),
            allocatedPerRequest(path, large, threads)
        };
    }

    private static long allocatedPerRequest(SpanExporter path, ReusableExportRequest request, long[] threads) {
        long before = sum(THREADS.getThreadAllocatedBytes(threads));
        for (int i = 0; i < MEASURED_REQUESTS; i++) {
            exportAndWait(path, request);
        }
        long after = sum(THREADS.getThreadAllocatedBytes(threads));
        return (after - before) / MEASURED_REQUESTS;
    }

    private static void exportAndWait(SpanExporter path, ReusableExportRequest request) {
        request.reset();
        path.export(request);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!request.done) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("request not completed in 20 s");
            }
            LockSupport.parkNanos(20_000);
        }
        if (request.failure != null) {
            throw new AssertionError("export failed: " + request.failure);
        }
    }

    /** The calling thread, the exporter's threads and the JDK client's selector thread(s). */
    private static long[] exportPathThreads() {
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().getId());
        int own = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("ringtrace-otlp-http")) {
                own++;
                ids.add(thread.getId());
            } else if (thread.getName().startsWith("HttpClient-")) {
                ids.add(thread.getId());
            }
        }
        assertEquals(2, own, "two exporter threads: " + ids);
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long value : values) {
            total += Math.max(0, value);
        }
        return total;
    }
}
