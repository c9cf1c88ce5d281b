package io.ringtrace.engine.leak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.monitor.AllocationMeter;
import io.ringtrace.engine.monitor.CapturingLogger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OpenSpanDetectorTest {

    /** Keeps every report a detector makes. */
    static final class Reports implements LeakReporter {
        final List<List<OpenSpanReport>> open = new CopyOnWriteArrayList<>();
        final List<List<PoolExhaustionReport>> exhausted = new CopyOnWriteArrayList<>();
        final CountDownLatch first = new CountDownLatch(1);

        @Override
        public void report(List<OpenSpanReport> openSpans, List<PoolExhaustionReport> exhaustedPools) {
            open.add(new ArrayList<>(openSpans));
            exhausted.add(new ArrayList<>(exhaustedPools));
            first.countDown();
        }
    }

    private static OpenSpanDetector.Builder manual(Reports reports) {
        // An interval of an hour: the tests drive scans with scanNow().
        return OpenSpanDetector.builder().name("t").interval(Duration.ofHours(1))
                .threshold(Duration.ofMillis(50)).reporter(reports);
    }

    @Test
    void leakedSpansAreReportedWithCountNameAndAge() throws InterruptedException {
        Reports reports = new Reports();
        try (OpenSpanDetector detector = manual(reports).reclaimPolicy(OpenSpanDetector.ReclaimPolicy.NEVER).start()) {
            SimplePool pool = new SimplePool(detector, 8);
            long openedAt = System.nanoTime();
            pool.start("leak-a");
            pool.start("leak-b");
            pool.start("leak-c");
            long allOpenedBy = System.nanoTime();
            pool.end(pool.start("ended-1"));
            pool.end(pool.start("ended-2"));
            Thread.sleep(120);
            SimplePool.Flyweight young = pool.start("young");
            long scannedBefore = System.nanoTime();

            assertEquals(3, detector.scanNow());
            long upperAge = System.nanoTime() - openedAt;

            assertEquals(1, reports.open.size());
            List<OpenSpanReport> found = reports.open.get(0);
            assertEquals(3, found.size());
            String[] names = found.stream().map(OpenSpanReport::spanName).sorted().toArray(String[]::new);
            assertEquals(Arrays.asList("leak-a", "leak-b", "leak-c"), Arrays.asList(names));
            for (OpenSpanReport r : found) {
                // Each leak opened between openedAt and allOpenedBy, and the scan ran after scannedBefore.
                assertTrue(r.ageNanos() >= scannedBefore - allOpenedBy
                        && r.ageNanos() >= TimeUnit.MILLISECONDS.toNanos(120), "age too small: " + r);
                assertTrue(r.ageNanos() <= upperAge, "age too large: " + r);
                assertEquals(Thread.currentThread().getName(), r.threadName());
                assertNull(r.startStack(), "stacks are captured only in debug mode");
                assertFalse(r.reclaimed());
            }
            assertEquals(3, detector.lastOpenOverThreshold());
            assertEquals(3, detector.leaksReported());
            assertTrue(pool.end(young));
        }
    }

    @Test
    void theDetectorThreadScansOnItsIntervalAndStopsOnClose() throws InterruptedException {
        Reports reports = new Reports();
        OpenSpanDetector detector = OpenSpanDetector.builder().name("tick").interval(Duration.ofMillis(20))
                .threshold(Duration.ofMillis(10)).reporter(reports).start();
        Thread thread = detector.thread();
        assertEquals("ringtrace-leak-tick", thread.getName());
        assertTrue(thread.isDaemon());
        assertTrue(thread.isAlive());
        SimplePool pool = new SimplePool(detector, 4);
        pool.start("forgotten");
        assertTrue(reports.first.await(10, TimeUnit.SECONDS), "the detector thread never reported");
        assertEquals("forgotten", reports.open.get(0).get(0).spanName());
        detector.close();
        detector.close(); // idempotent
        assertFalse(thread.isAlive(), "detector thread survived close");
    }

    @Test
    void startStacksAreCapturedInDebugMode() throws InterruptedException {
        Reports reports = new Reports();
        try (OpenSpanDetector detector = manual(reports).captureStacks(true).start()) {
            SimplePool pool = new SimplePool(detector, 2);
            pool.start("with-stack");
            Thread.sleep(60);
            detector.scanNow();
            Throwable stack = reports.open.get(0).get(0).startStack();
            assertNotNull(stack);
            assertTrue(Arrays.stream(stack.getStackTrace())
                    .anyMatch(e -> e.getMethodName().equals("startStacksAreCapturedInDebugMode")));
        }
    }

    @Test
    void leakedFlyweightsAreReclaimedWhenThePoolRunsOut() throws InterruptedException {
        Reports reports = new Reports();
        try (OpenSpanDetector detector = manual(reports).start()) { // default: WHEN_POOL_EXHAUSTED
            SimplePool pool = new SimplePool(detector, 2);
            SimplePool.Flyweight leakA = pool.start("leak-a");
            SimplePool.Flyweight leakB = pool.start("leak-b");
            assertNull(pool.start("no room"), "pool should be exhausted");
            Thread.sleep(60);

            assertEquals(2, detector.scanNow());
            assertEquals(2, detector.reclaimed());
            assertEquals(2, pool.tracker.reclaimed());
            assertTrue(reports.open.get(0).stream().allMatch(OpenSpanReport::reclaimed));
            PoolExhaustionReport exhausted = reports.exhausted.get(0).get(0);
            assertEquals(1, exhausted.exhaustions());
            assertEquals(2, exhausted.openSpans());
            assertEquals(2, exhausted.capacity());
            assertEquals(2, pool.freeCount(), "reclaimed flyweights not replaced");

            // The pool works again; the replacements are new objects.
            SimplePool.Flyweight fresh = pool.start("fresh");
            assertNotNull(fresh);
            assertTrue(fresh != leakA && fresh != leakB);
            // A leaked span ended late does not return its (replaced) flyweight to the pool.
            assertFalse(pool.end(leakA));
            assertFalse(pool.end(leakB));
            assertEquals(1, pool.freeCount());
            assertTrue(pool.end(fresh));
            assertEquals(2, pool.freeCount());

            assertEquals(0, detector.scanNow(), "nothing is open any more");
        }
    }

    @Test
    void neverPolicyOnlyReportsAndAlwaysPolicyReclaimsWithoutPressure() throws InterruptedException {
        Reports reports = new Reports();
        try (OpenSpanDetector never = manual(reports).reclaimPolicy(OpenSpanDetector.ReclaimPolicy.NEVER).start();
             OpenSpanDetector always = manual(reports).reclaimPolicy(OpenSpanDetector.ReclaimPolicy.ALWAYS).start()) {
            SimplePool exhaustedPool = new SimplePool(never, 1);
            exhaustedPool.start("leak");
            assertNull(exhaustedPool.start("no room"));
            SimplePool roomyPool = new SimplePool(always, 4);
            roomyPool.start("leak");
            Thread.sleep(60);
            assertEquals(1, never.scanNow());
            assertEquals(0, never.reclaimed());
            assertEquals(0, exhaustedPool.freeCount());
            assertEquals(1, always.scanNow());
            assertEquals(1, always.reclaimed());
            assertEquals(4, roomyPool.freeCount());
        }
    }

    @Test
    void theDefaultReporterWarnsThroughSystemLogger() throws InterruptedException {
        CapturingLogger log = new CapturingLogger();
        try (OpenSpanDetector detector = OpenSpanDetector.builder().name("logged").interval(Duration.ofHours(1))
                .threshold(Duration.ofMillis(20)).logger(log).start()) {
            SimplePool pool = new SimplePool(detector, 1);
            pool.start("GET /orders");
            assertNull(pool.start("no room"));
            Thread.sleep(40);
            detector.scanNow();
            assertEquals(1, log.messages.size(), log.messages.toString());
            String message = log.messages.get(0);
            assertTrue(message.startsWith("WARNING ringtrace[logged]: 1 span(s) started and not ended: 'GET /orders' on thread "), message);
            assertTrue(message.contains("span pool of thread " + Thread.currentThread().getName() + " exhausted 1 times"), message);
        }
    }

    @Test
    void poolsOfEndedThreadsAreForgottenOnceEmpty() throws InterruptedException {
        Reports reports = new Reports();
        try (OpenSpanDetector detector = manual(reports).start()) {
            Thread worker = new Thread(() -> {
                SimplePool pool = new SimplePool(detector, 2);
                pool.end(pool.start("short"));
            });
            worker.start();
            worker.join(10_000);
            assertEquals(1, detector.trackedPools());
            detector.scanNow();
            assertEquals(0, detector.trackedPools());
        }
    }

    private static long sink;

    @Test
    void trackingAllocatesNothingAndTheCheckCatchesStackCapture() {
        Reports reports = new Reports();
        try (OpenSpanDetector quiet = manual(reports).start();
             OpenSpanDetector debug = manual(reports).captureStacks(true).start()) {
            SimplePool pool = new SimplePool(quiet, 4);
            long tracked = AllocationMeter.bytesAllocated(20_000, 10_000, () -> {
                SimplePool.Flyweight f = pool.start("span");
                sink += f.slot;
                pool.end(f);
            });
            assertEquals(0, tracked, "open/close tracking allocated");

            // Deliberately allocating variant: stack capture (the debug setting) allocates per start.
            SimplePool debugPool = new SimplePool(debug, 4);
            long capturing = AllocationMeter.bytesAllocated(2_000, 1_000, () -> {
                SimplePool.Flyweight f = debugPool.start("span");
                sink += f.slot;
                debugPool.end(f);
            });
            assertTrue(capturing >= 1_000L * 32, "the check failed to see stack capture: " + capturing + " B");
        }
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> OpenSpanDetector.builder().interval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> OpenSpanDetector.builder().threshold(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> OpenSpanDetector.builder().reclaimPolicy(null));
    }
}
