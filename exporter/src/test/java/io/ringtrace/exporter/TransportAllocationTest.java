package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bytes allocated per request by each transport on the export path's threads, at the request sizes
 * that matter for throughput: 512 spans (86 KB) and 4096 spans (690 KB). Measured with
 * {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes} over the calling thread and every
 * thread of the transport (gRPC: event loop, executor, offload; HTTP: the two executor threads and
 * the JDK client's selector thread), after a warm-up, against receivers in the same JVM whose own
 * threads are not counted. Deterministic up to a few percent: the bytes depend on how the kernel
 * splits the stream into reads, not on timing.
 *
 * <p>The bounds, per span at 4096 spans per request: gRPC at most {@value #GRPC_MAX_BYTES_PER_SPAN}
 * on Linux's epoll transport (what is left is Netty's HTTP/2 encoder, ~110 B per 16 KiB DATA frame;
 * NIO, used where epoll is not available, also wraps each frame in two {@code ByteBuffer}s, so it gets
 * {@value #GRPC_NIO_MAX_BYTES_PER_SPAN}); HTTP at most {@value #HTTP_MAX_BYTES_PER_SPAN} (the JDK
 * client's ~19.5 KB of exchange objects per request, whatever its size). The same check fails on a
 * variant that copies each request into a {@code byte[]}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TransportAllocationTest extends ExporterTestBase {

    static final double GRPC_MAX_BYTES_PER_SPAN = 3.0;
    static final double GRPC_NIO_MAX_BYTES_PER_SPAN = 6.0;
    static final double HTTP_MAX_BYTES_PER_SPAN = 5.5;
    private static final int WARMUP_REQUESTS = 600;
    private static final int MEASURED_REQUESTS = 200;
    private static final int ROUNDS = 3;

    @Test
    void grpcAllocatesLittlePerRequestAndNothingPerSpan() {
        OtlpReceiver receiver = track(OtlpReceiver.builder().countOnly().start());
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);

        long[] perRequest = measure(exporter, name -> name.startsWith("ringtrace-otlp"), 3);

        report("OTLP/gRPC", perRequest);
        assertBound(perRequest, grpcBound());
    }

    @Test
    void httpAllocatesLittlePerRequestAndNothingPerSpan() {
        OtlpHttpReceiver receiver = closeAfterTest(OtlpHttpReceiver.builder().countOnly().start());
        OtlpHttpSpanExporter exporter = httpExporterTo(receiver);

        long[] perRequest = measure(exporter,
                name -> name.startsWith("ringtrace-otlp-http") || name.startsWith("HttpClient-"), 3);

        report("OTLP/HTTP", perRequest);
        assertBound(perRequest, HTTP_MAX_BYTES_PER_SPAN);
        assertEquals(0, exporter.extraChunks(), "every body chunk was reused");
    }

    @Test
    void theBoundFailsOnAVariantThatCopiesEachRequestToTheHeap() {
        OtlpReceiver receiver = track(OtlpReceiver.builder().countOnly().start());
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        SpanExporter copyingVariant = AllocationMeter.copyingEachRequest(exporter);

        long[] perRequest = measure(copyingVariant, name -> name.startsWith("ringtrace-otlp"), 3);

        assertThrows(AssertionError.class, () -> assertBound(perRequest, grpcBound()));
    }

    private static void report(String transport, long[] perRequest) {
        System.out.printf("%s transport allocation: %d B/request at 512 spans (%.2f B/span), %d B/request at 4096"
                        + " spans (%.2f B/span)%n",
                transport, perRequest[0], perRequest[0] / 512.0, perRequest[1], perRequest[1] / 4096.0);
    }

    private static double grpcBound() {
        return Epoll.isAvailable() ? GRPC_MAX_BYTES_PER_SPAN : GRPC_NIO_MAX_BYTES_PER_SPAN;
    }

    private static void assertBound(long[] perRequest, double maxBytesPerSpan) {
        double perSpan = perRequest[1] / 4096.0;
        assertTrue(perSpan <= maxBytesPerSpan, "allocation per span at 4096 spans per request: " + perSpan
                + " B (" + perRequest[0] + " B/request at 512 spans, " + perRequest[1] + " at 4096)");
    }

    /**
     * @return bytes allocated per request at 512 and at 4096 spans per request: the least of
     *     {@value #ROUNDS} rounds, so that a one-off allocation of the transport's libraries (a pool
     *     growing, a lazily made helper) does not count as a per-request cost
     */
    private long[] measure(SpanExporter path, Predicate<String> transportThread, int expectedThreads) {
        ReusableExportRequest medium = new ReusableExportRequest(offHeap(otlpRequest(512)), 512);
        ReusableExportRequest large = new ReusableExportRequest(offHeap(otlpRequest(4096)), 4096);
        for (int i = 0; i < WARMUP_REQUESTS; i++) {
            AllocationMeter.exportAndWait(path, i % 2 == 0 ? medium : large);
        }
        long[] threads = AllocationMeter.callingThreadAnd(transportThread);
        assertTrue(threads.length >= expectedThreads + 1, "the calling thread and the transport's threads");
        long[] least = {Long.MAX_VALUE, Long.MAX_VALUE};
        for (int round = 0; round < ROUNDS; round++) {
            least[0] = Math.min(least[0], AllocationMeter.allocatedPerRequest(path, medium, threads, MEASURED_REQUESTS));
            least[1] = Math.min(least[1], AllocationMeter.allocatedPerRequest(path, large, threads, MEASURED_REQUESTS));
        }
        return least;
    }
}
