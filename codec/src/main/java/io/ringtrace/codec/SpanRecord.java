package io.ringtrace.codec;

import static io.ringtrace.codec.WireFormat.lenFieldSize;
import static io.ringtrace.codec.WireFormat.putFixed64;
import static io.ringtrace.codec.WireFormat.putIdBytes;
import static io.ringtrace.codec.WireFormat.putUtf8;
import static io.ringtrace.codec.WireFormat.putVarint;
import static io.ringtrace.codec.WireFormat.utf8Length;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One span, as a ring slot holds it: a mutable, reusable record whose storage is allocated once
 * from {@link SpanLimits} and reused by {@link #reset()}. Filling it and {@link
 * #copyFrom(SpanRecord) copying} it allocate nothing. Not thread-safe: one thread fills it, then
 * hands it over through the ring's publication (which orders the writes before the reader's reads).
 *
 * <h2>Layout (why it looks like this)</h2>
 * The serializer reads each record on another core, and every cache line it touches costs a
 * cross-core transfer (~160 ns). So the record is flat: primitives, one {@code byte[]} arena and
 * one {@code int[]} offset table, nothing else (the scope reference points at an immutable,
 * long-lived object that stays cached). Variable data is encoded <em>at record time</em> straight
 * into protobuf wire form, so the encoder mostly copies contiguous regions:
 * <pre>
 * arena:  [ text: raw UTF-8 of name, trace state, status message, stacked ) textBytes
 *           downwards so the name ends where the span attributes begin
 *         [ span attributes: complete KeyValue fields, tag 9             ) attributeBytes
 *         [ events: per event, the Event body: time(1) name(2) attrs(3)  ) eventBytes
 *         [ links: per link, the Link body: ids(1,2) state(3) attrs(4)   ) linkBytes
 * table:  events: [2i] body start, [2i+1] dropped attribute count
 *         links:  [base+3i] body start, [base+3i+1] dropped attribute count, [base+3i+2] flags
 * </pre>
 * Attributes of an event or link can only be added to the latest one, so each event's and each
 * link's body stays contiguous; the fields that follow the attributes on the wire ({@code
 * dropped_attributes_count}, link {@code flags}) are kept in the table and written by the encoder.
 * Strings from a {@link CharSequence} are encoded to UTF-8 char by char into the arena at call
 * time, so a reused {@code StringBuilder} is safe and the record never pins the caller's objects.
 *
 * <h2>Limits and bad input</h2>
 * What exceeds a count limit or its arena partition is dropped and counted in the OTLP {@code
 * dropped_attributes_count} / {@code dropped_events_count} / {@code dropped_links_count}, never
 * thrown; texts (name, trace state, status message) that do not fit are truncated at a character
 * boundary. Programming errors (null name or key, out-of-range kind or status code, all-zero ids)
 * throw {@link IllegalArgumentException} at the call (an attribute of an event or link before any
 * was added: {@link IllegalStateException}); the refused call changes nothing, but marks the fill as
 * failed ({@link #fillFailed()}), and the encoder refuses the record. A trace state that is not a
 * valid W3C {@code tracestate} is discarded, not thrown.
 *
 * <p>Setting an attribute key again replaces its value, as the OpenTelemetry SDK does (keys stay
 * unique): the old KeyValue is removed from its region and the new one appended, so it does not
 * count against the limit twice; if the new value does not fit, it is dropped and counted.
 */
public final class SpanRecord {

    /** {@code Span.attributes} (9, LEN). */
    static final int SPAN_ATTRIBUTE_TAG = 0x4A;
    /** {@code Span.Event.attributes} (3, LEN). */
    static final int EVENT_ATTRIBUTE_TAG = 0x1A;
    /** {@code Span.Link.attributes} (4, LEN). */
    static final int LINK_ATTRIBUTE_TAG = 0x22;

    final SpanLimits limits;
    /** Text, span attributes, events and links partitions; see the class comment. */
    final byte[] arena;
    /** Event and link offsets and trailing fields; see the class comment. */
    final int[] table;
    final int attributeBase;
    final int eventBase;
    final int linkBase;
    final int arenaEnd;
    final int linkTableBase;

    /**
     * The scope last set; it counts only while {@link #scopeSet} is true. reset() clears the flag
     * instead of the reference, and setters store the reference only when it changes: a reference
     * store into this long-lived record costs a G1 card-marking slow path (and, batched, a wake-up
     * of a GC refinement thread) on every span, while the scope of a slot rarely changes. So a
     * reused record may keep one immutable, long-lived scope object reachable: nothing else.
     */
    private InstrumentationScope scope = InstrumentationScope.empty();
    private boolean scopeSet;
    long traceIdHigh;
    long traceIdLow;
    long spanId;
    long parentSpanId;
    long startEpochNanos;
    long endEpochNanos;
    int flags;
    int kind;
    int statusCode;

    /** Lowest used offset of the text partition: texts are stacked downwards from {@link #attributeBase}. */
    int textLow;
    int nameOffset;
    int nameLength;
    int traceStateOffset;
    int traceStateLength;
    int statusMessageOffset;
    int statusMessageLength;

    int attributeEnd;
    int attributeCount;
    int droppedAttributes;

    int eventEnd;
    int eventCount;
    int droppedEvents;
    private int latestEventAttributeCount;
    /** Where the latest event's attributes begin (after its time and name). */
    private int latestEventAttributesStart;
    private boolean latestEventDropped;

    int linkEnd;
    int linkCount;
    int droppedLinks;
    private int latestLinkAttributeCount;
    /** Where the latest link's attributes begin (after its ids and trace state). */
    private int latestLinkAttributesStart;
    private boolean latestLinkDropped;
    /** Whether a setter refused its arguments since the last reset(): see {@link #fillFailed()}. */
    boolean fillFailed;

    /**
     * Allocates a record's storage once.
     *
     * @param limits the limits; not null
     */
    public SpanRecord(SpanLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        this.limits = limits;
        this.attributeBase = limits.textBytes();
        this.eventBase = attributeBase + limits.attributeBytes();
        this.linkBase = eventBase + limits.eventBytes();
        this.arenaEnd = linkBase + limits.linkBytes();
        this.arena = new byte[arenaEnd];
        this.linkTableBase = 2 * limits.maxEvents();
        this.table = new int[linkTableBase + 3 * limits.maxLinks()];
        reset();
    }

    /**
     * Clears the record for reuse: every field to its default, the scope to {@link
     * InstrumentationScope#empty()}. The arena is not zeroed (only its used parts are ever read).
     *
     * @return this
     */
    public SpanRecord reset() {
        scopeSet = false; // the reference stays (see the field): scope() reads empty() now
        traceIdHigh = traceIdLow = spanId = parentSpanId = startEpochNanos = endEpochNanos = 0;
        flags = kind = statusCode = 0;
        textLow = attributeBase;
        nameOffset = nameLength = traceStateOffset = traceStateLength = statusMessageOffset = statusMessageLength = 0;
        attributeEnd = attributeBase;
        attributeCount = droppedAttributes = 0;
        eventEnd = eventBase;
        eventCount = droppedEvents = latestEventAttributeCount = latestEventAttributesStart = 0;
        latestEventDropped = false;
        linkEnd = linkBase;
        linkCount = droppedLinks = latestLinkAttributeCount = latestLinkAttributesStart = 0;
        latestLinkDropped = false;
        fillFailed = false;
        return this;
    }

    /**
     * Makes this record an exact copy of {@code other}, copying only the used parts of its storage.
     *
     * @param other a record with equal {@link SpanLimits}
     * @return this
     * @throws IllegalArgumentException if the limits differ
     */
    public SpanRecord copyFrom(SpanRecord other) {
        if (other == this) {
            return this;
        }
        if (other.limits != limits && !other.limits.equals(limits)) {
            throw refused("cannot copy a record with different limits: " + other.limits);
        }
        if (scope != other.scope) {
            scope = other.scope; // only when it changes: see the field
        }
        scopeSet = other.scopeSet;
        traceIdHigh = other.traceIdHigh;
        traceIdLow = other.traceIdLow;
        spanId = other.spanId;
        parentSpanId = other.parentSpanId;
        startEpochNanos = other.startEpochNanos;
        endEpochNanos = other.endEpochNanos;
        flags = other.flags;
        kind = other.kind;
        statusCode = other.statusCode;
        textLow = other.textLow;
        nameOffset = other.nameOffset;
        nameLength = other.nameLength;
        traceStateOffset = other.traceStateOffset;
        traceStateLength = other.traceStateLength;
        statusMessageOffset = other.statusMessageOffset;
        statusMessageLength = other.statusMessageLength;
        attributeEnd = other.attributeEnd;
        attributeCount = other.attributeCount;
        droppedAttributes = other.droppedAttributes;
        eventEnd = other.eventEnd;
        eventCount = other.eventCount;
        droppedEvents = other.droppedEvents;
        latestEventAttributeCount = other.latestEventAttributeCount;
        latestEventAttributesStart = other.latestEventAttributesStart;
        latestEventDropped = other.latestEventDropped;
        linkEnd = other.linkEnd;
        linkCount = other.linkCount;
        droppedLinks = other.droppedLinks;
        latestLinkAttributeCount = other.latestLinkAttributeCount;
        latestLinkAttributesStart = other.latestLinkAttributesStart;
        latestLinkDropped = other.latestLinkDropped;
        fillFailed = other.fillFailed;
        // The copy's destination is usually cold (a ring slot last read on another core): take the
        // layout from the source, whose limits are equal, and skip empty regions, so that the only
        // loads from this record's memory are the two array references and the array headers that
        // System.arraycopy checks (every load from a cold line stalls; stores do not).
        byte[] src = other.arena;
        byte[] dst = arena;
        int attributes = other.attributeBase;
        copy(src, dst, other.textLow, attributes - other.textLow);
        copy(src, dst, attributes, other.attributeEnd - attributes);
        copy(src, dst, other.eventBase, other.eventEnd - other.eventBase);
        copy(src, dst, other.linkBase, other.linkEnd - other.linkBase);
        if (other.eventCount > 0) {
            System.arraycopy(other.table, 0, table, 0, 2 * other.eventCount);
        }
        if (other.linkCount > 0) {
            System.arraycopy(other.table, other.linkTableBase, table, other.linkTableBase, 3 * other.linkCount);
        }
        return this;
    }

    private static void copy(byte[] src, byte[] dst, int offset, int length) {
        if (length > 0) {
            System.arraycopy(src, offset, dst, offset, length);
        }
    }

    // ---------------------------------------------------------------- packed form

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** Fixed part of the packed form: 6 longs, 26 ints, 1 flag byte. */
    private static final int PACKED_HEADER = 6 * 8 + 26 * 4 + 1;

    /**
     * @return the bytes {@link #packInto(byte[], int)} writes for this record: a fixed header of 153
     *     bytes plus the used parts of its storage
     */
    public int packedSize() {
        return PACKED_HEADER + (attributeEnd - textLow) + (eventEnd - eventBase) + (linkEnd - linkBase)
                + 4 * (2 * eventCount + 3 * linkCount);
    }

    /**
     * Writes this record, except its scope, into {@code dst} at {@code pos}: every field, then only
     * the used parts of the storage, back to back. The engine's span API hands spans off this way,
     * into one array where consecutive spans sit next to each other, instead of copying them into
     * ring slots spread over the heap. {@link #unpackFrom(byte[], int)} restores it into a record
     * with equal limits. Allocation-free.
     *
     * @param dst the destination
     * @param pos where the packed form starts; {@link #packedSize()} bytes must fit
     * @return the position after it
     */
    public int packInto(byte[] dst, int pos) {
        LONGS.set(dst, pos, traceIdHigh);
        LONGS.set(dst, pos + 8, traceIdLow);
        LONGS.set(dst, pos + 16, spanId);
        LONGS.set(dst, pos + 24, parentSpanId);
        LONGS.set(dst, pos + 32, startEpochNanos);
        LONGS.set(dst, pos + 40, endEpochNanos);
        INTS.set(dst, pos + 48, attributeBase); // the layout, checked by unpackFrom
        int p = pos + 52;
        INTS.set(dst, p, eventBase);
        INTS.set(dst, p + 4, linkBase);
        INTS.set(dst, p + 8, flags);
        INTS.set(dst, p + 12, kind);
        INTS.set(dst, p + 16, statusCode);
        INTS.set(dst, p + 20, textLow);
        INTS.set(dst, p + 24, nameOffset);
        INTS.set(dst, p + 28, nameLength);
        INTS.set(dst, p + 32, traceStateOffset);
        INTS.set(dst, p + 36, traceStateLength);
        INTS.set(dst, p + 40, statusMessageOffset);
        INTS.set(dst, p + 44, statusMessageLength);
        INTS.set(dst, p + 48, attributeEnd);
        INTS.set(dst, p + 52, attributeCount);
        INTS.set(dst, p + 56, droppedAttributes);
        INTS.set(dst, p + 60, eventEnd);
        INTS.set(dst, p + 64, eventCount);
        INTS.set(dst, p + 68, droppedEvents);
        INTS.set(dst, p + 72, latestEventAttributeCount);
        INTS.set(dst, p + 76, latestEventAttributesStart);
        INTS.set(dst, p + 80, linkEnd);
        INTS.set(dst, p + 84, linkCount);
        INTS.set(dst, p + 88, droppedLinks);
        INTS.set(dst, p + 92, latestLinkAttributeCount);
        INTS.set(dst, p + 96, latestLinkAttributesStart);
        p += 100;
        dst[p++] = (byte) ((scopeSet ? 1 : 0) | (latestEventDropped ? 2 : 0) | (latestLinkDropped ? 4 : 0)
                | (fillFailed ? 8 : 0));
        p = packRegion(arena, textLow, attributeEnd, dst, p);
        p = packRegion(arena, eventBase, eventEnd, dst, p);
        p = packRegion(arena, linkBase, linkEnd, dst, p);
        for (int i = 0; i < 2 * eventCount; i++, p += 4) {
            INTS.set(dst, p, table[i]);
        }
        for (int i = linkTableBase; i < linkTableBase + 3 * linkCount; i++, p += 4) {
            INTS.set(dst, p, table[i]);
        }
        return p;
    }

    /**
     * Makes this record the one packed at {@code pos} by {@link #packInto(byte[], int)}, except its
     * scope, which the caller sets. Allocation-free.
     *
     * @param src the packed form's array
     * @param pos where it starts
     * @return this
     * @throws IllegalArgumentException if it was packed from a record with other limits
     */
    public SpanRecord unpackFrom(byte[] src, int pos) {
        if ((int) INTS.get(src, pos + 48) != attributeBase || (int) INTS.get(src, pos + 52) != eventBase
                || (int) INTS.get(src, pos + 56) != linkBase) {
            throw refused("cannot unpack a record packed with other span limits");
        }
        traceIdHigh = (long) LONGS.get(src, pos);
        traceIdLow = (long) LONGS.get(src, pos + 8);
        spanId = (long) LONGS.get(src, pos + 16);
        parentSpanId = (long) LONGS.get(src, pos + 24);
        startEpochNanos = (long) LONGS.get(src, pos + 32);
        endEpochNanos = (long) LONGS.get(src, pos + 40);
        int p = pos + 60;
        flags = (int) INTS.get(src, p);
        kind = (int) INTS.get(src, p + 4);
        statusCode = (int) INTS.get(src, p + 8);
        textLow = (int) INTS.get(src, p + 12);
        nameOffset = (int) INTS.get(src, p + 16);
        nameLength = (int) INTS.get(src, p + 20);
        traceStateOffset = (int) INTS.get(src, p + 24);
        traceStateLength = (int) INTS.get(src, p + 28);
        statusMessageOffset = (int) INTS.get(src, p + 32);
        statusMessageLength = (int) INTS.get(src, p + 36);
        attributeEnd = (int) INTS.get(src, p + 40);
        attributeCount = (int) INTS.get(src, p + 44);
        droppedAttributes = (int) INTS.get(src, p + 48);
        eventEnd = (int) INTS.get(src, p + 52);
        eventCount = (int) INTS.get(src, p + 56);
        droppedEvents = (int) INTS.get(src, p + 60);
        latestEventAttributeCount = (int) INTS.get(src, p + 64);
        latestEventAttributesStart = (int) INTS.get(src, p + 68);
        linkEnd = (int) INTS.get(src, p + 72);
        linkCount = (int) INTS.get(src, p + 76);
        droppedLinks = (int) INTS.get(src, p + 80);
        latestLinkAttributeCount = (int) INTS.get(src, p + 84);
        latestLinkAttributesStart = (int) INTS.get(src, p + 88);
        p += 92;
        int bits = src[p++];
        scopeSet = (bits & 1) != 0;
        latestEventDropped = (bits & 2) != 0;
        latestLinkDropped = (bits & 4) != 0;
        fillFailed = (bits & 8) != 0;
        p = unpackRegion(src, p, arena, textLow, attributeEnd);
        p = unpackRegion(src, p, arena, eventBase, eventEnd);
        p = unpackRegion(src, p, arena, linkBase, linkEnd);
        for (int i = 0; i < 2 * eventCount; i++, p += 4) {
            table[i] = (int) INTS.get(src, p);
        }
        for (int i = linkTableBase; i < linkTableBase + 3 * linkCount; i++, p += 4) {
            table[i] = (int) INTS.get(src, p);
        }
        return this;
    }

    private static int packRegion(byte[] arena, int from, int to, byte[] dst, int p) {
        if (to > from) {
            System.arraycopy(arena, from, dst, p, to - from);
        }
        return p + to - from;
    }

    private static int unpackRegion(byte[] src, int p, byte[] arena, int from, int to) {
        if (to > from) {
            System.arraycopy(src, p, arena, from, to - from);
        }
        return p + to - from;
    }

    // ---------------------------------------------------------------- identity and header fields

    /**
     * @param scope the instrumentation scope; null means {@link InstrumentationScope#empty()}
     * @return this
     */
    public SpanRecord scope(InstrumentationScope scope) {
        InstrumentationScope given = scope == null ? InstrumentationScope.empty() : scope;
        if (this.scope != given) {
            this.scope = given; // only when it changes: see the field
        }
        scopeSet = true;
        return this;
    }

    /**
     * @param high the trace id's first 8 bytes (big-endian)
     * @param low the trace id's last 8 bytes
     * @return this
     * @throws IllegalArgumentException if both are 0 (the invalid trace id)
     */
    public SpanRecord traceId(long high, long low) {
        if (high == 0 && low == 0) {
            throw refused("trace id must not be all zeros");
        }
        this.traceIdHigh = high;
        this.traceIdLow = low;
        return this;
    }

    /**
     * @param spanId the span id (its 8 bytes big-endian)
     * @return this
     * @throws IllegalArgumentException if 0 (the invalid span id)
     */
    public SpanRecord spanId(long spanId) {
        if (spanId == 0) {
            throw refused("span id must not be 0");
        }
        this.spanId = spanId;
        return this;
    }

    /**
     * @param parentSpanId the parent's span id, 0 for a root span
     * @return this
     */
    public SpanRecord parentSpanId(long parentSpanId) {
        this.parentSpanId = parentSpanId;
        return this;
    }

    /**
     * Sets OTLP {@code Span.flags} (fixed32): bits 0-7 are the W3C trace flags (bit 0 sampled),
     * bit 8 {@code SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK}, bit 9 {@code
     * SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK}; 0 is omitted on the wire. The OpenTelemetry SDK sends
     * {@link SpanFlags#of(int, boolean) SpanFlags.of(traceFlags, parentIsRemote)}: {@code 0x101}
     * for a sampled root span or a child of a local parent, {@code 0x301} for a child of a parent
     * taken from {@code traceparent}. Without bit 8 a receiver learns nothing about the parent.
     *
     * @param flags the flags value
     * @return this
     */
    public SpanRecord traceFlags(int flags) {
        this.flags = flags;
        return this;
    }

    /**
     * Sets the W3C trace state (the {@code tracestate} header value). A value that is not a valid
     * {@code tracestate} (see {@link W3cTraceState}) is discarded whole, as W3C parsers and the
     * OpenTelemetry SDK's propagator discard it: the span then has none. A valid one is stored
     * normalized (list-members without the whitespace around them, empty ones left out, joined by
     * {@code ','}), as the SDK writes it; if it does not fit into the text bytes left, whole
     * list-members are dropped from the end (as W3C asks of a vendor that must shorten it), never a
     * member cut in half.
     *
     * @param traceState the trace state; null or empty for none
     * @return this
     */
    public SpanRecord traceState(CharSequence traceState) {
        freeText(traceStateOffset, traceStateLength);
        int n = W3cTraceState.normalizedLength(traceState);
        if (n > textLow) { // rare: keep the whole members that fit
            n = W3cTraceState.putNormalized(traceState, null, 0, textLow);
        }
        if (n > 0) {
            int start = textLow - n;
            W3cTraceState.putNormalized(traceState, arena, start, n);
            textLow = start;
        }
        traceStateLength = Math.max(n, 0);
        traceStateOffset = textLow;
        return this;
    }

    /**
     * Sets the span name. OTLP requires a non-empty name: an empty or blank one (only chars that
     * {@link String#trim()} removes) is sent as {@value TraceRequestEncoder#FALLBACK_SPAN_NAME}, as
     * the OpenTelemetry SDK does.
     *
     * @param name the span name, pre-encoded; not null
     * @return this
     * @throws IllegalArgumentException if {@code name} is null
     */
    public SpanRecord name(Utf8Constant name) {
        if (name == null) {
            throw refused("span name must not be null");
        }
        freeText(nameOffset, nameLength);
        nameLength = putText(name);
        nameOffset = textLow;
        return this;
    }

    /**
     * Sets the span name (empty or blank: see {@link #name(Utf8Constant)}).
     *
     * @param name the span name, encoded to UTF-8 now; not null
     * @return this
     * @throws IllegalArgumentException if {@code name} is null
     */
    public SpanRecord name(CharSequence name) {
        if (name == null) {
            throw refused("span name must not be null");
        }
        freeText(nameOffset, nameLength);
        nameLength = putText(name);
        nameOffset = textLow;
        return this;
    }

    /**
     * @param kind one of the {@link SpanKind} constants
     * @return this
     * @throws IllegalArgumentException if out of range
     */
    public SpanRecord kind(int kind) {
        if (!SpanKind.isValid(kind)) {
            throw refused("span kind out of range: " + kind);
        }
        this.kind = kind;
        return this;
    }

    /**
     * Sets the start time: required, and positive (the encoder refuses a record without one).
     *
     * @param epochNanos start time, nanoseconds since the epoch
     * @return this
     */
    public SpanRecord startEpochNanos(long epochNanos) {
        this.startEpochNanos = epochNanos;
        return this;
    }

    /**
     * Sets the end time: required, and positive (the encoder refuses a record without one); an end
     * before the start is sent as the start (a zero-length span), since a receiver cannot show a
     * negative duration.
     *
     * @param epochNanos end time, nanoseconds since the epoch
     * @return this
     */
    public SpanRecord endEpochNanos(long epochNanos) {
        this.endEpochNanos = epochNanos;
        return this;
    }

    /**
     * @param code one of the {@link StatusCode} constants
     * @param message the status message, encoded to UTF-8 now; null or empty for none
     * @return this
     * @throws IllegalArgumentException if {@code code} is out of range
     */
    public SpanRecord status(int code, CharSequence message) {
        if (!StatusCode.isValid(code)) {
            throw refused("status code out of range: " + code);
        }
        this.statusCode = code;
        freeText(statusMessageOffset, statusMessageLength);
        statusMessageLength = message == null ? 0 : putText(message);
        statusMessageOffset = textLow;
        return this;
    }

    /*
     * Texts (name, trace state, status message) are stacked downwards from attributeBase, so the
     * name ends right where the first span attribute begins: a typical span's name and attributes
     * share cache lines, one fewer line for the serializer to pull from the producer's core.
     */

    /**
     * Frees a text that is about to be replaced if it is the lowest one (the latest stacked), so
     * setting the same text again does not leak space; otherwise its bytes stay until reset().
     */
    private void freeText(int offset, int length) {
        if (length != 0 && offset == textLow) {
            textLow = offset + length;
        }
    }

    /** Stacks {@code s} below {@link #textLow}, truncated at a character boundary to the room left; returns its length. */
    private int putText(CharSequence s) {
        int room = textLow;
        int chars = s.length();
        int n;
        // chars > room: cannot fit (every char takes at least one byte), so do not scan it whole
        if (chars > room || (n = utf8Length(s)) > room) {
            chars = WireFormat.utf8PrefixChars(s, room);
            n = utf8Length(s, chars);
        }
        int start = textLow - n;
        putUtf8(arena, start, s, chars);
        textLow = start;
        return n;
    }

    /** Stacks {@code c} below {@link #textLow}, truncated at a UTF-8 character boundary to the room left; returns its length. */
    private int putText(Utf8Constant c) {
        byte[] src = c.utf8();
        int n = Math.min(src.length, textLow);
        if (n < src.length) {
            while (n > 0 && (src[n] & 0xC0) == 0x80) { // src[n] continues a character: cut before it
                n--;
            }
        }
        int start = textLow - n;
        System.arraycopy(src, 0, arena, start, n);
        textLow = start;
        return n;
    }

    // ---------------------------------------------------------------- span attributes

    /** @return the arena limit for a new span attribute, or -1 (counted) if the count limit is reached */
    private int spanAttributeLimit(Utf8Constant key) {
        requireKey(key);
        int end = removeKey(attributeBase, attributeEnd, key);
        if (end != attributeEnd) { // the key was set before: the new value replaces it
            attributeEnd = end;
            attributeCount--;
        }
        if (attributeCount >= limits.maxAttributes()) {
            droppedAttributes++;
            return -1;
        }
        return eventBase;
    }

    private SpanRecord spanAttributeWritten(int end) {
        if (end < 0) {
            droppedAttributes++;
        } else {
            attributeEnd = end;
            attributeCount++;
        }
        return this;
    }

    /**
     * Adds a string attribute, encoded to UTF-8 now (unpaired surrogates become '?').
     *
     * @param key not null
     * @param value not null
     * @return this
     */
    public SpanRecord attribute(Utf8Constant key, CharSequence value) {
        requireValue(value);
        int limit = spanAttributeLimit(key);
        return limit < 0 ? this : spanAttributeWritten(
                KeyValueWire.putString(arena, attributeEnd, limit, SPAN_ATTRIBUTE_TAG, key, value));
    }

    /** @param key not null @param value the value @return this */
    public SpanRecord attribute(Utf8Constant key, long value) {
        int limit = spanAttributeLimit(key);
        return limit < 0 ? this : spanAttributeWritten(
                KeyValueWire.putLong(arena, attributeEnd, limit, SPAN_ATTRIBUTE_TAG, key, value));
    }

    /** @param key not null @param value the value @return this */
    public SpanRecord attribute(Utf8Constant key, double value) {
        int limit = spanAttributeLimit(key);
        return limit < 0 ? this : spanAttributeWritten(
                KeyValueWire.putDouble(arena, attributeEnd, limit, SPAN_ATTRIBUTE_TAG, key, value));
    }

    /** @param key not null @param value the value @return this */
    public SpanRecord attribute(Utf8Constant key, boolean value) {
        int limit = spanAttributeLimit(key);
        return limit < 0 ? this : spanAttributeWritten(
                KeyValueWire.putBoolean(arena, attributeEnd, limit, SPAN_ATTRIBUTE_TAG, key, value));
    }

    /**
     * Adds a bytes attribute (copied now).
     *
     * @param key not null
     * @param value not null
     * @return this
     */
    public SpanRecord attribute(Utf8Constant key, byte[] value) {
        return attribute(key, value, 0, value == null ? 0 : value.length);
    }

    /**
     * Adds a bytes attribute from a slice of {@code value} (copied now).
     *
     * @param key not null
     * @param value not null
     * @param offset first byte
     * @param length number of bytes
     * @return this
     * @throws IllegalArgumentException if the slice is outside the array
     */
    public SpanRecord attribute(Utf8Constant key, byte[] value, int offset, int length) {
        requireSlice(value, offset, length);
        int limit = spanAttributeLimit(key);
        return limit < 0 ? this : spanAttributeWritten(
                KeyValueWire.putBytes(arena, attributeEnd, limit, SPAN_ATTRIBUTE_TAG, key, value, offset, length));
    }

    /** @param key not null @param values not null, no null elements @return this */
    public SpanRecord attribute(Utf8Constant key, CharSequence[] values) {
        return attribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null, no null elements among them
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     */
    public SpanRecord attribute(Utf8Constant key, CharSequence[] values, int count) {
        requireElements(values, count);
        int limit = spanAttributeLimit(key);
        return limit < 0 ? this : spanAttributeWritten(
                KeyValueWire.putStringArray(arena, attributeEnd, limit, SPAN_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null @return this */
    public SpanRecord attribute(Utf8Constant key, long[] values) {
        return attribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     */
    public SpanRecord attribute(Utf8Constant key, long[] values, int count) {
        requireCount(values, values == null ? 0 : values.length, count);
        int limit = spanAttributeLimit(key);
        return limit < 0 ? this : spanAttributeWritten(
                KeyValueWire.putLongArray(arena, attributeEnd, limit, SPAN_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null @return this */
    public SpanRecord attribute(Utf8Constant key, double[] values) {
        return attribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     */
    public SpanRecord attribute(Utf8Constant key, double[] values, int count) {
        requireCount(values, values == null ? 0 : values.length, count);
        int limit = spanAttributeLimit(key);
        return limit < 0 ? this : spanAttributeWritten(
                KeyValueWire.putDoubleArray(arena, attributeEnd, limit, SPAN_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null @return this */
    public SpanRecord attribute(Utf8Constant key, boolean[] values) {
        return attribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     */
    public SpanRecord attribute(Utf8Constant key, boolean[] values, int count) {
        requireCount(values, values == null ? 0 : values.length, count);
        int limit = spanAttributeLimit(key);
        return limit < 0 ? this : spanAttributeWritten(
                KeyValueWire.putBooleanArray(arena, attributeEnd, limit, SPAN_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null, no null elements @return this */
    public SpanRecord attribute(Utf8Constant key, byte[][] values) {
        requireElements(values);
        int limit = spanAttributeLimit(key);
        return limit < 0 ? this : spanAttributeWritten(
                KeyValueWire.putBytesArray(arena, attributeEnd, limit, SPAN_ATTRIBUTE_TAG, key, values));
    }

    // ---------------------------------------------------------------- events

    /**
     * Adds an event; {@code eventAttribute(...)} calls that follow add attributes to it.
     *
     * @param name the event name; not null
     * @param epochNanos the event time, nanoseconds since the epoch
     * @return this
     */
    public SpanRecord addEvent(Utf8Constant name, long epochNanos) {
        if (name == null) {
            throw refused("event name must not be null");
        }
        int n = name.utf8Length();
        int pos = eventStart(epochNanos, n);
        if (pos >= 0) {
            System.arraycopy(name.utf8(), 0, arena, pos, n);
            eventEnd = pos + n;
        }
        return this;
    }

    /**
     * Adds an event whose name is encoded to UTF-8 now.
     *
     * @param name the event name; not null
     * @param epochNanos the event time, nanoseconds since the epoch
     * @return this
     */
    public SpanRecord addEvent(CharSequence name, long epochNanos) {
        if (name == null) {
            throw refused("event name must not be null");
        }
        // a name longer in chars than the room left cannot fit (>= 1 byte per char): drop it unscanned
        int n = name.length() > linkBase - eventEnd ? Integer.MAX_VALUE : utf8Length(name);
        int pos = eventStart(epochNanos, n);
        if (pos >= 0) {
            eventEnd = putUtf8(arena, pos, name);
        }
        return this;
    }

    /**
     * Starts an event body (time, name header) and returns where the {@code n} name bytes go, or
     * -1 if the event was dropped (count or arena limit; counted).
     */
    private int eventStart(long epochNanos, int n) {
        long size = (epochNanos != 0 ? 9 : 0) + (n != 0 ? 1L + WireFormat.varintSize(n) + n : 0);
        if (eventCount >= limits.maxEvents() || size > linkBase - eventEnd) {
            droppedEvents++;
            latestEventDropped = true;
            return -1;
        }
        table[2 * eventCount] = eventEnd;
        table[2 * eventCount + 1] = 0;
        eventCount++;
        latestEventAttributeCount = 0;
        latestEventDropped = false;
        int pos = eventEnd;
        latestEventAttributesStart = pos + (int) size;
        if (epochNanos != 0) {
            arena[pos++] = 0x09; // Event.time_unix_nano (1, I64)
            pos = putFixed64(arena, pos, epochNanos);
        }
        if (n != 0) {
            arena[pos++] = 0x12; // Event.name (2, LEN)
            pos = putVarint(arena, pos, n);
        }
        eventEnd = pos;
        return pos;
    }

    /** @return the arena limit for an attribute of the latest event, or -1 if it is dropped (counted) */
    private int eventAttributeLimit(Utf8Constant key) {
        requireKey(key);
        if (eventCount == 0 && droppedEvents == 0) {
            throw refusedOutOfOrder("eventAttribute(...) before addEvent(...)");
        }
        if (latestEventDropped) {
            return -1; // the event itself was dropped and counted; its attributes go with it
        }
        int end = removeKey(latestEventAttributesStart, eventEnd, key);
        if (end != eventEnd) { // the key was set before on this event: the new value replaces it
            eventEnd = end;
            latestEventAttributeCount--;
        }
        if (latestEventAttributeCount >= limits.maxAttributesPerEvent()) {
            table[2 * eventCount - 1]++;
            return -1;
        }
        return linkBase;
    }

    private SpanRecord eventAttributeWritten(int end) {
        if (end < 0) {
            table[2 * eventCount - 1]++;
        } else {
            eventEnd = end;
            latestEventAttributeCount++;
        }
        return this;
    }

    /**
     * Adds a string attribute to the latest event.
     *
     * @param key not null
     * @param value not null
     * @return this
     * @throws IllegalStateException if no event was added
     */
    public SpanRecord eventAttribute(Utf8Constant key, CharSequence value) {
        requireValue(value);
        int limit = eventAttributeLimit(key);
        return limit < 0 ? this : eventAttributeWritten(
                KeyValueWire.putString(arena, eventEnd, limit, EVENT_ATTRIBUTE_TAG, key, value));
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, long value) {
        int limit = eventAttributeLimit(key);
        return limit < 0 ? this : eventAttributeWritten(
                KeyValueWire.putLong(arena, eventEnd, limit, EVENT_ATTRIBUTE_TAG, key, value));
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, double value) {
        int limit = eventAttributeLimit(key);
        return limit < 0 ? this : eventAttributeWritten(
                KeyValueWire.putDouble(arena, eventEnd, limit, EVENT_ATTRIBUTE_TAG, key, value));
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, boolean value) {
        int limit = eventAttributeLimit(key);
        return limit < 0 ? this : eventAttributeWritten(
                KeyValueWire.putBoolean(arena, eventEnd, limit, EVENT_ATTRIBUTE_TAG, key, value));
    }

    /** @param key not null @param value not null @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, byte[] value) {
        return eventAttribute(key, value, 0, value == null ? 0 : value.length);
    }

    /**
     * Adds a bytes attribute from a slice of {@code value} (copied now).
     *
     * @param key not null
     * @param value not null
     * @param offset first byte
     * @param length number of bytes
     * @return this
     * @throws IllegalArgumentException if the slice is outside the array
     * @throws IllegalStateException if no event was added
     */
    public SpanRecord eventAttribute(Utf8Constant key, byte[] value, int offset, int length) {
        requireSlice(value, offset, length);
        int limit = eventAttributeLimit(key);
        return limit < 0 ? this : eventAttributeWritten(
                KeyValueWire.putBytes(arena, eventEnd, limit, EVENT_ATTRIBUTE_TAG, key, value, offset, length));
    }

    /** @param key not null @param values not null, no null elements @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, CharSequence[] values) {
        return eventAttribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null, no null elements among them
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     * @throws IllegalStateException if no event was added
     */
    public SpanRecord eventAttribute(Utf8Constant key, CharSequence[] values, int count) {
        requireElements(values, count);
        int limit = eventAttributeLimit(key);
        return limit < 0 ? this : eventAttributeWritten(
                KeyValueWire.putStringArray(arena, eventEnd, limit, EVENT_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, long[] values) {
        return eventAttribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     * @throws IllegalStateException if no event was added
     */
    public SpanRecord eventAttribute(Utf8Constant key, long[] values, int count) {
        requireCount(values, values == null ? 0 : values.length, count);
        int limit = eventAttributeLimit(key);
        return limit < 0 ? this : eventAttributeWritten(
                KeyValueWire.putLongArray(arena, eventEnd, limit, EVENT_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, double[] values) {
        return eventAttribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     * @throws IllegalStateException if no event was added
     */
    public SpanRecord eventAttribute(Utf8Constant key, double[] values, int count) {
        requireCount(values, values == null ? 0 : values.length, count);
        int limit = eventAttributeLimit(key);
        return limit < 0 ? this : eventAttributeWritten(
                KeyValueWire.putDoubleArray(arena, eventEnd, limit, EVENT_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, boolean[] values) {
        return eventAttribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     * @throws IllegalStateException if no event was added
     */
    public SpanRecord eventAttribute(Utf8Constant key, boolean[] values, int count) {
        requireCount(values, values == null ? 0 : values.length, count);
        int limit = eventAttributeLimit(key);
        return limit < 0 ? this : eventAttributeWritten(
                KeyValueWire.putBooleanArray(arena, eventEnd, limit, EVENT_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null, no null elements @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, byte[][] values) {
        requireElements(values);
        int limit = eventAttributeLimit(key);
        return limit < 0 ? this : eventAttributeWritten(
                KeyValueWire.putBytesArray(arena, eventEnd, limit, EVENT_ATTRIBUTE_TAG, key, values));
    }

    // ---------------------------------------------------------------- links

    /**
     * Adds a link to another span; {@code linkAttribute(...)} calls that follow add attributes to it.
     *
     * @param traceIdHigh the linked trace id's first 8 bytes
     * @param traceIdLow the linked trace id's last 8 bytes
     * @param spanId the linked span id
     * @param flags OTLP {@code Link.flags}: W3C trace flags in bits 0-7, is-remote bits 8-9 (see
     *     {@link SpanFlags#of(int, boolean)}); 0 is omitted
     * @param traceState the linked context's trace state; null or empty for none; one that is not
     *     a valid {@code tracestate} is discarded (the link is kept without it), a valid one is
     *     stored normalized (see {@link #traceState(CharSequence)})
     * @return this
     * @throws IllegalArgumentException if the trace id or span id is all zeros
     */
    public SpanRecord addLink(long traceIdHigh, long traceIdLow, long spanId, int flags, CharSequence traceState) {
        if ((traceIdHigh == 0 && traceIdLow == 0) || spanId == 0) {
            throw refused("link trace id and span id must not be all zeros");
        }
        int n = Math.max(W3cTraceState.normalizedLength(traceState), 0);
        long size = 28 + (n != 0 ? 1L + WireFormat.varintSize(n) + n : 0);
        if (linkCount >= limits.maxLinks() || size > arenaEnd - linkEnd) {
            droppedLinks++;
            latestLinkDropped = true;
            return this;
        }
        int t = linkTableBase + 3 * linkCount;
        table[t] = linkEnd;
        table[t + 1] = 0;
        table[t + 2] = flags;
        linkCount++;
        latestLinkAttributeCount = 0;
        latestLinkDropped = false;
        byte[] a = arena;
        int pos = linkEnd;
        a[pos++] = 0x0A; // Link.trace_id (1, LEN), 16 bytes
        a[pos++] = 16;
        pos = putIdBytes(a, pos, traceIdHigh);
        pos = putIdBytes(a, pos, traceIdLow);
        a[pos++] = 0x12; // Link.span_id (2, LEN), 8 bytes
        a[pos++] = 8;
        pos = putIdBytes(a, pos, spanId);
        if (n != 0) {
            a[pos++] = 0x1A; // Link.trace_state (3, LEN)
            pos = putVarint(a, pos, n);
            pos += W3cTraceState.putNormalized(traceState, a, pos, n);
        }
        linkEnd = pos;
        latestLinkAttributesStart = pos;
        return this;
    }

    /** @return the arena limit for an attribute of the latest link, or -1 if it is dropped (counted) */
    private int linkAttributeLimit(Utf8Constant key) {
        requireKey(key);
        if (linkCount == 0 && droppedLinks == 0) {
            throw refusedOutOfOrder("linkAttribute(...) before addLink(...)");
        }
        if (latestLinkDropped) {
            return -1; // the link itself was dropped and counted; its attributes go with it
        }
        int end = removeKey(latestLinkAttributesStart, linkEnd, key);
        if (end != linkEnd) { // the key was set before on this link: the new value replaces it
            linkEnd = end;
            latestLinkAttributeCount--;
        }
        if (latestLinkAttributeCount >= limits.maxAttributesPerLink()) {
            table[linkTableBase + 3 * (linkCount - 1) + 1]++;
            return -1;
        }
        return arenaEnd;
    }

    private SpanRecord linkAttributeWritten(int end) {
        if (end < 0) {
            table[linkTableBase + 3 * (linkCount - 1) + 1]++;
        } else {
            linkEnd = end;
            latestLinkAttributeCount++;
        }
        return this;
    }

    /** @param key not null @param value not null @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, CharSequence value) {
        requireValue(value);
        int limit = linkAttributeLimit(key);
        return limit < 0 ? this : linkAttributeWritten(
                KeyValueWire.putString(arena, linkEnd, limit, LINK_ATTRIBUTE_TAG, key, value));
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, long value) {
        int limit = linkAttributeLimit(key);
        return limit < 0 ? this : linkAttributeWritten(
                KeyValueWire.putLong(arena, linkEnd, limit, LINK_ATTRIBUTE_TAG, key, value));
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, double value) {
        int limit = linkAttributeLimit(key);
        return limit < 0 ? this : linkAttributeWritten(
                KeyValueWire.putDouble(arena, linkEnd, limit, LINK_ATTRIBUTE_TAG, key, value));
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, boolean value) {
        int limit = linkAttributeLimit(key);
        return limit < 0 ? this : linkAttributeWritten(
                KeyValueWire.putBoolean(arena, linkEnd, limit, LINK_ATTRIBUTE_TAG, key, value));
    }

    /** @param key not null @param value not null @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, byte[] value) {
        return linkAttribute(key, value, 0, value == null ? 0 : value.length);
    }

    /**
     * Adds a bytes attribute from a slice of {@code value} (copied now).
     *
     * @param key not null
     * @param value not null
     * @param offset first byte
     * @param length number of bytes
     * @return this
     * @throws IllegalArgumentException if the slice is outside the array
     * @throws IllegalStateException if no link was added
     */
    public SpanRecord linkAttribute(Utf8Constant key, byte[] value, int offset, int length) {
        requireSlice(value, offset, length);
        int limit = linkAttributeLimit(key);
        return limit < 0 ? this : linkAttributeWritten(
                KeyValueWire.putBytes(arena, linkEnd, limit, LINK_ATTRIBUTE_TAG, key, value, offset, length));
    }

    /** @param key not null @param values not null, no null elements @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, CharSequence[] values) {
        return linkAttribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null, no null elements among them
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     * @throws IllegalStateException if no link was added
     */
    public SpanRecord linkAttribute(Utf8Constant key, CharSequence[] values, int count) {
        requireElements(values, count);
        int limit = linkAttributeLimit(key);
        return limit < 0 ? this : linkAttributeWritten(
                KeyValueWire.putStringArray(arena, linkEnd, limit, LINK_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, long[] values) {
        return linkAttribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     * @throws IllegalStateException if no link was added
     */
    public SpanRecord linkAttribute(Utf8Constant key, long[] values, int count) {
        requireCount(values, values == null ? 0 : values.length, count);
        int limit = linkAttributeLimit(key);
        return limit < 0 ? this : linkAttributeWritten(
                KeyValueWire.putLongArray(arena, linkEnd, limit, LINK_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, double[] values) {
        return linkAttribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     * @throws IllegalStateException if no link was added
     */
    public SpanRecord linkAttribute(Utf8Constant key, double[] values, int count) {
        requireCount(values, values == null ? 0 : values.length, count);
        int limit = linkAttributeLimit(key);
        return limit < 0 ? this : linkAttributeWritten(
                KeyValueWire.putDoubleArray(arena, linkEnd, limit, LINK_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, boolean[] values) {
        return linkAttribute(key, values, values == null ? 0 : values.length);
    }

    /**
     * Adds an array attribute of the first {@code count} values (a reusable scratch array needs no copy).
     *
     * @param key not null
     * @param values not null
     * @param count how many of {@code values}, from index 0
     * @return this
     * @throws IllegalArgumentException if {@code count} is negative or beyond the array
     * @throws IllegalStateException if no link was added
     */
    public SpanRecord linkAttribute(Utf8Constant key, boolean[] values, int count) {
        requireCount(values, values == null ? 0 : values.length, count);
        int limit = linkAttributeLimit(key);
        return limit < 0 ? this : linkAttributeWritten(
                KeyValueWire.putBooleanArray(arena, linkEnd, limit, LINK_ATTRIBUTE_TAG, key, values, count));
    }

    /** @param key not null @param values not null, no null elements @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, byte[][] values) {
        requireElements(values);
        int limit = linkAttributeLimit(key);
        return limit < 0 ? this : linkAttributeWritten(
                KeyValueWire.putBytesArray(arena, linkEnd, limit, LINK_ATTRIBUTE_TAG, key, values));
    }

    // ---------------------------------------------------------------- refused calls

    /** Marks this record's fill as failed (see {@link #fillFailed()}) and returns the exception to throw. */
    private IllegalArgumentException refused(String message) {
        fillFailed = true;
        return new IllegalArgumentException(message);
    }

    /** As {@link #refused(String)}, for a call out of order (an attribute before its event or link). */
    private IllegalStateException refusedOutOfOrder(String message) {
        fillFailed = true;
        return new IllegalStateException(message);
    }

    // ---------------------------------------------------------------- getters

    /** @return the limits this record was allocated for */
    public SpanLimits limits() {
        return limits;
    }

    /** @return the instrumentation scope (never null) */
    public InstrumentationScope scope() {
        return scopeSet ? scope : InstrumentationScope.empty();
    }

    /** @return the trace id's first 8 bytes */
    public long traceIdHigh() {
        return traceIdHigh;
    }

    /** @return the trace id's last 8 bytes */
    public long traceIdLow() {
        return traceIdLow;
    }

    /** @return the span id */
    public long spanId() {
        return spanId;
    }

    /** @return the parent span id, 0 for none */
    public long parentSpanId() {
        return parentSpanId;
    }

    /** @return OTLP {@code Span.flags} */
    public int traceFlags() {
        return flags;
    }

    /** @return the {@link SpanKind} */
    public int kind() {
        return kind;
    }

    /** @return the start time, epoch nanos */
    public long startEpochNanos() {
        return startEpochNanos;
    }

    /** @return the end time, epoch nanos */
    public long endEpochNanos() {
        return endEpochNanos;
    }

    /** @return the {@link StatusCode} */
    public int statusCode() {
        return statusCode;
    }

    /**
     * Whether a setter refused its arguments (threw) since the last {@link #reset()}. The refused
     * call changed nothing, but the fill it was part of did not complete, so the span may lack what
     * the caller meant it to have: the encoder refuses such a record, and the engine drops it as
     * {@code INVALID_SPAN} rather than export it half-written. Carried by {@link #copyFrom} and
     * the packed form.
     *
     * @return whether the fill failed
     */
    public boolean fillFailed() {
        return fillFailed;
    }

    /** @return whether trace id and span id are set (not all zeros): the encoder accepts only such records */
    public boolean hasValidIds() {
        return (traceIdHigh != 0 || traceIdLow != 0) && spanId != 0;
    }

    /** @return span attributes kept */
    public int attributeCount() {
        return attributeCount;
    }

    /** @return events kept */
    public int eventCount() {
        return eventCount;
    }

    /** @return links kept */
    public int linkCount() {
        return linkCount;
    }

    /** @return span attributes dropped (OTLP {@code dropped_attributes_count}) */
    public int droppedAttributesCount() {
        return droppedAttributes;
    }

    /** @return events dropped (OTLP {@code dropped_events_count}) */
    public int droppedEventsCount() {
        return droppedEvents;
    }

    /** @return links dropped (OTLP {@code dropped_links_count}) */
    public int droppedLinksCount() {
        return droppedLinks;
    }

    /** @param event index below {@link #eventCount()} @return that event's dropped attributes */
    public int eventDroppedAttributesCount(int event) {
        return table[2 * java.util.Objects.checkIndex(event, eventCount) + 1];
    }

    /** @param link index below {@link #linkCount()} @return that link's dropped attributes */
    public int linkDroppedAttributesCount(int link) {
        return table[linkTableBase + 3 * java.util.Objects.checkIndex(link, linkCount) + 1];
    }

    // ---------------------------------------------------------------- attribute keys

    /**
     * Removes the attribute with {@code key} from the KeyValue fields in {@code [start, end)} of
     * the arena, if there is one, by moving the fields behind it down; returns the new end. Keys
     * are unique in every region (this method keeps them so), so there is at most one match. A
     * linear scan of the wire form: attributes per span are few, keys differ early or in length,
     * and it keeps the record free of any key index. No allocation.
     */
    private int removeKey(int start, int end, Utf8Constant key) {
        final byte[] a = arena;
        final byte[] k = key.utf8();
        int pos = start;
        while (pos < end) {
            int fieldStart = pos;
            pos++; // the field tag: one byte in every attribute context
            int length = 0;
            for (int shift = 0; ; shift += 7) { // KeyValue length varint
                byte b = a[pos++];
                length |= (b & 0x7F) << shift;
                if (b >= 0) {
                    break;
                }
            }
            int fieldEnd = pos + length;
            int keyLength = 0;
            if (a[pos] == 0x0A) { // KeyValue.key; absent when the key is empty
                pos++;
                for (int shift = 0; ; shift += 7) {
                    byte b = a[pos++];
                    keyLength |= (b & 0x7F) << shift;
                    if (b >= 0) {
                        break;
                    }
                }
            }
            if (keyLength == k.length && java.util.Arrays.equals(a, pos, pos + keyLength, k, 0, keyLength)) {
                System.arraycopy(a, fieldEnd, a, fieldStart, end - fieldEnd);
                return end - (fieldEnd - fieldStart);
            }
            pos = fieldEnd;
        }
        return end;
    }

    // ---------------------------------------------------------------- validation

    private void requireKey(Utf8Constant key) {
        if (key == null) {
            throw refused("attribute key must not be null");
        }
    }

    private void requireValue(Object value) {
        if (value == null) {
            throw refused("attribute value must not be null");
        }
    }

    private void requireElements(Object[] values) {
        requireValue(values);
        requireElements(values, values.length);
    }

    private void requireElements(Object[] values, int count) {
        requireCount(values, values == null ? 0 : values.length, count);
        for (int i = 0; i < count; i++) {
            if (values[i] == null) {
                throw refused("attribute array elements must not be null");
            }
        }
    }

    private void requireCount(Object values, int length, int count) {
        requireValue(values);
        if (count < 0 || count > length) {
            throw refused("count " + count + " outside the array of " + length);
        }
    }

    private void requireSlice(byte[] value, int offset, int length) {
        requireValue(value);
        if (offset < 0 || length < 0 || offset > value.length - length) {
            throw refused("slice [" + offset + ", +" + length + ") outside the array of " + value.length);
        }
    }
}
