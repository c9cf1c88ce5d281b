package io.ringtrace.codec;

/**
 * What every record writer ({@link SpanRecord}, {@link LogRecordWriter}) has in common above the
 * slot machinery: reset and copy, the scope, the texts of the text region (truncated at a
 * character boundary to its budget), and where the attribute setters ({@link AttributeSink}) write:
 * the record's own attributes, or a nested item's (an event's or link's, for {@link
 * ItemAttributes}). {@code R} is the public record type the setters return for chaining.
 *
 * <p>Public so that one ring and serializer can hold either signal's records ({@code R extends
 * RecordWriter<R>}) and call {@link #reset()}, {@link #copyFrom} and {@link #scope()}, final here,
 * without a virtual call; only this package subclasses it.
 *
 * @param <R> the record type
 */
public abstract class RecordWriter<R extends RecordWriter<R>> extends SlotWriter<R> {

    /** Every format's first region: the raw UTF-8 of its texts. */
    static final int TEXT_REGION = 0;

    RecordWriter(SlotFormat format, int maxRecordBytes, byte[] area, int base, int capacity, SpanOverflow overflow) {
        super(format, maxRecordBytes, area, base, capacity, overflow);
    }

    /** @return this record, for chaining */
    @SuppressWarnings("unchecked")
    final R self() {
        return (R) this;
    }

    /**
     * The scope last set; it counts only while the record's {@link SlotFormat#SCOPE_SET} bit is on.
     * reset() clears the bit (with the rest of the header) instead of the reference, and setters
     * store the reference only when it changes: a reference store into this long-lived record costs
     * a G1 card-marking slow path on every record, while the scope of a slot rarely changes.
     */
    InstrumentationScope scope = InstrumentationScope.empty();

    /** @return the limits, compared by {@link #copyFrom} */
    abstract Object recordLimits();

    /**
     * Clears the record for reuse: every field to its default, the scope to {@link
     * InstrumentationScope#empty()}, back in its own slot. Only the header is written.
     *
     * @return this
     */
    public final R reset() {
        clearHome(); // clears the SCOPE_SET bit; the reference stays (see the field): scope() reads empty() now
        return self();
    }

    /**
     * Makes this record an exact copy of {@code other}: one copy of its used bytes (into an
     * overflow buffer if they do not fit this record's slot; with none free, an empty record marked
     * too large).
     *
     * @param other a record with equal limits
     * @return this
     * @throws IllegalArgumentException if the limits differ
     */
    public final R copyFrom(R other) {
        if (other == this) {
            return self();
        }
        RecordWriter<R> source = other;
        if (source.recordLimits() != recordLimits() && !source.recordLimits().equals(recordLimits())) {
            throw refused("cannot copy a record with different limits: " + source.recordLimits());
        }
        if (scope != source.scope) {
            scope = source.scope; // only when it changes: see the field
        }
        copyHome(source.area, source.base, source.usedBytes()); // the SCOPE_SET bit comes with the header
        return self();
    }

    /**
     * @param scope the instrumentation scope; null means {@link InstrumentationScope#empty()}
     * @return this
     */
    public final R scope(InstrumentationScope scope) {
        InstrumentationScope given = scope == null ? InstrumentationScope.empty() : scope;
        if (this.scope != given) {
            this.scope = given; // only when it changes: see the field
        }
        bit(SlotFormat.SCOPE_SET, true);
        return self();
    }

    /** @return the scope; {@link InstrumentationScope#empty()} if none was set since reset() */
    public final InstrumentationScope scope() {
        return bit(SlotFormat.SCOPE_SET) ? scope : InstrumentationScope.empty();
    }

    // ---------------------------------------------------------------- trace context and counts

    /** @return the trace id's first 8 bytes */
    public final long traceIdHigh() {
        return getLong(format().traceIdHigh());
    }

    /** @return the trace id's last 8 bytes */
    public final long traceIdLow() {
        return getLong(format().traceIdHigh() + 8);
    }

    /** @return the span id */
    public final long spanId() {
        return getLong(format().spanId());
    }

    /** @return the OTLP flags as set (W3C trace flags in bits 0-7) */
    public final int traceFlags() {
        return get(format().flags());
    }

    /** @return attributes kept */
    public final int attributeCount() {
        return get(format().attributeCount());
    }

    /** @return attributes dropped (OTLP {@code dropped_attributes_count}) */
    public final int droppedAttributesCount() {
        return get(format().droppedAttributes());
    }

    // ---------------------------------------------------------------- texts (region 0 of every format)

    /**
     * Frees a text that is about to be replaced if it is the latest one in the text region, so
     * setting the same text again does not leak room; otherwise its bytes stay until reset().
     */
    final void freeText(int offsetField, int lengthField) {
        int length = get(lengthField);
        if (length != 0 && get(offsetField) + length == end(TEXT_REGION)) {
            cut(TEXT_REGION, get(offsetField), end(TEXT_REGION));
            set(lengthField, 0);
        }
    }

    final void setText(int offsetField, int lengthField, int at, int n) {
        set(offsetField, at < 0 ? end(TEXT_REGION) : at - base);
        set(lengthField, at < 0 ? 0 : n);
    }

    /** Appends {@code s} to the text region, truncated at a character boundary to the room left. */
    final void putText(int offsetField, int lengthField, CharSequence s) {
        int room = room(TEXT_REGION);
        int chars = s.length();
        int n;
        // chars > room: cannot fit (every char takes at least one byte), so do not scan it whole
        if (chars > room || (n = WireFormat.utf8Length(s)) > room) {
            chars = WireFormat.utf8PrefixChars(s, room);
            n = WireFormat.utf8Length(s, chars);
        }
        int at = reserve(TEXT_REGION, n);
        if (at >= 0) {
            WireFormat.putUtf8(area, at, s, chars);
        }
        setText(offsetField, lengthField, at, n);
    }

    /** Appends {@code c} to the text region, truncated at a UTF-8 character boundary to the room left. */
    final void putText(int offsetField, int lengthField, Utf8Constant c) {
        byte[] src = c.utf8();
        int n = Math.min(src.length, room(TEXT_REGION));
        if (n < src.length) {
            while (n > 0 && (src[n] & 0xC0) == 0x80) { // src[n] continues a character: cut before it
                n--;
            }
        }
        int at = reserve(TEXT_REGION, n);
        if (at >= 0) {
            System.arraycopy(src, 0, area, at, n);
        }
        setText(offsetField, lengthField, at, n);
    }

    /**
     * Checks that attributes of {@code target} may be written now (a nested target needs its item).
     *
     * @return false if its item was dropped (its attributes go with it)
     */
    boolean acceptsAttributes(int target) {
        return true;
    }

    // ---------------------------------------------------------------- attributes

    /** The record's own attributes: the setters' checked values go to the write path. */
    @Override
    final R put(Utf8Constant key, int kind, Object value, long number, int offset, int count) {
        return attribute(TOP, key, kind, value, number, offset, count);
    }

    /** A string attribute of the record: the short append when it applies, else the write path. */
    @Override
    final R putText(Utf8Constant key, CharSequence value) {
        if (!appendedTopText(key, value)) {
            attribute(TOP, key, STRING, value, 0, 0, 0);
        }
        return self();
    }

    /** A long, double or boolean attribute of the record: the short append when it applies, else the write path. */
    @Override
    final R putScalar(Utf8Constant key, int kind, long bits) {
        if (!appendedTopScalar(key, kind, bits)) {
            attribute(TOP, key, kind, null, bits, 0, 0);
        }
        return self();
    }

    /** Writes a checked attribute of {@code target}, if it still takes attributes. */
    final R attribute(int target, Utf8Constant key, int kind, Object value, long number,
                      int offset, int count) {
        if (acceptsAttributes(target)) {
            putAttribute(target, key, kind, value, number, offset, count);
        }
        return self();
    }

    // ---------------------------------------------------------------- refused calls

    @Override
    final IllegalArgumentException refused(String message) {
        bit(SlotFormat.FILL_FAILED, true);
        return new IllegalArgumentException(message);
    }

    final IllegalStateException refusedOutOfOrder(String message) {
        bit(SlotFormat.FILL_FAILED, true);
        return new IllegalStateException(message);
    }

    /** @return whether a setter refused its arguments since reset(): the encoder then refuses the record */
    public final boolean fillFailed() {
        return bit(SlotFormat.FILL_FAILED);
    }

    /** @return whether the record outgrew its slot with no overflow buffer free: it will be dropped */
    public final boolean tooLarge() {
        return bit(SlotFormat.TOO_LARGE);
    }
}
