package io.ringtrace.engine.internal.leak;

import io.ringtrace.engine.internal.monitor.RateLimitedLog;
import io.ringtrace.engine.ops.LeakReclaimPolicy;
import io.ringtrace.engine.ops.LeakReporter;
import io.ringtrace.engine.ops.OpenSpanReport;
import io.ringtrace.engine.ops.PoolExhaustionReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Finds spans that were started and never ended: the open-span leak detector. Off by default (the
 * engine creates one only when asked); cheap when on.
 *
 * <p>Each per-thread pool of span flyweights registers as a {@link TrackedPool} ({@link #register}),
 * or gets a {@link SpanPoolTracker} ({@link #track}) and marks its flyweights opened and closed
 * with a few stores. Every {@link Builder#interval
 * interval} the detector's own daemon thread ({@code ringtrace-leak-<name>}) scans the trackers
 * and reports, through a {@link LeakReporter} (default: a rate-limited {@link System.Logger}
 * warning, logger {@value #LOGGER_NAME}):
 * <ul>
 *   <li>every span open longer than the {@link Builder#threshold threshold}: thread, name, age, and
 *       the start stack when {@link Builder#captureStacks(boolean) captured} (a debug setting: it
 *       allocates a {@code Throwable} per span start);</li>
 *   <li>every pool that ran out of flyweights since the previous scan (starts on that thread then
 *       degrade as the engine documents, counted as {@code POOL_EXHAUSTED}).</li>
 * </ul>
 * By {@link LeakReclaimPolicy policy} it also reclaims the flyweights of leaked spans: the pool gets a
 * fresh flyweight in the leaked one's place, so a leak cannot exhaust a pool for good. A reclaimed
 * span that is ended after all is still published; only its flyweight does not return to the pool.
 *
 * <p>Threads that end: a pool whose owner thread has ended is scanned one last time once none of its
 * open spans is younger than the threshold (a younger one may still be ended by the thread it was
 * handed to): its leaked spans are reported that once more, flagged {@link
 * OpenSpanReport#ownerThreadEnded()}, and the detector lets go of the pool and its thread. Nothing is
 * reclaimed for such a pool: it never hands a flyweight out again.
 *
 * <p>Cost and bound: registering a pool (a thread's first span) is one lock-free queue insertion,
 * whatever the number of pools tracked; the scan takes the new pools over. The detector tracks the
 * pools of live threads, plus those of threads that ended within about one threshold and one
 * interval. {@link #close()} stops the thread and waits for it.
 */
public final class OpenSpanDetector implements AutoCloseable {

    /** Default scan interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Default age after which an open span counts as leaked. */
    public static final Duration DEFAULT_THRESHOLD = Duration.ofSeconds(60);
    /** System property that turns start-stack capture on by default ({@code -Dringtrace.leak.captureStacks=true}). */
    public static final String CAPTURE_STACKS_PROPERTY = "ringtrace.leak.captureStacks";
    /** Name of the {@link System.Logger} the default reporter writes to (documented for log configuration, so not the package name). */
    public static final String LOGGER_NAME = "io.ringtrace.engine.leak";
    /** Prefix of the detector thread's name; the engine's name follows. */
    public static final String THREAD_NAME_PREFIX = "ringtrace-leak-";

    private final String name;
    private final long intervalNanos;
    private final long thresholdNanos;
    private final boolean captureStacks;
    private final LeakReclaimPolicy reclaimPolicy;
    private final LeakReporter reporter;
    private final RateLimitedLog errorLog;
    // The clock of the trackers this detector hands out: System::nanoTime, or a test's own clock that
    // it advances instead of sleeping. Read off the hot path only (a tracker's origin, and each scan):
    // span starts pass the time they read themselves.
    private final LongSupplier nanoClock;
    // Pools registered since the last scan, from application threads at their first span: a
    // lock-free insertion costs the same however many pools are tracked (thread-per-request and
    // virtual threads register all the time). Only the scan drains it.
    private final Queue<TrackedPool> registered = new ConcurrentLinkedQueue<>();
    // The pools the scans look at, each with the exhaustion count seen at the previous scan. Only
    // a scan (synchronized, so the detector thread or one scanNow caller at a time) touches it.
    private final List<Tracked> tracked = new ArrayList<>();
    private final Object wakeUp = new Object();
    private final Thread thread;
    private final AtomicLong scans = new AtomicLong();
    private final AtomicLong leaksReported = new AtomicLong();
    private final AtomicLong reclaimed = new AtomicLong();
    private volatile int lastOpenOverThreshold;
    private volatile boolean running = true;

    private OpenSpanDetector(Builder b) {
        this.name = b.name;
        this.intervalNanos = b.interval.toNanos();
        this.thresholdNanos = b.threshold.toNanos();
        this.captureStacks = b.captureStacks;
        this.reclaimPolicy = b.reclaimPolicy;
        this.nanoClock = b.nanoClock;
        Logger logger = b.logger != null ? b.logger : System.getLogger(LOGGER_NAME);
        this.reporter = b.reporter != null ? b.reporter : new LoggingReporter(name, logger, intervalNanos);
        this.errorLog = new RateLimitedLog(logger, intervalNanos);
        this.thread = new Thread(this::run, THREAD_NAME_PREFIX + name);
        this.thread.setDaemon(true); // never keeps the application's JVM alive
    }

    /** @return a builder with the defaults (interval 10 s, threshold 60 s, reclaim when exhausted) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers a per-thread pool. Called once per pool, on the thread that owns it.
     *
     * @param ownerThread the thread whose pool it is (held weakly)
     * @param capacity the pool's number of flyweights; slots are {@code [0, capacity)}
     * @param reclaimer puts a fresh flyweight into a slot whose flyweight was reclaimed
     * @return the tracker the pool marks its flyweights in
     */
    public SpanPoolTracker track(Thread ownerThread, int capacity, SpanPoolTracker.Reclaimer reclaimer) {
        SpanPoolTracker tracker = new SpanPoolTracker(Objects.requireNonNull(ownerThread, "ownerThread"),
                capacity, captureStacks, Objects.requireNonNull(reclaimer, "reclaimer"), nanoClock);
        registered.add(tracker);
        return tracker;
    }

    /**
     * Registers a pool that keeps its own open-span state (the engine's span pool). Constant cost
     * (one lock-free queue insertion), however many pools are tracked. Pools whose thread ended are
     * dropped by the scan as the class comment says.
     *
     * @param pool the pool
     */
    public void register(TrackedPool pool) {
        registered.add(Objects.requireNonNull(pool, "pool"));
    }

    /** @return the clock of the trackers {@link #track} hands out: what {@code startNanoTime} is read from */
    LongSupplier nanoClock() {
        return nanoClock;
    }

    /** @return whether span start stacks are captured (the debug setting) */
    public boolean captureStacks() {
        return captureStacks;
    }

    private void run() {
        while (running) {
            synchronized (wakeUp) {
                long deadline = System.nanoTime() + intervalNanos;
                long left;
                // Loop against spurious wake-ups; close() sets running=false and notifies.
                while (running && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        wakeUp.wait(left / 1_000_000, (int) (left % 1_000_000));
                    } catch (InterruptedException e) {
                        return; // only close() interrupts, as a last resort
                    }
                }
            }
            if (!running) {
                return;
            }
            try {
                scanNow();
            } catch (RuntimeException | Error e) {
                errorLog.log(Level.ERROR, "ringtrace[" + name + "]: open-span scan failed: " + e);
            }
        }
    }

    /**
     * Scans every pool now (the detector thread does this on its interval), reclaims by policy and
     * reports what it found.
     *
     * @return the number of spans open longer than the threshold
     */
    public synchronized int scanNow() {
        takeOverRegistered();
        List<OpenSpanReport> open = new ArrayList<>();
        List<PoolExhaustionReport> exhausted = new ArrayList<>();
        int kept = 0;
        for (int i = 0; i < tracked.size(); i++) {
            Tracked pool = tracked.get(i);
            if (scanPool(pool, open, exhausted)) {
                tracked.set(kept++, pool); // compacts in place: dropping pools costs O(1) each
            }
        }
        tracked.subList(kept, tracked.size()).clear();
        scans.incrementAndGet();
        lastOpenOverThreshold = open.size();
        if (!open.isEmpty() || !exhausted.isEmpty()) {
            leaksReported.addAndGet(open.size());
            reporter.report(Collections.unmodifiableList(open), Collections.unmodifiableList(exhausted));
        }
        return open.size();
    }

    /** Moves the pools registered since the last scan into {@link #tracked} (scan only). */
    private void takeOverRegistered() {
        TrackedPool pool;
        while ((pool = registered.poll()) != null) {
            tracked.add(new Tracked(pool));
        }
    }

    /**
     * Scans one pool, reports what it found and reclaims by policy.
     *
     * @return whether to keep tracking the pool: false once its thread has ended and it holds no
     *     span younger than the threshold (its leaks are reported by this scan, for the last time)
     */
    private boolean scanPool(Tracked entry, List<OpenSpanReport> open, List<PoolExhaustionReport> exhausted) {
        TrackedPool tracker = entry.pool;
        // Read before the slots: a thread seen ended (Thread.isAlive() false) has made all its writes
        // visible, so the slots read below are final but for ends on other threads and reclaims.
        boolean ownerEnded = tracker.ownerThreadEnded();
        long exhaustionsNow = tracker.exhaustions();
        long exhaustionsBefore = entry.exhaustionsSeen;
        entry.exhaustionsSeen = exhaustionsNow;

        int capacity = tracker.slots();
        long now = tracker.nowNanos();
        int openCount = 0;
        for (int slot = 0; slot < capacity; slot++) {
            if (tracker.openedAtNanos(slot) != TrackedPool.NOT_OPEN) {
                openCount++;
            }
        }
        boolean poolUnderPressure = exhaustionsNow > exhaustionsBefore || openCount == capacity;
        if (exhaustionsNow > exhaustionsBefore) {
            exhausted.add(new PoolExhaustionReport(tracker.threadName(), exhaustionsNow - exhaustionsBefore,
                    openCount, capacity));
        }
        // a pool whose thread ended never hands a flyweight out again: a replacement would be waste
        boolean reclaim = !ownerEnded && (reclaimPolicy == LeakReclaimPolicy.ALWAYS
                || (reclaimPolicy == LeakReclaimPolicy.WHEN_POOL_EXHAUSTED && poolUnderPressure));

        boolean youngOpen = false;
        for (int slot = 0; slot < capacity; slot++) {
            long openedAt = tracker.openedAtNanos(slot);
            if (openedAt == TrackedPool.NOT_OPEN) {
                continue;
            }
            if (now - openedAt < thresholdNanos) {
                youngOpen = true;
                continue;
            }
            Object spanName = tracker.spanName(slot);
            Throwable stack = tracker.startStack(slot);
            boolean wasReclaimed = reclaim && tracker.reclaim(slot, openedAt);
            if (wasReclaimed) {
                reclaimed.incrementAndGet();
            }
            open.add(new OpenSpanReport(tracker.threadName(), spanName == null ? "?" : spanName.toString(),
                    now - openedAt, stack, wasReclaimed, ownerEnded));
        }
        // its thread is gone and every leak it holds was reported just now: forget it (and the thread)
        return !ownerEnded || youngOpen;
    }

    /** A tracked pool and what the previous scan saw of it. */
    private static final class Tracked {
        final TrackedPool pool;
        long exhaustionsSeen;

        Tracked(TrackedPool pool) {
            this.pool = pool;
        }
    }

    /** @return the detector's name (usually the engine's) */
    public String name() {
        return name;
    }

    /** @return scans done so far */
    public long scans() {
        return scans.get();
    }

    /** @return spans found open longer than the threshold, summed over all scans */
    public long leaksReported() {
        return leaksReported.get();
    }

    /** @return spans open longer than the threshold at the latest scan */
    public int lastOpenOverThreshold() {
        return lastOpenOverThreshold;
    }

    /** @return leaked flyweights reclaimed for their pools so far */
    public long reclaimed() {
        return reclaimed.get();
    }

    /** @return pools currently tracked, those registered since the last scan included */
    public synchronized int trackedPools() {
        takeOverRegistered();
        return tracked.size();
    }

    /** @return the detector's thread (named {@code ringtrace-leak-<name>}, daemon) */
    public Thread thread() {
        return thread;
    }

    /**
     * Stops the detector's thread and waits up to 5 s for it to end. Idempotent.
     */
    @Override
    public void close() {
        synchronized (wakeUp) {
            running = false;
            wakeUp.notifyAll();
        }
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
                if (thread.isAlive()) {
                    thread.interrupt(); // a reporter stuck in I/O: wake it
                    thread.join(1_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private OpenSpanDetector startThread() {
        thread.start();
        return this;
    }

    /** The default reporter: one rate-limited warning per scan that found something. */
    private static final class LoggingReporter implements LeakReporter {
        private static final int MAX_LISTED = 10;
        private final String name;
        private final RateLimitedLog log;

        LoggingReporter(String name, Logger logger, long minIntervalNanos) {
            this.name = name;
            this.log = new RateLimitedLog(logger, minIntervalNanos);
        }

        @Override
        public void report(List<OpenSpanReport> openSpans, List<PoolExhaustionReport> exhaustedPools) {
            StringBuilder message = new StringBuilder("ringtrace[").append(name).append("]: ");
            if (!openSpans.isEmpty()) {
                message.append(openSpans.size()).append(" span(s) started and not ended: ");
                for (int i = 0; i < openSpans.size() && i < MAX_LISTED; i++) {
                    message.append(i == 0 ? "" : "; ").append(openSpans.get(i));
                }
                if (openSpans.size() > MAX_LISTED) {
                    message.append("; ...");
                }
                message.append(". ");
            }
            for (PoolExhaustionReport pool : exhaustedPools) {
                message.append(pool).append(". ");
            }
            for (int i = 0; i < openSpans.size() && i < MAX_LISTED; i++) {
                Throwable stack = openSpans.get(i).startStack();
                if (stack != null) {
                    StringWriter trace = new StringWriter();
                    stack.printStackTrace(new PrintWriter(trace));
                    message.append(System.lineSeparator()).append(trace);
                }
            }
            log.log(Level.WARNING, message.toString().trim());
        }
    }

    /** Configures and starts an {@link OpenSpanDetector}. */
    public static final class Builder {
        private String name = "ringtrace";
        private Duration interval = DEFAULT_INTERVAL;
        private Duration threshold = DEFAULT_THRESHOLD;
        private boolean captureStacks = Boolean.getBoolean(CAPTURE_STACKS_PROPERTY);
        private LeakReclaimPolicy reclaimPolicy = LeakReclaimPolicy.WHEN_POOL_EXHAUSTED;
        private LeakReporter reporter;
        private Logger logger;
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {}

        /**
         * The clock of the trackers {@link OpenSpanDetector#track} hands out, in place of
         * {@link System#nanoTime()}:
         * for tests that advance time themselves instead of sleeping.
         *
         * @param nanoClock a monotonic nanosecond clock
         * @return this
         */
        Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * @param name the engine's name: in the thread name and the reports
         * @return this
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param interval time between two scans, {@code > 0}
         * @return this
         */
        public Builder interval(Duration interval) {
            this.interval = positive(interval, "interval");
            return this;
        }

        /**
         * @param threshold age after which an open span is reported as leaked, {@code > 0}
         * @return this
         */
        public Builder threshold(Duration threshold) {
            this.threshold = positive(threshold, "threshold");
            return this;
        }

        /**
         * @param capture whether to record each span's start stack (a debug setting: one
         *     {@code Throwable} per span start); default from {@value #CAPTURE_STACKS_PROPERTY}
         * @return this
         */
        public Builder captureStacks(boolean capture) {
            this.captureStacks = capture;
            return this;
        }

        /**
         * @param policy when leaked flyweights are reclaimed for their pools
         * @return this
         */
        public Builder reclaimPolicy(LeakReclaimPolicy policy) {
            this.reclaimPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param reporter receives each scan's findings (default: a rate-limited log warning)
         * @return this
         */
        public Builder reporter(LeakReporter reporter) {
            this.reporter = Objects.requireNonNull(reporter, "reporter");
            return this;
        }

        /**
         * @param logger where the default reporter and scan errors write (default
         *     {@code System.getLogger("io.ringtrace.engine.leak")})
         * @return this
         */
        public Builder logger(Logger logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be > 0, got " + d);
            }
            return d;
        }

        /** @return a running detector; close it to stop its thread */
        public OpenSpanDetector start() {
            return new OpenSpanDetector(this).startThread();
        }
    }
}
