package io.ringtrace.engine.internal.leak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.internal.monitor.AllocationMeter;
import io.ringtrace.engine.internal.monitor.CapturingLogger;
import io.ringtrace.engine.ops.LeakReclaimPolicy;
import io.ringtrace.engine.ops.LeakReporter;
import io.ringtrace.engine.ops.OpenSpanReport;
import io.ringtrace.engine.ops.PoolExhaustionReport;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
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

    /**
     * A nanosecond clock that moves only when the test advances it: span ages are exact, and no test
     * depends on how long a sleep took on a loaded machine.
     */
    static final class TestClock implements LongSupplier {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

        @Override
        public long getAsLong() {
            return nanos.get();
        }

        void advance(Duration by) {
            nanos.addAndGet(by.toNanos());
        }
    }

    private final TestClock clock = new TestClock();

    private OpenSpanDetector.Builder manual(Reports reports) {
        // An interval of an hour: the tests drive scans with scanNow(), and time with the clock.
        return OpenSpanDetector.builder().name("t").interval(Duration.ofHours(1))
                .threshold(Duration.ofMillis(50)).reporter(reports).nanoClock(clock);
    }

    @Test
    void leakedSpansAreReportedWithCountNameAndAge() {
        Reports reports = new Reports();
        try (OpenSpanDetector detector = manual(reports).reclaimPolicy(LeakReclaimPolicy.NEVER).start()) {
            SimplePool pool = new SimplePool(detector, 8);
            pool.start("leak-a");
            pool.start("leak-b");
            pool.start("leak-c");
            pool.end(pool.start("ended-1"));
            pool.end(pool.start("ended-2"));
            clock.advance(Duration.ofMillis(120));
            SimplePool.Flyweight young = pool.start("young");
            clock.advance(Duration.ofMillis(49)); // the young span stays under the 50 ms threshold

            assertEquals(3, detector.scanNow());

            assertEquals(1, reports.open.size());
            List<OpenSpanReport> found = reports.open.get(0);
            assertEquals(3, found.size());
            String[] names = found.stream().map(OpenSpanReport::spanName).sorted().toArray(String[]::new);
            assertEquals(Arrays.asList("leak-a", "leak-b", "leak-c"), Arrays.asList(names));
            for (OpenSpanReport r : found) {
                assertEquals(TimeUnit.MILLISECONDS.toNanos(169), r.ageNanos(), r::toString);
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
    void startStacksAreCapturedInDebugMode() {
        Reports reports = new Reports();
        try (OpenSpanDetector detector = manual(reports).captureStacks(true).start()) {
            SimplePool pool = new SimplePool(detector, 2);
            pool.start("with-stack");
            clock.advance(Duration.ofMillis(60));
            assertEquals(1, detector.scanNow());
            Throwable stack = reports.open.get(0).get(0).startStack();
            assertNotNull(stack);
            assertTrue(Arrays.stream(stack.getStackTrace())
                    .anyMatch(e -> e.getMethodName().equals("startStacksAreCapturedInDebugMode")));
        }
    }

    @Test
    void leakedFlyweightsAreReclaimedWhenThePoolRunsOut() {
        Reports reports = new Reports();
        try (OpenSpanDetector detector = manual(reports).start()) { // default: WHEN_POOL_EXHAUSTED
            SimplePool pool = new SimplePool(detector, 2);
            SimplePool.Flyweight leakA = pool.start("leak-a");
            SimplePool.Flyweight leakB = pool.start("leak-b");
            assertNull(pool.start("no room"), "pool should be exhausted");
            clock.advance(Duration.ofMillis(60));

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
    void neverPolicyOnlyReportsAndAlwaysPolicyReclaimsWithoutPressure() {
        Reports reports = new Reports();
        try (OpenSpanDetector never = manual(reports).reclaimPolicy(LeakReclaimPolicy.NEVER).start();
             OpenSpanDetector always = manual(reports).reclaimPolicy(LeakReclaimPolicy.ALWAYS).start()) {
            SimplePool exhaustedPool = new SimplePool(never, 1);
            exhaustedPool.start("leak");
            assertNull(exhaustedPool.start("no room"));
            SimplePool roomyPool = new SimplePool(always, 4);
            roomyPool.start("leak");
            assertEquals(0, never.scanNow(), "nothing is older than the threshold yet");
            assertEquals(0, always.scanNow());
            clock.advance(Duration.ofMillis(60));
            assertEquals(1, never.scanNow());
            assertEquals(0, never.reclaimed());
            assertEquals(0, exhaustedPool.freeCount());
            assertEquals(1, always.scanNow());
            assertEquals(1, always.reclaimed());
            assertEquals(4, roomyPool.freeCount());
        }
    }

    @Test
    void theDefaultReporterWarnsThroughSystemLogger() {
        CapturingLogger log = new CapturingLogger();
        try (OpenSpanDetector detector = OpenSpanDetector.builder().name("logged").interval(Duration.ofHours(1))
                .threshold(Duration.ofMillis(20)).logger(log).nanoClock(clock).start()) {
            SimplePool pool = new SimplePool(detector, 1);
            pool.start("GET /orders");
            assertNull(pool.start("no room"));
            clock.advance(Duration.ofMillis(40));
            assertEquals(1, detector.scanNow());
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

    @Test
    void deadThreadsWithLeakedSpansAreReportedOnceMoreThenForgotten() throws Exception {
        Reports reports = new Reports();
        int threads = 1_000;
        try (OpenSpanDetector detector = manual(reports).start()) {
            List<WeakReference<SimplePool>> pools = new ArrayList<>();
            List<WeakReference<Thread>> owners = new ArrayList<>();
            for (int i = 0; i < threads; i++) { // short-lived threads, one at a time: each leaks one span
                Thread worker = new Thread(() -> {
                    SimplePool pool = new SimplePool(detector, 2);
                    pool.start("leaked");
                    synchronized (pools) {
                        pools.add(new WeakReference<>(pool));
                    }
                }, "short-lived-" + i);
                worker.start();
                worker.join(10_000);
                assertFalse(worker.isAlive());
                owners.add(new WeakReference<>(worker));
            }
            clock.advance(Duration.ofMillis(60)); // past the 50 ms threshold

            int[] reported = new int[3];
            for (int scan = 0; scan < 3; scan++) {
                reported[scan] = detector.scanNow();
            }
            assertEquals(threads, reported[0], "the first scan after the threads ended reports every leak");
            assertEquals(0, reported[1], "a dead thread's leak is reported once more, not at every scan");
            assertEquals(0, reported[2]);
            assertTrue(reports.open.get(0).stream().allMatch(OpenSpanReport::ownerThreadEnded));
            assertEquals(0, detector.trackedPools(), "pools of dead threads are still tracked");
            assertTrue(allCollected(pools), "the detector still holds the pools of dead threads");
            assertTrue(allCollected(owners), "the detector still holds dead threads");
        }
    }

    @Test
    void aDeadThreadsYoungSpanIsKeptUntilItEndsElsewhereOrCrossesTheThreshold() throws Exception {
        Reports reports = new Reports();
        try (OpenSpanDetector detector = manual(reports).threshold(Duration.ofMillis(300)).start()) {
            SimplePool[] pool = new SimplePool[1];
            SimplePool.Flyweight[] handedOff = new SimplePool.Flyweight[2];
            Thread worker = new Thread(() -> {
                pool[0] = new SimplePool(detector, 4);
                handedOff[0] = pool[0].start("in progress elsewhere");
                handedOff[1] = pool[0].start("leaked");
            });
            worker.start();
            worker.join(10_000);
            assertEquals(0, detector.scanNow(), "young spans of a dead thread may still be in progress on another thread");
            assertEquals(1, detector.trackedPools());
            assertTrue(pool[0].end(handedOff[0])); // ended by another thread, as a hand-off does
            clock.advance(Duration.ofMillis(299));
            assertEquals(0, detector.scanNow(), "under the threshold: still kept, not reported");
            assertEquals(1, detector.trackedPools());
            clock.advance(Duration.ofMillis(1));
            assertEquals(1, detector.scanNow(), "the leak crossed the threshold: reported once more");
            assertEquals("leaked", reports.open.get(0).get(0).spanName());
            assertEquals(0, detector.trackedPools());
            assertEquals(0, detector.scanNow());
        }
    }

    @Test
    void registeringAPoolCostsTheSameWithManyPoolsTracked() {
        Reports reports = new Reports();
        try (OpenSpanDetector detector = manual(reports).start()) {
            TrackedPool[] few = idlePools(500); // 5 measured rounds of 100 registrations each
            TrackedPool[] more = idlePools(20_000);
            TrackedPool[] later = idlePools(500);
            for (int i = 0; i < 10; i++) {
                detector.register(idlePools(1)[0]);
            }
            long withFew = AllocationMeter.bytesAllocated(0, 1, new RegisterAll(detector, few));
            for (TrackedPool pool : more) {
                detector.register(pool);
            }
            detector.scanNow(); // the scan takes them over: registration must stay O(1) either way
            long withMany = AllocationMeter.bytesAllocated(0, 1, new RegisterAll(detector, later));
            // a copy-on-write list copies every tracked pool per registration: 20,000 x 4-8 bytes each
            assertTrue(withMany <= withFew + 4096,
                    "100 registrations allocated " + withFew + " B with few pools tracked, " + withMany + " B with over 20,000");
        }
    }

    /** Registers the next 100 of its pools per run, as 100 new threads' first spans would. */
    private static final class RegisterAll implements AllocationMeter.Work {
        private final OpenSpanDetector detector;
        private final TrackedPool[] pools;
        private int next;

        RegisterAll(OpenSpanDetector detector, TrackedPool[] pools) {
            this.detector = detector;
            this.pools = pools;
        }

        @Override
        public void run() {
            for (int i = 0; i < 100; i++) {
                detector.register(pools[next++]);
            }
        }
    }

    /** Pools of the current (live) thread with nothing open. */
    private static TrackedPool[] idlePools(int n) {
        TrackedPool[] pools = new TrackedPool[n];
        for (int i = 0; i < n; i++) {
            pools[i] = new TrackedPool() {
                @Override public String threadName() { return "idle"; }
                @Override public boolean ownerThreadEnded() { return false; }
                @Override public int slots() { return 1; }
                @Override public long nowNanos() { return System.nanoTime(); }
                @Override public long openedAtNanos(int slot) { return NOT_OPEN; }
                @Override public Object spanName(int slot) { return null; }
                @Override public Throwable startStack(int slot) { return null; }
                @Override public long exhaustions() { return 0; }
                @Override public boolean reclaim(int slot, long openedAtNanos) { return false; }
            };
        }
        return pools;
    }

    /** Collects until every referent is gone: bounded (50 rounds of {@code System.gc()}). */
    static boolean allCollected(List<? extends WeakReference<?>> refs) throws InterruptedException {
        for (int round = 0; round < 50; round++) {
            if (refs.stream().allMatch(r -> r.get() == null)) {
                return true;
            }
            System.gc();
            Thread.sleep(20);
        }
        return refs.stream().allMatch(r -> r.get() == null);
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
