package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.internal.leak.OpenSpanDetector;
import io.ringtrace.engine.ops.LeakReporter;
import io.ringtrace.engine.ops.OpenSpanReport;
import io.ringtrace.engine.ops.OperabilityOptions;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Thread-per-request with the open-span detector on: 1,000 short-lived threads each leak one span.
 * The detector reports each leak once more after its thread ended, then lets go of the pool and the
 * thread.
 */
class DeadThreadSpanPoolTest extends LeakCheckingTestBase {

    private static final Utf8Constant LEAKY = Utf8Constant.of("leaky-request");

    @Test
    void poolsOfDeadThreadsWithLeakedSpansAreReportedOnceThenReclaimed() throws Exception {
        List<List<OpenSpanReport>> reports = new CopyOnWriteArrayList<>();
        LeakReporter reporter = (open, exhausted) -> reports.add(new ArrayList<>(open));
        TraceEngine engine = closeAfter(TraceEngine.builder().name("dead-threads").ringSize(64)
                .spanLimits(SpanLimits.builder().textBytes(64).attributeBytes(64).eventBytes(64).linkBytes(64).build())
                .exporter(new InMemorySpanExporter())
                .operability(OperabilityOptions.builder().jmx(false).gcMonitor(false).jfrDropEvents(false)
                        .leakDetection(Duration.ofHours(1), Duration.ofMillis(1)) // the test drives the scans
                        .leakReporter(reporter).build()) // the default policy: reclaim only from an exhausted pool
                .build());
        OpenSpanDetector detector = engine.leakDetector;
        Tracer tracer = engine.tracer(InstrumentationScope.of("per-request"));
        int threads = 1_000;
        List<WeakReference<Thread>> owners = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread request = new Thread(() -> tracer.start(LEAKY), "request-" + i); // never ended
            request.start();
            request.join(10_000);
            assertFalse(request.isAlive());
            owners.add(new WeakReference<>(request));
        }
        long lastStart = engine.nowEpochNanos(); // every leaked span started before this
        Await.until("the engine clock past the 1 ms leak threshold", Duration.ofSeconds(5),
                () -> engine.nowEpochNanos() - lastStart > Duration.ofMillis(2).toNanos());

        int[] found = new int[3];
        for (int scan = 0; scan < found.length; scan++) {
            found[scan] = detector.scanNow();
        }
        assertEquals(threads, found[0], "the first scan reports every leak of the dead threads");
        assertEquals(0, found[1] + found[2], "later scans report them again");
        assertEquals(threads, reports.get(0).size());
        assertEquals(threads, reports.get(0).stream().filter(OpenSpanReport::ownerThreadEnded).count());
        assertEquals(0, detector.trackedPools(), "the detector still tracks pools of dead threads");
        for (int round = 0; round < 50 && owners.stream().anyMatch(r -> r.get() != null); round++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(owners.stream().allMatch(r -> r.get() == null), "dead threads (and their pools) are still reachable");
    }
}
