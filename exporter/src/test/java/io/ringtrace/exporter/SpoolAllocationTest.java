package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.export.SpoolLedger;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's own allocation per request is bounded and does not grow with the request: bytes
 * allocated on the calling thread and the spool's thread
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) while 512-span requests (86 KB)
 * are spooled one at a time during an outage, after a warm-up. The variant that copies each request
 * into a {@code byte[]} first must fail the same bound.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SpoolAllocationTest extends ExporterTestBase {

    /** Bytes per spooled request, whatever its size: queue and file work allocate nothing per request. */
    private static final long MAX_BYTES_PER_REQUEST = 1_024;

    @TempDir
    Path dir;

    private static final SpoolLedger LEDGER = new SpoolLedger() {
        @Override
        public void delivered(long items, long rejectedItems, boolean recovered) {}

        @Override
        public void dropped(long items, DropReason reason, boolean recovered) {}

        @Override
        public void recovered(long items, long corruptRecords) {}

        @Override
        public void replayRetrying() {}

        @Override
        public void spoolSize(long bytes, long records, long oldestEpochMillis) {}
    };

    private long perRequest(boolean copying) throws Exception {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            deadPort = probe.getLocalPort();
        }
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint("http://127.0.0.1:" + deadPort)
                .timeout(Duration.ofMillis(200))
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofSeconds(30)).maxBackoff(Duration.ofSeconds(30))
                        .maxAttempts(2).build())
                .spool(SpoolOptions.builder(dir.resolve(copying ? "copying" : "plain")).maxBytes(1L << 30)
                        .spoolAfter(Duration.ofMillis(100)).build())
                .build());
        exporter.bindSpool(Signal.TRACES, LEDGER);
        SpanExporter path = copying ? AllocationMeter.copyingEachRequest(exporter) : exporter;
        ReusableExportRequest request = new ReusableExportRequest(offHeap(otlpRequest(512)), 512);
        AllocationMeter.exportAndWait(path, request); // the first one fails its attempt and starts the outage
        assertTrue(request.spooled, "spooled once the attempt failed");
        for (int i = 0; i < 300; i++) { // warm-up: JIT, the spool's segment files, the payload view
            AllocationMeter.exportAndWait(path, request);
        }
        long[] threads = AllocationMeter.callingThreadAnd(name -> name.startsWith("ringtrace-spool-"));
        assertTrue(threads.length == 2, "the calling thread and the spool's");
        return AllocationMeter.allocatedPerRequest(path, request, threads, 300);
    }

    @Test
    void spoolingARequestAllocatesABoundedFewBytes() throws Exception {
        long bytes = perRequest(false);
        System.out.println("spool allocation: " + bytes + " B per spooled 512-span request");
        assertTrue(bytes <= MAX_BYTES_PER_REQUEST, bytes + " B per spooled request");
    }

    @Test
    void theBoundCatchesACopyOfEachRequest() throws Exception {
        long bytes = perRequest(true);
        assertTrue(bytes > MAX_BYTES_PER_REQUEST, "the copying variant allocates " + bytes + " B per request");
    }
}
