package io.ringtrace.engine;

import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanRecord;
import java.lang.ref.WeakReference;

/**
 * One thread's pool of {@link Span} flyweights for one engine, and that thread's current span
 * (for implicit parenting of nested spans).
 *
 * <p>Bound: at most {@code capacity} spans (the engine's {@code spansPerThread}), created lazily the
 * first time that many are open at once, then reused forever. When all are open, {@code start()}
 * returns the engine's no-op span and a sampled span is counted as
 * {@link io.ringtrace.engine.export.DropReason#POOL_EXHAUSTED}.
 *
 * <p>Threads: only the owner thread takes spans and moves {@link #current}; any thread may end (and
 * so free) a span. A span's state field orders the hand-back (see {@link Span#tryAcquire()}).
 * {@link #spans()} lets an observer (e.g. a leak detector) look at the open spans: read their state
 * with {@link Span#isOpen()} and their start time, nothing else.
 *
 * <p>Reachability: the engine keeps its pools in a {@code ThreadLocal}, and a thread's map holds each
 * value strongly for as long as the thread lives (only the key is weak). So a pool holds its engine
 * weakly: a strong reference would make every thread that ever started a span keep a closed engine,
 * with its ring, overflow buffers and exporter, alive for good. An open engine is always strongly
 * reachable from its own serializer thread, so {@link #publish} finds it as long as it runs; once the
 * application has closed and dropped it, it is collected, and a stale pool keeps only its own spans
 * until the JDK expunges the thread-local entry.
 */
final class SpanPool implements SpanPoolView {

    private static final java.lang.invoke.VarHandle SPANS =
            java.lang.invoke.MethodHandles.arrayElementVarHandle(Span[].class);

    /** Weak: see the class comment. */
    private final WeakReference<TraceEngine> engine;
    /** The engine's clock, for the span's event and end times. */
    final EpochClock clock;
    private final SpanLimits limits;
    final Thread owner;
    private final Span[] spans;
    private int created;
    private int next;
    /** The owner thread's innermost open span, or null; owner thread only. */
    private Span current;
    /** Starts that found every flyweight open; written by the owner only, read racily by observers. */
    private volatile long exhaustions;

    SpanPool(TraceEngine engine, Thread owner, int capacity) {
        this.engine = new WeakReference<>(engine);
        this.clock = engine.clock;
        this.limits = engine.limits;
        this.owner = owner;
        this.spans = new Span[capacity];
    }

    /**
     * @param startEpochNanos the new span's start time
     * @param name the new span's name constant, or null
     * @return a span taken for a new span, or null if all are open (owner thread only)
     */
    Span acquire(long startEpochNanos, Object name) {
        int n = created;
        for (int i = 0; i < n; i++) {
            int index = next + i < n ? next + i : next + i - n;
            Span span = spans[index];
            if (span.tryAcquire(startEpochNanos, name)) {
                next = index + 1 == n ? 0 : index + 1;
                return span;
            }
        }
        if (n < spans.length) { // warm-up only: grows to the deepest nesting seen, then never again
            Span span = new Span(this, n, new SpanRecord(limits), Span.FREE);
            spans[n] = span;
            created = n + 1; // plain store: only the owner reads created for acquiring
            span.tryAcquire(startEpochNanos, name);
            return span;
        }
        exhaustions = exhaustions + 1; // single writer (the owner): a volatile store, no CAS needed
        return null;
    }

    /**
     * Hands an ended, sampled span to the engine (from {@link Span#end(long)}, on any thread).
     * Allocation-free: {@code Reference.get()} is a plain read.
     *
     * @param record the span's record
     */
    void publish(SpanRecord record) {
        TraceEngine target = engine.get(); // non-null while the engine runs: its serializer thread holds it
        if (target != null) {
            target.publishSpan(record); // a closed engine counts the span as a SHUTDOWN drop
        }
        // null: the engine was closed and collected; nothing is left that could count the span
    }

    /** Counts a span API call ignored as misuse (see {@link Span}); nothing to count once the engine is gone. */
    void spanCallIgnored() {
        TraceEngine target = engine.get();
        if (target != null) {
            target.spanCallIgnored();
        }
    }

    /** Counts a second {@code end()} of a span; nothing to count once the engine is gone. */
    void repeatedEnd() {
        TraceEngine target = engine.get();
        if (target != null) {
            target.repeatedEnd();
        }
    }

    /**
     * @return the owner thread's innermost span that is still open, or null (owner thread only);
     *     skips spans that were ended on other threads, and stops at a parent that was reused
     */
    Span current() {
        Span span = current;
        while (span != null && !span.isOpen()) {
            Span parent = span.parent;
            span = parent != null && parent.generation == span.parentGeneration ? parent : null;
        }
        current = span;
        return span;
    }

    /** Makes a just-started span the owner's current one (owner thread only). */
    void started(Span span) {
        if (current != span) {
            current = span; // only when it changes: a reference store costs a G1 card mark
        }
    }

    /** Called by {@link Span#end(long)} on whatever thread ends it, before the span is freed. */
    void ended(Span span) {
        if (Thread.currentThread() == owner && current == span) {
            Span parent = span.parent;
            current = parent != null && parent.generation == span.parentGeneration && parent.isOpen() ? parent : null;
            if (current != null) {
                current(); // the parent itself may have been ended elsewhere: walk up
            }
        }
        // on another thread: the owner's current() skips this span lazily, next time it starts one
    }

    // ------------------------------------------------------------------ SpanPoolView (any thread)

    @Override
    public Thread ownerThread() {
        return owner;
    }

    @Override
    public int capacity() {
        return spans.length;
    }

    @Override
    public long openedAtEpochNanos(int slot) {
        Span span = spans[slot]; // racy read: null until the owner creates it; Span's fields used here are final or checked
        if (span == null || !span.isOpen()) {
            return NOT_OPEN;
        }
        return span.startEpochNanos;
    }

    @Override
    public Object spanName(int slot) {
        Span span = spans[slot];
        return span == null || !span.isOpen() ? null : span.nameConstant;
    }

    @Override
    public long exhaustions() {
        return exhaustions;
    }

    @Override
    public Throwable startStack(int slot) {
        Span span = spans[slot];
        return span == null || !span.isOpen() ? null : span.startStack;
    }

    /** For the leak detector (operability): replaces a leaked span's flyweight with a fresh one. */
    @Override
    public boolean reclaim(int slot, long openedAtEpochNanos) {
        Span leaked = (Span) SPANS.getAcquire(spans, slot);
        if (leaked == null || openedAtEpochNanos(slot) != openedAtEpochNanos) {
            return false; // ended (or reused) since the caller looked
        }
        Span fresh = new Span(this, slot, new SpanRecord(limits), Span.FREE);
        // The CAS publishes the fresh span (final fields, FREE state) to the owner thread, whose next
        // acquire() finds it; it fails harmlessly if the slot changed meanwhile. The leaked object
        // stays OPEN for its holder, outside the array, and is garbage once ended.
        return SPANS.compareAndSet(spans, slot, leaked, fresh);
    }
}
