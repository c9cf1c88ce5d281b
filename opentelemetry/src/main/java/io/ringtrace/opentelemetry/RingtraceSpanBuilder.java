package io.ringtrace.opentelemetry;

import io.ringtrace.opentelemetry.internal.AttributeKeys;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.TraceContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry {@link SpanBuilder} on the ring: pooled per thread ({@link ThreadSpans}), reset
 * by {@code spanBuilder(name)} and given back by {@link #startSpan()}.
 *
 * <p>What the builder collects before the span starts it keeps without references to the caller's
 * objects where it can: attribute keys as pre-encoded constants, numbers in a {@code long[]}, string
 * values copied into a char arena (sized by the span limits' attribute budget, which no longer
 * string could fit anyway); only a string that does not fit the arena, an array value, a parent
 * {@code Context} and links are held by reference, and those are cleared at {@code startSpan()}.
 * {@code startSpan()} resolves the parent ({@code setParent}, else {@code Context.current()}),
 * starts the engine span (ids, sampling by the engine's sampler, the span kind, the name) and
 * replays the attributes and links into it in the order they were set, so the record applies the
 * same limits, replacement of repeated keys and drop counting as for calls on the span.
 *
 * <p>Bounds: {@code maxAttributes} distinct attribute keys and {@code maxLinks} links (the engine's
 * {@link SpanLimits}); what is set beyond them is dropped and counted in the span's
 * {@code dropped_attributes_count} / {@code dropped_links_count}, as the SDK does.
 *
 * <p>Not thread-safe (as the API allows); it may be handed to another thread that starts the span.
 */
final class RingtraceSpanBuilder implements SpanBuilder {

    private static final VarHandle IN_USE;
    private static final AttributeType[] TYPES = AttributeType.values();

    static {
        try {
            IN_USE = MethodHandles.lookup().findVarHandle(RingtraceSpanBuilder.class, "inUse", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ThreadSpans home;
    private final AttributeKeys keyCache;
    private final SpanLimits limits;
    @SuppressWarnings("unused") // accessed through IN_USE
    private boolean inUse;

    /** The engine tracer of the span's scope (not the RingtraceTracer: see ThreadSpans on reachability). */
    private io.ringtrace.engine.Tracer tracer;
    private String name;
    private Context parent;
    private boolean noParent;
    private int kind;
    private long startEpochNanos;

    // attributes in the order set; index maxAttributes holds the first one over the limit
    private Utf8Constant[] keys;
    private byte[] types;
    private long[] numbers;
    private Object[] references;
    private int[] textStart;
    private int[] textLength;
    private char[] text;
    private int textUsed;
    private int attributeCount;
    private int attributesOverLimit;
    private final ArenaText arenaText = new ArenaText();

    private SpanContext[] linkContexts;
    private Attributes[] linkAttributes;
    private int linkCount;
    private int linksOverLimit;

    RingtraceSpanBuilder(ThreadSpans home) {
        this.home = home;
        this.keyCache = home.keys;
        this.limits = home.limits;
    }

    /** @return whether this free builder was taken (owner thread) */
    boolean take() {
        if ((boolean) IN_USE.getAcquire(this)) {
            return false;
        }
        IN_USE.setRelease(this, true);
        return true;
    }

    /** Starts a new span description (right after {@link #take()}). */
    RingtraceSpanBuilder reset(io.ringtrace.engine.Tracer tracer, String name) {
        if (this.tracer != tracer) {
            this.tracer = tracer; // only when it changes: a reference store into a pooled object costs a G1 card mark
        }
        if (this.name != name) {
            this.name = name; // kept after the span starts (usually a constant), so a repeated name stores nothing
        }
        noParent = false;
        kind = io.ringtrace.codec.SpanKind.INTERNAL;
        startEpochNanos = 0;
        return this;
    }

    @Override
    public SpanBuilder setParent(Context context) {
        if (context != null) {
            parent = context;
            noParent = false;
        }
        return this;
    }

    @Override
    public SpanBuilder setNoParent() {
        parent = null;
        noParent = true;
        return this;
    }

    @Override
    public SpanBuilder setSpanKind(SpanKind spanKind) {
        if (spanKind != null) {
            kind = spanKind.ordinal() + 1; // INTERNAL..CONSUMER in OTLP's order, after UNSPECIFIED
        }
        return this;
    }

    @Override
    public SpanBuilder setStartTimestamp(long startTimestamp, TimeUnit unit) {
        if (startTimestamp >= 0 && unit != null) {
            startEpochNanos = unit.toNanos(startTimestamp);
        }
        return this;
    }

    // ---------------------------------------------------------------- attributes

    @Override
    public SpanBuilder setAttribute(String key, String value) {
        if (key != null && !key.isEmpty() && value != null) {
            putText(keyCache.get(key), value);
        }
        return this;
    }

    @Override
    public SpanBuilder setAttribute(String key, long value) {
        if (key != null && !key.isEmpty()) {
            put(keyCache.get(key), AttributeType.LONG, value, null);
        }
        return this;
    }

    @Override
    public SpanBuilder setAttribute(String key, double value) {
        if (key != null && !key.isEmpty()) {
            put(keyCache.get(key), AttributeType.DOUBLE, Double.doubleToRawLongBits(value), null);
        }
        return this;
    }

    @Override
    public SpanBuilder setAttribute(String key, boolean value) {
        if (key != null && !key.isEmpty()) {
            put(keyCache.get(key), AttributeType.BOOLEAN, value ? 1 : 0, null);
        }
        return this;
    }

    @Override
    public <T> SpanBuilder setAttribute(AttributeKey<T> key, T value) {
        if (key == null || value == null || key.getKey().isEmpty()) {
            return this;
        }
        Utf8Constant encoded = keyCache.get(key.getKey());
        AttributeType type = key.getType();
        switch (type) {
            case STRING:
                if (value instanceof String) {
                    putText(encoded, (String) value);
                }
                break;
            case LONG:
                if (value instanceof Number) {
                    put(encoded, type, ((Number) value).longValue(), null);
                }
                break;
            case DOUBLE:
                if (value instanceof Number) {
                    put(encoded, type, Double.doubleToRawLongBits(((Number) value).doubleValue()), null);
                }
                break;
            case BOOLEAN:
                if (value instanceof Boolean) {
                    put(encoded, type, (Boolean) value ? 1 : 0, null);
                }
                break;
            default:
                put(encoded, type, 0, value); // arrays: converted when the span starts
        }
        return this;
    }

    @Override
    public SpanBuilder setAllAttributes(Attributes attributes) {
        if (attributes != null) {
            attributes.forEach(this::setAttributeUnchecked);
        }
        return this;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void setAttributeUnchecked(AttributeKey<?> key, Object value) {
        setAttribute((AttributeKey) key, value);
    }

    private void putText(Utf8Constant key, String value) {
        int n = value.length();
        char[] arena = text;
        if (arena == null) {
            arena = text = new char[Math.max(64, limits.attributeBytes())];
        }
        if (n <= arena.length - textUsed) {
            int at = textUsed;
            value.getChars(0, n, arena, at); // a copy: the builder keeps no reference to the caller's string
            textUsed = at + n;
            put(key, AttributeType.STRING, ((long) at << 32) | n, null);
        } else {
            put(key, AttributeType.STRING, -1, value); // too long for the arena: held until startSpan
        }
    }

    /** Adds or replaces one attribute ({@code number}: the long, double bits, boolean or arena slice). */
    private void put(Utf8Constant key, AttributeType type, long number, Object reference) {
        if (keys == null) {
            int capacity = limits.maxAttributes() + 1;
            keys = new Utf8Constant[capacity];
            types = new byte[capacity];
            numbers = new long[capacity];
            references = new Object[capacity];
        }
        int n = attributeCount;
        int index = n;
        for (int i = 0; i < n; i++) {
            if (keys[i] == key) { // one constant per name (AttributeKeys): identity is equality
                index = i;
                break;
            }
        }
        if (index == n) {
            if (n == limits.maxAttributes()) { // over the limit: the record counts it, see startSpan
                if (attributesOverLimit++ > 0) {
                    return;
                }
            } else {
                attributeCount = n + 1;
            }
        }
        if (keys[index] != key) {
            keys[index] = key; // only when it changes: see reset()
        }
        types[index] = (byte) type.ordinal();
        numbers[index] = number;
        if (references[index] != reference) {
            references[index] = reference;
        }
    }

    // ---------------------------------------------------------------- links

    @Override
    public SpanBuilder addLink(SpanContext spanContext) {
        return addLink(spanContext, null);
    }

    @Override
    public SpanBuilder addLink(SpanContext spanContext, Attributes attributes) {
        if (spanContext == null || !spanContext.isValid()) {
            return this;
        }
        if (linkContexts == null) {
            linkContexts = new SpanContext[limits.maxLinks() + 1];
            linkAttributes = new Attributes[limits.maxLinks() + 1];
        }
        if (linkCount == limits.maxLinks()) {
            if (linksOverLimit++ == 0) {
                linkContexts[linkCount] = spanContext; // replayed to be counted as dropped
            }
            return this;
        }
        linkContexts[linkCount] = spanContext;
        linkAttributes[linkCount] = attributes;
        linkCount++;
        return this;
    }

    // ---------------------------------------------------------------- start

    @Override
    public Span startSpan() {
        ThreadSpans here = home.forCaller();
        Context parentContext = noParent ? Context.root() : parent != null ? parent : Context.current();
        Span parentSpan = Span.fromContext(parentContext);
        TraceContext parentIds = Parents.resolve(parentSpan, here);
        io.ringtrace.engine.Span span = tracer.start(name, kind, parentIds);
        Span started;
        if (!span.isValid()) {
            // the engine is closed or disabled, or this thread has spansPerThread spans open (counted
            // POOL_EXHAUSTED): what the no-op API does, a span that only carries its parent's context
            started = parentIds == null ? Span.getInvalid() : Span.wrap(parentSpan.getSpanContext());
        } else {
            if (span.isRecording()) {
                if (startEpochNanos != 0) {
                    span.record().startEpochNanos(startEpochNanos);
                }
                replayAttributes(span);
                replayLinks(span, here);
            }
            SpanState state = here.state();
            started = new RingtraceSpan(state, state.open(span));
        }
        release();
        return started;
    }

    private void replayAttributes(io.ringtrace.engine.Span span) {
        int n = attributeCount;
        for (int i = 0; i < n; i++) {
            replay(span, i);
        }
        for (int i = 0; i < attributesOverLimit; i++) {
            replay(span, n); // a key the record does not hold, at its limit: dropped and counted
        }
    }

    private void replay(io.ringtrace.engine.Span span, int i) {
        Utf8Constant key = keys[i];
        long number = numbers[i];
        switch (types[i]) {
            case 0: // STRING
                if (number >= 0) {
                    span.attribute(key, arenaText.of(text, (int) (number >>> 32), (int) number));
                } else {
                    span.attribute(key, (String) references[i]);
                }
                return;
            case 1: // BOOLEAN
                span.attribute(key, number != 0);
                return;
            case 2: // LONG
                span.attribute(key, number);
                return;
            case 3: // DOUBLE
                span.attribute(key, Double.longBitsToDouble(number));
                return;
            default:
                AttributeWriter.write(span, AttributeWriter.SPAN, key, TYPES[types[i]], references[i]);
        }
    }

    private void replayLinks(io.ringtrace.engine.Span span, ThreadSpans here) {
        for (int i = 0; i < linkCount; i++) {
            Links.add(span, linkContexts[i], linkAttributes[i], here);
        }
        for (int i = 0; i < linksOverLimit; i++) {
            Links.add(span, linkContexts[linkCount], null, here); // the record is at its limit: counted
        }
    }

    /** Clears the references the builder holds and gives it back to its pool. */
    private void release() {
        parent = null;
        int n = attributeCount + (attributesOverLimit > 0 ? 1 : 0);
        for (int i = 0; i < n; i++) {
            if (references[i] != null) {
                references[i] = null;
            }
        }
        attributeCount = 0;
        attributesOverLimit = 0;
        textUsed = 0;
        int links = linkCount + (linksOverLimit > 0 ? 1 : 0);
        for (int i = 0; i < links; i++) {
            linkContexts[i] = null;
            linkAttributes[i] = null;
        }
        linkCount = 0;
        linksOverLimit = 0;
        IN_USE.setRelease(this, false); // last: the owner thread may take the builder again
    }

    /** A view over a slice of the text arena, handed to the record, which encodes it at once. */
    private static final class ArenaText implements CharSequence {
        private char[] chars;
        private int start;
        private int length;

        ArenaText of(char[] chars, int start, int length) {
            if (this.chars != chars) {
                this.chars = chars;
            }
            this.start = start;
            this.length = length;
            return this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return chars[start + index];
        }

        @Override
        public CharSequence subSequence(int from, int to) {
            return new String(chars, start + from, to - from);
        }

        @Override
        public String toString() {
            return new String(chars, start, length);
        }
    }
}
