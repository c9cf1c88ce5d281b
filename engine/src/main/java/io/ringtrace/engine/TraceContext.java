package io.ringtrace.engine;

/**
 * A mutable, reusable W3C trace context: the ids, flags and {@code tracestate} of a (usually remote)
 * span, filled by {@link W3cTraceContext#parseTraceParent} / {@link W3cTraceContext#parseTraceState}
 * and read when a child span starts or a header is written.
 *
 * <p>Keep one per thread (or per request) and reuse it: parsing into it allocates nothing. Not
 * thread-safe.
 *
 * <p>Bound: the {@code tracestate} is kept in a fixed {@value #MAX_TRACE_STATE_CHARS}-char array
 * (the W3C minimum a vendor must propagate) with at most {@value #MAX_TRACE_STATE_MEMBERS}
 * list-members.
 */
public final class TraceContext {

    /** The W3C {@code sampled} trace flag. */
    public static final int SAMPLED_FLAG = 0x01;
    /** Maximum {@code tracestate} length kept, in chars (the W3C propagation minimum). */
    public static final int MAX_TRACE_STATE_CHARS = 512;
    /** Maximum number of {@code tracestate} list-members (the W3C limit). */
    public static final int MAX_TRACE_STATE_MEMBERS = 32;

    long traceIdHigh;
    long traceIdLow;
    long spanId;
    int traceFlags;
    boolean remote;

    final char[] traceState = new char[MAX_TRACE_STATE_CHARS];
    int traceStateLength;
    private final TraceStateView traceStateView = new TraceStateView();

    /** Scratch for the tracestate parser: start and end of each list-member's key (no allocation). */
    final int[] memberKeyBounds = new int[2 * MAX_TRACE_STATE_MEMBERS];
    /** Scratch for the tracestate parser: start and end of each list-member. */
    final int[] memberBounds = new int[2 * MAX_TRACE_STATE_MEMBERS];

    /** Creates an empty (invalid) context. */
    public TraceContext() {}

    /**
     * Sets the ids and flags and clears the {@code tracestate}.
     *
     * @param traceIdHigh high 8 bytes of the trace id
     * @param traceIdLow low 8 bytes of the trace id
     * @param spanId the span id
     * @param traceFlags the W3C trace flags (bit 0: sampled)
     * @param remote whether the context came from another process
     * @return this
     */
    public TraceContext set(long traceIdHigh, long traceIdLow, long spanId, int traceFlags, boolean remote) {
        this.traceIdHigh = traceIdHigh;
        this.traceIdLow = traceIdLow;
        this.spanId = spanId;
        this.traceFlags = traceFlags & 0xFF;
        this.remote = remote;
        this.traceStateLength = 0;
        return this;
    }

    /**
     * Sets the {@code tracestate} as {@link W3cTraceContext#parseTraceState} does: a value that is
     * not a valid W3C {@code tracestate} clears it (it is never propagated or exported), a valid one
     * is kept normalized and, beyond {@value #MAX_TRACE_STATE_CHARS} chars, shortened by whole
     * list-members. No allocation.
     *
     * @param value the value; null clears it
     * @return this
     */
    public TraceContext traceState(CharSequence value) {
        W3cTraceContext.parseTraceState(value, this);
        return this;
    }

    /**
     * Copies another context whole (ids, flags, remote flag, {@code tracestate}); no allocation.
     *
     * @param other the context to copy
     * @return this
     */
    public TraceContext copyFrom(TraceContext other) {
        set(other.traceIdHigh, other.traceIdLow, other.spanId, other.traceFlags, other.remote);
        System.arraycopy(other.traceState, 0, traceState, 0, other.traceStateLength);
        traceStateLength = other.traceStateLength;
        return this;
    }

    /** Copies only the {@code tracestate} of another context (for a child span). */
    void copyTraceState(TraceContext other) {
        System.arraycopy(other.traceState, 0, traceState, 0, other.traceStateLength);
        traceStateLength = other.traceStateLength;
    }

    /**
     * Makes this context invalid (all zero, no tracestate).
     *
     * @return this
     */
    public TraceContext clear() {
        return set(0, 0, 0, 0, false);
    }

    /** @return whether both ids are valid (non-zero) */
    public boolean isValid() {
        return Ids.isValidTraceId(traceIdHigh, traceIdLow) && Ids.isValidSpanId(spanId);
    }

    /** @return whether the sampled flag is set */
    public boolean isSampled() {
        return (traceFlags & SAMPLED_FLAG) != 0;
    }

    /** @return whether the context came from another process (parsed from a header) */
    public boolean isRemote() {
        return remote;
    }

    /** @return the high 8 bytes of the trace id */
    public long traceIdHigh() {
        return traceIdHigh;
    }

    /** @return the low 8 bytes of the trace id */
    public long traceIdLow() {
        return traceIdLow;
    }

    /** @return the span id */
    public long spanId() {
        return spanId;
    }

    /** @return the W3C trace flags */
    public int traceFlags() {
        return traceFlags;
    }

    /**
     * @return the {@code tracestate} as a view over this context's storage (no copy, no allocation);
     *     valid until this context changes; empty when there is none
     */
    public CharSequence traceState() {
        return traceStateView;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(64 + traceStateLength);
        W3cTraceContext.writeTraceParent(traceIdHigh, traceIdLow, spanId, traceFlags, s);
        if (traceStateLength > 0) {
            s.append(" tracestate=").append(traceState, 0, traceStateLength);
        }
        return s.append(remote ? " (remote)" : " (local)").toString();
    }

    /** A live, allocation-free view of {@link #traceState}. */
    private final class TraceStateView implements CharSequence {
        @Override
        public int length() {
            return traceStateLength;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= traceStateLength) {
                throw new IndexOutOfBoundsException("index " + index + ", length " + traceStateLength);
            }
            return traceState[index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString().substring(start, end); // allocates; never used on a hot path
        }

        @Override
        public String toString() {
            return new String(traceState, 0, traceStateLength);
        }
    }
}
