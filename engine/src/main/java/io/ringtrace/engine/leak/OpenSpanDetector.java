package io.ringtrace.engine.leak;

import io.ringtrace.engine.monitor.RateLimitedLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

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
 * By {@link ReclaimPolicy policy} it also reclaims the flyweights of leaked spans: the pool gets a
 * fresh flyweight in the leaked one's place, so a leak cannot exhaust a pool for good. A reclaimed
 * span that is ended after all is still published; only its flyweight does not return to the pool.
 *
 * <p>Bound: one tracker per pool; trackers of ended threads are dropped once they hold no open span.
 * {@link #close()} stops the thread and waits for it.
 */
public final class OpenSpanDetector implements AutoCloseable {

    /** When the detector takes a leaked span's flyweight back for its pool. */
    public enum ReclaimPolicy {
        /** Never: leaked flyweights stay out of their pool (reported only). */
        NEVER,
        /**
         * Only for a pool that ran out of flyweights since the previous scan or has all of them open:
         * leaked spans older than the threshold are reclaimed then (default).
         */
        WHEN_POOL_EXHAUSTED,
        /** Every span older than the threshold is reclaimed at the scan that finds it. */
        ALWAYS
    }

    /** Default scan interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Default age after which an open span counts as leaked. */
    public static final Duration DEFAULT_THRESHOLD = Duration.ofSeconds(60);
    /** System property that turns start-stack capture on by default ({@code -Dringtrace.leak.captureStacks=true}). */
    public static final String CAPTURE_STACKS_PROPERTY = "ringtrace.leak.captureStacks";
    /** Name of the {@link System.Logger} the default reporter writes to. */
    public static final String LOGGER_NAME = "io.ringtrace.engine.leak";
    /** Prefix of the detector thread's name; the engine's name follows. */
    public static final String THREAD_NAME_PREFIX = "ringtrace-leak-";

    private final String name;
    private final long intervalNanos;
    private final long thresholdNanos;
    private final boolean captureStacks;
    private final ReclaimPolicy reclaimPolicy;
    private final LeakReporter reporter;
    private final RateLimitedLog errorLog;
    // Written by pool creation on app threads, iterated by the scan: copy-on-write suits a list
    // that changes once per thread and is read every interval.
    private final List<TrackedPool> trackers = new CopyOnWriteArrayList<>();
    private final Object wakeUp = new Object();
    private final Thread thread;
    private final AtomicLong scans = new AtomicLong();
    private final AtomicLong leaksReported = new AtomicLong();
    private final AtomicLong reclaimed = new AtomicLong();
    private volatile int lastOpenOverThreshold;
    private volatile boolean running = true;
    // Only the detector thread (or a caller of scanNow, serialized by synchronized) touches this.
    private final Map<TrackedPool, Long> exhaustionsSeen = new IdentityHashMap<>();

    private OpenSpanDetector(Builder b) {
        this.name = b.name;
        this.intervalNanos = b.interval.toNanos();
        this.thresholdNanos = b.threshold.toNanos();
        this.captureStacks = b.captureStacks;
        this.reclaimPolicy = b.reclaimPolicy;
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
                capacity, captureStacks, Objects.requireNonNull(reclaimer, "reclaimer"));
        trackers.add(tracker);
        return tracker;
    }

    /**
     * Registers a pool that keeps its own open-span state (the engine's span pool). Pools whose
     * thread ended are dropped by the scan once they hold no open span.
     *
     * @param pool the pool
     */
    public void register(TrackedPool pool) {
        trackers.add(Objects.requireNonNull(pool, "pool"));
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
        List<OpenSpanReport> open = new ArrayList<>();
        List<PoolExhaustionReport> exhausted = new ArrayList<>();
        for (TrackedPool tracker : trackers) {
            scanPool(tracker, open, exhausted);
        }
        scans.incrementAndGet();
        lastOpenOverThreshold = open.size();
        if (!open.isEmpty() || !exhausted.isEmpty()) {
            leaksReported.addAndGet(open.size());
            reporter.report(Collections.unmodifiableList(open), Collections.unmodifiableList(exhausted));
        }
        return open.size();
    }

    private void scanPool(TrackedPool tracker, List<OpenSpanReport> open,
                          List<PoolExhaustionReport> exhausted) {
        long exhaustionsNow = tracker.exhaustions();
        long exhaustionsBefore = exhaustionsSeen.getOrDefault(tracker, 0L);
        exhaustionsSeen.put(tracker, exhaustionsNow);

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
        boolean reclaim = reclaimPolicy == ReclaimPolicy.ALWAYS
                || (reclaimPolicy == ReclaimPolicy.WHEN_POOL_EXHAUSTED && poolUnderPressure);

        for (int slot = 0; slot < capacity; slot++) {
            long openedAt = tracker.openedAtNanos(slot);
            if (openedAt == TrackedPool.NOT_OPEN || now - openedAt < thresholdNanos) {
                continue; // free or young
            }
            Object spanName = tracker.spanName(slot);
            Throwable stack = tracker.startStack(slot);
            boolean wasReclaimed = reclaim && tracker.reclaim(slot, openedAt);
            if (wasReclaimed) {
                reclaimed.incrementAndGet();
            }
            open.add(new OpenSpanReport(tracker.threadName(), spanName == null ? "?" : spanName.toString(),
                    now - openedAt, stack, wasReclaimed));
        }
        if (openCount == 0 && tracker.ownerThreadEnded()) {
            trackers.remove(tracker); // its thread is gone and it holds nothing: forget it
            exhaustionsSeen.remove(tracker);
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

    /** @return pools currently tracked */
    public int trackedPools() {
        return trackers.size();
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
        private ReclaimPolicy reclaimPolicy = ReclaimPolicy.WHEN_POOL_EXHAUSTED;
        private LeakReporter reporter;
        private Logger logger;

        private Builder() {}

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
        public Builder reclaimPolicy(ReclaimPolicy policy) {
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
