package io.ringtrace.opentelemetry;

import io.ringtrace.opentelemetry.internal.AttributeKeys;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.TraceContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

/**
 * An OpenTelemetry {@link Span} on the ring: a small immutable handle (the pooled {@link SpanState}
 * and the generation it was started with, and its context once asked for: 32 B) over a pooled engine
 * span. It is the one object a span allocates.
 *
 * <h2>Why a handle and a generation</h2>
 * The API lets code keep a {@code Span} as long as it likes (in a {@code Context}, a field, a
 * callback) and requires every call after {@code end()} to do nothing. So the object the application
 * holds cannot be the pooled one: once the span ends, its pooled state and engine span are reused
 * for the thread's next span, and a kept reference would write into that stranger's span. The state
 * carries a generation counter and a lock word; each call here locks it for this handle's generation
 * (one uncontended CAS), so a handle whose span has ended finds another generation and returns at
 * once, and a call racing {@code end()} on another thread either completes before the end or does
 * nothing. Every method is thread-safe, as the API requires. Pooling the handle too (0 B) would need
 * to know when the application drops its last reference, which Java cannot tell without allocating
 * more than the handle (a weak or phantom reference); a 32-byte short-lived object dies young and
 * costs the collector nearly nothing.
 *
 * <p>The layout chosen (12-byte header, state reference, {@code long} generation, context reference:
 * 32 B, measured by {@code ApiAllocationTest}) against the alternatives: using the handle's identity as
 * the generation (a 16-byte handle with only the state reference) would store each new handle into
 * the long-lived pooled state, a reference store that takes G1's card-marking slow path on every span;
 * an {@code int} generation (24 B) wraps after 2^32 spans of one state, after which a stale handle
 * could match a stranger's span; keeping the context only in what goes into a {@code Context} (24 B)
 * would make {@code Span.current()} a different object from the span the application holds.
 *
 * <h2>Its context</h2>
 * {@link #getSpanContext()} makes a {@link RingtraceSpanContext} (ids as {@code long}s, hex strings on
 * demand) on first call and keeps it, so the context outlives the span: {@link #storeInContext}
 * (and so {@code makeCurrent()} and {@code Context.with(span)}) fixes it before the span goes into a
 * {@code Context}, where a child may read it after the span ended. A span never stored in a
 * {@code Context} and first asked for its context after {@code end()} answers the invalid context
 * (its ids are gone with its generation): ask before {@code end()} if you need it later.
 */
final class RingtraceSpan implements Span {

    /** What fits in an exception event's budget of the default limits beside its type and message. */
    private static final int MAX_STACKTRACE_CHARS = 1024;

    private final SpanState state;
    private final long generation;
    private RingtraceSpanContext context; // made on first request; a race makes two equal values (immutable)

    RingtraceSpan(SpanState state, long generation) {
        this.state = state;
        this.generation = generation;
    }

    /** @return the pooled state (for tests) */
    SpanState state() {
        return state;
    }

    private AttributeKeys keys() {
        return state.owner.keys;
    }

    // ---------------------------------------------------------------- attributes

    @Override
    public Span setAttribute(String key, String value) {
        if (key != null && !key.isEmpty() && value != null && state.lock(generation)) {
            try {
                state.span.attribute(keys().get(key), value);
            } finally {
                state.unlock(generation);
            }
        }
        return this;
    }

    @Override
    public Span setAttribute(String key, long value) {
        if (key != null && !key.isEmpty() && state.lock(generation)) {
            try {
                state.span.attribute(keys().get(key), value);
            } finally {
                state.unlock(generation);
            }
        }
        return this;
    }

    @Override
    public Span setAttribute(String key, double value) {
        if (key != null && !key.isEmpty() && state.lock(generation)) {
            try {
                state.span.attribute(keys().get(key), value);
            } finally {
                state.unlock(generation);
            }
        }
        return this;
    }

    @Override
    public Span setAttribute(String key, boolean value) {
        if (key != null && !key.isEmpty() && state.lock(generation)) {
            try {
                state.span.attribute(keys().get(key), value);
            } finally {
                state.unlock(generation);
            }
        }
        return this;
    }

    @Override
    public <T> Span setAttribute(AttributeKey<T> key, T value) {
        if (key != null && value != null && !key.getKey().isEmpty() && state.lock(generation)) {
            try {
                AttributeWriter.write(state.span, AttributeWriter.SPAN, keys().get(key.getKey()), key.getType(), value);
            } finally {
                state.unlock(generation);
            }
        }
        return this;
    }

    @Override
    public Span setAttribute(AttributeKey<Long> key, int value) {
        if (key != null && !key.getKey().isEmpty() && key.getType() == AttributeType.LONG && state.lock(generation)) {
            try {
                state.span.attribute(keys().get(key.getKey()), (long) value);
            } finally {
                state.unlock(generation);
            }
        }
        return this;
    }

    @Override
    public Span setAllAttributes(Attributes attributes) {
        if (attributes != null && !attributes.isEmpty() && state.lock(generation)) {
            try {
                forEachAttribute(attributes, AttributeWriter.SPAN);
            } finally {
                state.unlock(generation);
            }
        }
        return this;
    }

    /** With the lock held: writes {@code attributes} to the span, its latest event or its latest link. */
    private void forEachAttribute(Attributes attributes, int target) {
        AttributeWriter writer = state.owner.forCaller().attributeWriter.aim(state.span, target);
        try {
            attributes.forEach(writer);
        } finally {
            writer.clear();
        }
    }

    // ---------------------------------------------------------------- events

    @Override
    public Span addEvent(String name) {
        return addEvent(name, null, 0, null);
    }

    @Override
    public Span addEvent(String name, long timestamp, TimeUnit unit) {
        return unit == null ? this : addEvent(name, null, timestamp, unit);
    }

    @Override
    public Span addEvent(String name, Attributes attributes) {
        return addEvent(name, attributes, 0, null);
    }

    @Override
    public Span addEvent(String name, Attributes attributes, long timestamp, TimeUnit unit) {
        if (name == null || unit == null && timestamp != 0 || !state.lock(generation)) {
            return this;
        }
        try {
            Utf8Constant encoded = keys().get(name);
            if (unit == null) {
                state.span.addEvent(encoded);
            } else {
                state.span.addEvent(encoded, unit.toNanos(timestamp));
            }
            if (attributes != null && !attributes.isEmpty()) {
                forEachAttribute(attributes, AttributeWriter.EVENT);
            }
        } finally {
            state.unlock(generation);
        }
        return this;
    }

    @Override
    public Span recordException(Throwable exception) {
        return recordException(exception, null);
    }

    /**
     * Adds the {@code exception} event as the SDK does ({@code exception.type}, {@code
     * exception.message}, {@code exception.stacktrace}, then {@code additionalAttributes}); the
     * stack trace is rendered only for a recording span and cut at {@value #MAX_STACKTRACE_CHARS}
     * chars so that it fits the default event budget.
     */
    @Override
    public Span recordException(Throwable exception, Attributes additionalAttributes) {
        if (exception == null || !state.lock(generation)) {
            return this;
        }
        try {
            io.ringtrace.engine.Span span = state.span;
            if (!span.isRecording()) {
                return this;
            }
            AttributeKeys keys = keys();
            span.addEvent(keys.get("exception"));
            String type = exception.getClass().getCanonicalName();
            if (type != null) {
                span.eventAttribute(keys.get("exception.type"), type);
            }
            String message = exception.getMessage();
            if (message != null) {
                span.eventAttribute(keys.get("exception.message"), message);
            }
            StringWriter trace = new StringWriter();
            try (PrintWriter writer = new PrintWriter(trace)) {
                exception.printStackTrace(writer);
            }
            StringBuffer chars = trace.getBuffer();
            if (chars.length() > MAX_STACKTRACE_CHARS) {
                chars.setLength(MAX_STACKTRACE_CHARS);
            }
            span.eventAttribute(keys.get("exception.stacktrace"), chars);
            if (additionalAttributes != null && !additionalAttributes.isEmpty()) {
                forEachAttribute(additionalAttributes, AttributeWriter.EVENT);
            }
        } finally {
            state.unlock(generation);
        }
        return this;
    }

    // ---------------------------------------------------------------- status, name, links

    @Override
    public Span setStatus(StatusCode statusCode, String description) {
        if (statusCode != null && state.lock(generation)) {
            try {
                // UNSET, OK, ERROR are OTLP's 0, 1, 2; the engine applies the SDK's rules (OK final, UNSET
                // ignored, a description only with ERROR)
                state.span.status(statusCode.ordinal(), description);
            } finally {
                state.unlock(generation);
            }
        }
        return this;
    }

    @Override
    public Span updateName(String name) {
        if (name != null && state.lock(generation)) {
            try {
                if (state.span.isRecording()) {
                    state.span.record().name(name);
                }
            } finally {
                state.unlock(generation);
            }
        }
        return this;
    }

    @Override
    public Span addLink(SpanContext spanContext, Attributes attributes) {
        if (spanContext != null && spanContext.isValid() && state.lock(generation)) {
            try {
                Links.add(state.span, spanContext, attributes, state.owner.forCaller());
            } finally {
                state.unlock(generation);
            }
        }
        return this;
    }

    // ---------------------------------------------------------------- end

    @Override
    public void end() {
        end(0L);
    }

    @Override
    public void end(long timestamp, TimeUnit unit) {
        end(timestamp == 0 ? 0L : (unit == null ? TimeUnit.NANOSECONDS : unit).toNanos(timestamp));
    }

    private void end(long endEpochNanos) {
        if (!state.lock(generation)) {
            return; // ended before: a no-op, as the API requires
        }
        try {
            state.span.end(endEpochNanos); // publishes (if sampled) and frees the engine span
        } finally {
            state.free(generation); // this generation is over: every later call through this handle is a no-op
        }
    }

    // ---------------------------------------------------------------- context

    @Override
    public SpanContext getSpanContext() {
        RingtraceSpanContext known = context;
        if (known != null) {
            return known;
        }
        if (!state.lock(generation)) {
            return SpanContext.getInvalid(); // ended without ever being asked or stored: see the class comment
        }
        try {
            known = RingtraceSpanContext.of(state.span.context());
        } finally {
            state.unlock(generation);
        }
        context = known;
        return known;
    }

    /**
     * Fills {@code into} with this span's context for a child (ids, flags, trace state) without
     * making any string.
     *
     * @return false if the span ended and its context was never fixed (the child becomes a root)
     */
    boolean copyContext(TraceContext into) {
        RingtraceSpanContext known = context;
        if (known != null) {
            known.copyInto(into);
            return true;
        }
        if (!state.lock(generation)) {
            return false;
        }
        try {
            into.copyFrom(state.span.context());
        } finally {
            state.unlock(generation);
        }
        return true;
    }

    @Override
    public boolean isRecording() {
        if (!state.lock(generation)) {
            return false;
        }
        try {
            return state.span.isRecording();
        } finally {
            state.unlock(generation);
        }
    }

    /** Fixes this span's context first, so that the {@code Context} keeps it valid after {@code end()}. */
    @Override
    public Context storeInContext(Context context) {
        getSpanContext();
        return Span.super.storeInContext(context);
    }

    @Override
    public String toString() {
        return "RingtraceSpan{" + getSpanContext() + ", generation=" + generation + "}";
    }
}
