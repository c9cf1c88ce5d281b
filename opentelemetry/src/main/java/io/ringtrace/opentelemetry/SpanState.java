package io.ringtrace.opentelemetry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The pooled part of a span of the OpenTelemetry API on the ring: the engine span it writes into
 * and one lock word that says which generation owns it. The handle handed to the application
 * ({@link RingtraceSpan}) holds this object and the generation it was started with; every call
 * through the handle locks the word for exactly that generation, so a stale handle (its span ended,
 * this state reused) finds another generation and does nothing.
 *
 * <p>Lock word: {@code generation << 2 | FREE | BUSY}. Only the owner thread takes a free state
 * (a plain release store: nobody else can change a free word); any thread may lock an open state
 * for its generation with one CAS, and the thread that ends the span sets the word free with a
 * release store after its last access. The generation is a {@code long}: it never wraps in
 * practice (2^62 spans per state), so a stale handle can never match a later span.
 */
final class SpanState {

    private static final long BUSY = 1;
    private static final long FREE = 2;
    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(SpanState.class, "word", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The thread spans this state belongs to (for scratch space); null for an unpooled state. */
    final ThreadSpans owner;
    @SuppressWarnings("unused") // accessed through WORD
    private volatile long word = FREE;
    /** The engine span of the current generation; written by the owner before the word is published. */
    io.ringtrace.engine.Span span;

    SpanState(ThreadSpans owner) {
        this.owner = owner;
    }

    /** @return whether the owner thread may take this state for a new span */
    boolean isFree() {
        return ((long) WORD.getAcquire(this) & FREE) != 0;
    }

    /**
     * Takes this free state for a new span (owner thread only, after {@link #isFree()}).
     *
     * @param engineSpan the engine span the new generation writes into
     * @return the new generation
     */
    long open(io.ringtrace.engine.Span engineSpan) {
        long generation = ((long) WORD.getAcquire(this) >>> 2) + 1;
        if (span != engineSpan) {
            span = engineSpan; // only when it changes: a reference store into a pooled object costs a G1 card mark
        }
        WORD.setRelease(this, generation << 2); // publishes the span field to any thread that locks
        return generation;
    }

    /**
     * Locks this state for {@code generation}, waiting while another call of the same span holds it.
     *
     * @param generation the caller's generation
     * @return true if locked (the caller must {@link #unlock} or {@link #free}); false if the span
     *     of that generation has ended (the caller does nothing)
     */
    boolean lock(long generation) {
        long open = generation << 2;
        int spins = 0;
        while (true) {
            long w = (long) WORD.getAcquire(this);
            if (w == open) {
                if (WORD.compareAndSet(this, open, open | BUSY)) {
                    return true;
                }
            } else if (w != (open | BUSY)) {
                return false; // ended: free, or a later generation
            } else if (++spins < 100) {
                Thread.onSpinWait(); // another thread is in a call of this same span: a short write
            } else {
                Thread.yield(); // it may be ending the span under a BLOCK policy: let it run
            }
        }
    }

    /** Unlocks after a call that did not end the span. */
    void unlock(long generation) {
        WORD.setRelease(this, generation << 2);
    }

    /** Unlocks after ending the span: the generation is over and the owner may reuse this state. */
    void free(long generation) {
        WORD.setRelease(this, generation << 2 | FREE);
    }
}
