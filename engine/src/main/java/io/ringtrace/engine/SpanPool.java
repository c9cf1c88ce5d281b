package io.ringtrace.engine;

import io.ringtrace.codec.SpanRecord;

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
 */
final class SpanPool {

    final TraceEngine engine;
    final Thread owner;
    private final Span[] spans;
    private int created;
    private int next;
    /** The owner thread's innermost open span, or null; owner thread only. */
    private Span current;

    SpanPool(TraceEngine engine, Thread owner, int capacity) {
        this.engine = engine;
        this.owner = owner;
        this.spans = new Span[capacity];
    }

    /** @return a span taken for a new span, or null if all are open (owner thread only) */
    Span acquire() {
        int n = created;
        for (int i = 0; i < n; i++) {
            int index = next + i < n ? next + i : next + i - n;
            Span span = spans[index];
            if (span.tryAcquire()) {
                next = index + 1 == n ? 0 : index + 1;
                return span;
            }
        }
        if (n < spans.length) { // warm-up only: grows to the deepest nesting seen, then never again
            Span span = new Span(this, n, new SpanRecord(engine.limits), Span.FREE);
            spans[n] = span;
            created = n + 1; // plain store: only the owner reads created for acquiring
            span.tryAcquire();
            return span;
        }
        return null;
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
        current = span;
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

    /** @return the flyweights created so far (for observers; read-only; entries may be null) */
    Span[] spans() {
        return spans;
    }
}
