package io.ringtrace.opentelemetry;

import io.ringtrace.opentelemetry.internal.AttributeKeys;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.engine.TraceContext;
import java.lang.ref.WeakReference;

/**
 * One thread's pooled span builders and span states for one {@link RingtraceOpenTelemetry}, and its
 * scratch space (a parent context, a trace-state buffer, an attribute writer).
 *
 * <p>Bounds: {@value #BUILDERS} builders and at most {@value #MAX_STATES} span states (created on
 * first use, as deep as this thread's nesting of open spans goes). A builder is taken by
 * {@code spanBuilder()} and given back by {@code startSpan()}; when every pooled builder is taken
 * (builders kept unstarted, or dropped without {@code startSpan()}) a new, unpooled builder is made.
 * When every state is open, a span gets a new, unpooled state. Both fall-backs are correct, only
 * not allocation-free. Only the owner thread takes builders and states; a state is given back by
 * whichever thread ends its span.
 *
 * <p>Reachability: a thread's map holds this object strongly for as long as the thread lives, and
 * the map's weak key is the {@link RingtraceOpenTelemetry}'s own thread-local; so nothing reachable
 * from here holds that instance strongly (only {@link #otel}, weakly), or a dropped instance would
 * stay reachable from every thread that ever used it. Builders keep the engine's tracer of their
 * last scope, which holds the engine: a closed, dropped engine is freed when the JDK expunges the
 * stale entry, as for the engine's own span pools.
 */
final class ThreadSpans {

    /** Pooled span builders per thread. */
    static final int BUILDERS = 4;
    /** Pooled span states per thread. */
    static final int MAX_STATES = 64;

    /** Weak: see the class comment. */
    private final WeakReference<RingtraceOpenTelemetry> otel;
    final Thread thread = Thread.currentThread();
    final AttributeKeys keys;
    final SpanLimits limits;
    private final RingtraceSpanBuilder[] builders = new RingtraceSpanBuilder[BUILDERS];
    private final SpanState[] states = new SpanState[MAX_STATES];
    private int createdStates;
    private int nextState;

    /** Scratch: the parent of the span being started (owner thread only). */
    final TraceContext parent = new TraceContext();
    /** Scratch: OpenTelemetry trace states into ringtrace contexts. */
    final TraceStateText traceStateText = new TraceStateText();
    /** Scratch: {@code Attributes.forEach} into an engine span (whichever span this thread writes). */
    final AttributeWriter attributeWriter;

    ThreadSpans(RingtraceOpenTelemetry otel) {
        this.otel = new WeakReference<>(otel);
        this.keys = otel.keys;
        this.limits = otel.engine.spanLimits();
        this.attributeWriter = new AttributeWriter(keys);
    }

    /**
     * @return the calling thread's pools: these on the owner thread, else the caller's own (a span or
     *     builder used on another thread writes with that thread's scratch space)
     */
    ThreadSpans forCaller() {
        if (Thread.currentThread() == thread) {
            return this;
        }
        RingtraceOpenTelemetry instance = otel.get();
        // null: the instance was collected while a span of it is still open; scratch for this call only
        return instance != null ? instance.threadSpans() : new ThreadSpans(keys, limits);
    }

    private ThreadSpans(AttributeKeys keys, SpanLimits limits) {
        this.otel = new WeakReference<>(null);
        this.keys = keys;
        this.limits = limits;
        this.attributeWriter = new AttributeWriter(keys);
    }

    /** @return a builder that is not in use (owner thread only) */
    RingtraceSpanBuilder builder() {
        for (int i = 0; i < BUILDERS; i++) {
            RingtraceSpanBuilder builder = builders[i];
            if (builder == null) {
                builder = new RingtraceSpanBuilder(this);
                builders[i] = builder;
            }
            if (builder.take()) {
                return builder;
            }
        }
        RingtraceSpanBuilder unpooled = new RingtraceSpanBuilder(this);
        unpooled.take();
        return unpooled;
    }

    /** @return a free span state (owner thread only) */
    SpanState state() {
        int n = createdStates;
        for (int i = 0; i < n; i++) {
            int index = nextState + i < n ? nextState + i : nextState + i - n;
            SpanState state = states[index];
            if (state.isFree()) {
                nextState = index; // start here next time: sequential spans keep one state (and its card) warm
                return state;
            }
        }
        SpanState state = new SpanState(this);
        if (n < MAX_STATES) { // warm-up only: as many as this thread nests
            states[n] = state;
            createdStates = n + 1;
        }
        return state;
    }
}
