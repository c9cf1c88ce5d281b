package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.netty.shaded.io.netty.buffer.PoolArenaMetric;
import io.ringtrace.testkit.OtlpReceiver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every Netty buffer the gRPC exporter's channel takes from its pool goes back, with the pool's
 * buffers drawn past the leak detector's sampling and DATA frames cut from consolidated composites
 * as slices of their buffer ({@link ExportBufferAllocator}): after many multi-megabyte requests,
 * each spanning several message buffers and composed writes, the pool holds no more buffers than
 * before them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcBufferReleaseTest extends ExporterTestBase {

    private static final int SPANS = 16_384;
    private static final int REQUESTS = 60;

    @Test
    void everyBufferOfManyLargeRequestsReturnsToThePool() {
        OtlpReceiver receiver = track(OtlpReceiver.builder().countOnly().start());
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        ReusableExportRequest request = new ReusableExportRequest(offHeap(otlpRequest(SPANS)), SPANS);
        PoolArenaMetric pool = ExportBufferAllocator.SHARED.metric().directArenas().get(0);
        for (int i = 0; i < 5; i++) {
            AllocationMeter.exportAndWait(exporter, request); // the connection is up, its buffers in place
        }
        long baseline = settledActiveAllocations(pool, Long.MAX_VALUE);
        long allocationsBefore = pool.numAllocations();

        for (int i = 0; i < REQUESTS; i++) {
            AllocationMeter.exportAndWait(exporter, request);
        }

        assertTrue(pool.numAllocations() - allocationsBefore >= 3L * REQUESTS, "each request took several buffers");
        long active = settledActiveAllocations(pool, baseline);
        assertTrue(active <= baseline, "buffers still held after " + REQUESTS + " requests: " + active
                + ", before them: " + baseline);
    }

    /** @return the pool's active allocations once at most {@code target}, or after 5 s (the event loop frees the last write's buffers) */
    private static long settledActiveAllocations(PoolArenaMetric pool, long target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long active = pool.numActiveAllocations();
        while (active > target && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
            active = pool.numActiveAllocations();
        }
        return active;
    }
}
