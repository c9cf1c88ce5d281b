package io.ringtrace.codec;

import static io.ringtrace.codec.NativeStores.copy;
import static io.ringtrace.codec.NativeStores.putByte;
import static io.ringtrace.codec.NativeStores.putFixed32;
import static io.ringtrace.codec.NativeStores.putFixed64;
import static io.ringtrace.codec.NativeStores.putIdBytes;
import static io.ringtrace.codec.NativeStores.putVarint;
import static io.ringtrace.codec.WireFormat.lenFieldSize;
import static io.ringtrace.codec.WireFormat.varintSize;

import java.nio.ByteBuffer;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Encodes spans in the {@link SpanSlot} format (a {@link SpanRecord}, or a ring slot read in place
 * with {@link #tryAppend(byte[], int, int, InstrumentationScope)}) into one OTLP {@code
 * ExportTraceServiceRequest} in an off-heap Chronicle {@link Bytes} buffer: {@link #begin(Bytes)},
 * {@link #append(SpanRecord)} span after span, {@link #seal()}. Reusable for any number of
 * requests; zero allocation in steady state. Single-threaded: one encoder per serializer thread.
 *
 * <h2>Checked once, sizes first, no back-patching of the span</h2>
 * {@link #tryAppend(SpanRecord)} reads the span's header fields, offsets and region lengths once,
 * checks them against the span's bounds (and the span's required fields), and computes the
 * span's exact size from those copies before a byte is written (the attribute, event and link
 * regions are already wire-encoded, see {@link SpanRecord}). So its length prefix is written once
 * with its minimal varint, as protobuf-java writes it, and a span that is invalid or does not fit
 * is refused without touching the buffer: one bad span never affects the rest of the request.
 * Back-patching would need fixed-width (padded) varints, which parse but are not byte-identical
 * to protobuf-java; a two-pass size-then-write (as the OpenTelemetry SDK's marshaler does) is
 * cheap here because the size pass reads a handful of ints.
 *
 * <h2>Request layout: header gap, right-aligned header at seal</h2>
 * The lengths of {@code ResourceSpans} and {@code ScopeSpans} are unknown until the last span.
 * So the first span is written after a gap as large as the largest possible header, and {@link
 * #seal()} writes the exact header right-aligned in front of the first span; the request then
 * starts inside the gap ({@code readPosition()} = gap end - header length), and nothing is copied:
 * <pre>
 * [ unused | 0A len(ResourceSpans) 0A len Resource | 12 len(ScopeSpans) 0A len Scope ][ 12 len Span ]... [ 1A schema ][ 1A schema ]
 *            ^ readPosition                                                   gap end ^      trailers ^          readLimit ^
 * </pre>
 * When one request holds spans of several scopes, each scope needs its own {@code ScopeSpans},
 * so spans must be grouped: the body is kept as runs of same-scope spans, each run after the
 * first preceded by a 5-byte internal marker (scope index, run length), and {@code seal()} copies
 * the runs scope by scope into the output area behind the body. That costs one extra copy of the
 * request and {@link #requiredCapacity(int)} bytes of buffer (about 2.13 x {@code
 * maxRequestBytes}); the single-scope common case pays neither the copy nor the markers.
 *
 * <h2>Write path</h2>
 * Bytes are written through a direct {@code ByteBuffer} view of the buffer's memory (absolute puts,
 * {@code VarHandle}s with the wire's byte order for 4- and 8-byte values): the JDK's supported
 * memory access, which keeps working where {@code sun.misc.Unsafe}'s is denied (JEP 498). Indexes
 * stay inside the capacity that {@code begin} checks once, and copies come from the span's bytes at
 * offsets that {@code tryAppend} checks once per span. Chronicle {@code Bytes} still owns the memory
 * and its lifetime; positions are set once, at {@code seal}. What the stores cost against raw
 * {@code Unsafe} stores and Chronicle's write methods: codec/README.md, "Measured".
 */
public final class TraceRequestEncoder extends RequestEncoder {

    /** At most this many distinct scopes share one request; a span of one more scope starts a new request. */
    public static final int MAX_SCOPES_PER_REQUEST = RequestAssembly.MAX_SCOPES_PER_REQUEST;
    /** Smallest accepted {@code maxRequestBytes}. */
    public static final int MIN_REQUEST_BYTES = RequestAssembly.MIN_REQUEST_BYTES;


    /** The name sent for a span whose name is empty or blank (the OpenTelemetry SDK's). */
    public static final String FALLBACK_SPAN_NAME = "<unspecified span name>";
    private static final byte[] FALLBACK_SPAN_NAME_UTF8 = Utf8Constant.of(FALLBACK_SPAN_NAME).utf8();

    /** The span being appended, read once from its record and checked. */
    private final SpanSlotReader checked = new SpanSlotReader();

    /**
     * @param resource the resource of every span this encoder writes; not null
     * @param maxRequestBytes the maximum size of one encoded request (at least {@link
     *     #MIN_REQUEST_BYTES}); {@link #append(SpanRecord)} refuses spans beyond it
     */
    public TraceRequestEncoder(Resource resource, int maxRequestBytes) {
        super(resource, maxRequestBytes);
    }

    /**
     * The buffer capacity {@link #begin(Bytes)} needs: {@code maxRequestBytes} for the request,
     * an eighth more for the multi-scope run markers (5 bytes per run, and a run holds at least
     * one span of at least ~50 bytes, so even spans of alternating scopes fit), and {@code
     * maxRequestBytes} of output area where several scopes' spans are grouped at {@link #seal()}.
     *
     * @param maxRequestBytes the encoder's maximum request size
     * @return bytes of buffer capacity
     */
    public static int requiredCapacity(int maxRequestBytes) {
        return RequestAssembly.requiredCapacity(maxRequestBytes);
    }

    /** @return spans appended since {@link #begin(Bytes)} */
    public int spanCount() {
        return recordCount();
    }

    /**
     * Appends one span if the record is a valid span and it fits. Nothing of it is written
     * otherwise, so a refused span never affects the request under construction.
     *
     * <p>The edge check, once per span: the span's regions, texts, event and link prefixes and counts
     * must lie inside its bounds (a span changed by two threads at once, e.g. through ring-API
     * misuse, is refused, never read outside them), it must not be marked too large, its kind and status code must be constants, its ids
     * valid and its start and end times positive, and no setter may have refused its arguments
     * ({@link SpanRecord#fillFailed()}). Every field is read once, checked, and the span's size and
     * bytes are computed from those copies only. Fixed up on the way, as the OpenTelemetry SDK
     * does: an empty or blank name is sent as {@value #FALLBACK_SPAN_NAME}, an end before the start
     * as the start.
     *
     * @param span the record
     * @return {@link #APPENDED}; {@link #FULL} if it does not fit into this request (seal it and
     *     append to the next one; if this request is still empty, the span alone is larger than
     *     {@code maxRequestBytes} and can never be sent), or its scope would be the {@link
     *     #MAX_SCOPES_PER_REQUEST}+1st of this request; or {@link #INVALID} if the record is not a
     *     valid span (see above)
     * @throws IllegalStateException if {@link #begin(Bytes)} was not called
     */
    public int tryAppend(SpanRecord span) {
        return tryAppend(span.area(), span.base(), span.base() + span.capacity(), span.scope());
    }

    /**
     * {@link #tryAppend(SpanRecord)} for a span in the {@link SpanSlot} format, read in place.
     *
     * @param area the array holding the span
     * @param base where it starts
     * @param limit the end of its room: nothing at or past it is read
     * @param scope its instrumentation scope; null means {@link InstrumentationScope#empty()}
     * @return {@link #APPENDED}, {@link #FULL} or {@link #INVALID}, as {@link #tryAppend(SpanRecord)}
     * @throws IllegalStateException if {@link #begin(Bytes)} was not called
     */
    @Override
    public int tryAppend(byte[] area, int base, int limit, InstrumentationScope scope) {
        request.requireBegun();
        if (scope == null) {
            scope = InstrumentationScope.empty();
        }
        final SpanSlotReader c = checked;
        if (!c.readFrom(area, base, limit)) {
            return INVALID;
        }
        final int spanSize = spanSize(c);
        int at = request.reserve(scope, lenFieldSize(spanSize));
        if (at < 0) {
            return FULL;
        }
        request.written(writeSpan(c, area, at, spanSize));
        return APPENDED;
    }

    /**
     * {@link #tryAppend(SpanRecord)}, for callers that treat an invalid record as a bug.
     *
     * @param span the record
     * @return true if appended; false if it does not fit (see {@link #tryAppend(SpanRecord)})
     * @throws IllegalArgumentException if the record is not a valid span ({@link #INVALID})
     * @throws IllegalStateException if {@link #begin(Bytes)} was not called
     */
    public boolean append(SpanRecord span) {
        int result = tryAppend(span);
        if (result == INVALID) {
            throw new IllegalArgumentException("span record is not a valid span: ids all zero, times missing or"
                    + " negative, a refused setter, or offsets outside its storage");
        }
        return result == APPENDED;
    }

    // ---------------------------------------------------------------- span size (hot path)

    /** Exact size of the {@code Span} message body of {@code c}, as protobuf-java would write it. */
    private static int spanSize(SpanSlotReader c) {
        int size = 18 + 10; // trace_id (1): tag, len, 16 bytes; span_id (2): tag, len, 8 bytes
        if (c.traceStateLength != 0) {
            size += lenFieldSize(c.traceStateLength);
        }
        if (c.parentSpanId != 0) {
            size += 10;
        }
        size += lenFieldSize(c.fallbackName ? FALLBACK_SPAN_NAME_UTF8.length : c.nameLength);
        if (c.kind != 0) {
            size += 2;
        }
        size += 9 + 9; // start and end times: both positive, so both present
        size += c.attributeEnd - c.attributeStart;
        if (c.droppedAttributes != 0) {
            size += 1 + varintSize(c.droppedAttributes);
        }
        for (int i = 0, n = c.eventCount; i < n; i++) {
            size += lenFieldSize(eventSize(c, i));
        }
        if (c.droppedEvents != 0) {
            size += 1 + varintSize(c.droppedEvents);
        }
        for (int i = 0, n = c.linkCount; i < n; i++) {
            size += lenFieldSize(linkSize(c, i));
        }
        if (c.droppedLinks != 0) {
            size += 1 + varintSize(c.droppedLinks);
        }
        int status = statusSize(c);
        if (status != 0) {
            size += lenFieldSize(status);
        }
        if (c.flags != 0) {
            size += 6; // flags (16, I32): 2-byte tag, 4 bytes
        }
        return size;
    }

    private static int eventSize(SpanSlotReader c, int i) {
        int dropped = c.events[3 * i + 2];
        return c.events[3 * i + 1] + (dropped != 0 ? 1 + varintSize(dropped) : 0);
    }

    private static int linkSize(SpanSlotReader c, int i) {
        int dropped = c.links[4 * i + 2];
        return c.links[4 * i + 1] + (dropped != 0 ? 1 + varintSize(dropped) : 0) + (c.links[4 * i + 3] != 0 ? 5 : 0);
    }

    private static int statusSize(SpanSlotReader c) {
        return (c.statusMessageLength != 0 ? lenFieldSize(c.statusMessageLength) : 0) + (c.statusCode != 0 ? 2 : 0);
    }

    // ---------------------------------------------------------------- span writer (hot path)

    /**
     * Writes the {@code ScopeSpans.spans} field of the checked span {@code c} at {@code pos}, its
     * variable parts copied from {@code arena} (the span's area) at the checked offsets; returns the end.
     */
    private int writeSpan(SpanSlotReader c, byte[] arena, int pos, int spanSize) {
        final ByteBuffer a = request.out();
        pos = putByte(a, pos, 0x12); // ScopeSpans.spans (2, LEN)
        pos = putVarint(a, pos, spanSize);
        pos = putByte(a, pos, 0x0A); // trace_id (1, LEN)
        pos = putByte(a, pos, 16);
        pos = putIdBytes(a, pos, c.traceIdHigh);
        pos = putIdBytes(a, pos, c.traceIdLow);
        pos = putByte(a, pos, 0x12); // span_id (2, LEN)
        pos = putByte(a, pos, 8);
        pos = putIdBytes(a, pos, c.spanId);
        if (c.traceStateLength != 0) {
            pos = putByte(a, pos, 0x1A); // trace_state (3, LEN)
            pos = putVarint(a, pos, c.traceStateLength);
            pos = copy(arena, c.traceStateOffset, a, pos, c.traceStateLength);
        }
        if (c.parentSpanId != 0) {
            pos = putByte(a, pos, 0x22); // parent_span_id (4, LEN)
            pos = putByte(a, pos, 8);
            pos = putIdBytes(a, pos, c.parentSpanId);
        }
        pos = putByte(a, pos, 0x2A); // name (5, LEN): never empty on the wire
        if (c.fallbackName) {
            pos = putVarint(a, pos, FALLBACK_SPAN_NAME_UTF8.length);
            pos = copy(FALLBACK_SPAN_NAME_UTF8, 0, a, pos, FALLBACK_SPAN_NAME_UTF8.length);
        } else {
            pos = putVarint(a, pos, c.nameLength);
            pos = copy(arena, c.nameOffset, a, pos, c.nameLength);
        }
        if (c.kind != 0) {
            pos = putByte(a, pos, 0x30); // kind (6, VARINT), 1..5
            pos = putByte(a, pos, c.kind);
        }
        pos = putByte(a, pos, 0x39); // start_time_unix_nano (7, I64)
        pos = putFixed64(a, pos, c.startEpochNanos);
        pos = putByte(a, pos, 0x41); // end_time_unix_nano (8, I64)
        pos = putFixed64(a, pos, c.endEpochNanos);
        // attributes (9): complete KeyValue fields already
        pos = copy(arena, c.attributeStart, a, pos, c.attributeEnd - c.attributeStart);
        if (c.droppedAttributes != 0) {
            pos = putByte(a, pos, 0x50); // dropped_attributes_count (10, VARINT)
            pos = putVarint(a, pos, c.droppedAttributes);
        }
        final int[] events = c.events;
        for (int i = 0, n = c.eventCount; i < n; i++) {
            int dropped = events[3 * i + 2];
            int body = events[3 * i + 1];
            pos = putByte(a, pos, 0x5A); // events (11, LEN)
            pos = putVarint(a, pos, body + (dropped != 0 ? 1 + varintSize(dropped) : 0));
            pos = copy(arena, events[3 * i], a, pos, body); // time (1), name (2), attributes (3)
            if (dropped != 0) {
                pos = putByte(a, pos, 0x20); // Event.dropped_attributes_count (4, VARINT)
                pos = putVarint(a, pos, dropped);
            }
        }
        if (c.droppedEvents != 0) {
            pos = putByte(a, pos, 0x60); // dropped_events_count (12, VARINT)
            pos = putVarint(a, pos, c.droppedEvents);
        }
        for (int i = 0, n = c.linkCount; i < n; i++) {
            int[] links = c.links;
            int dropped = links[4 * i + 2];
            int flags = links[4 * i + 3];
            pos = putByte(a, pos, 0x6A); // links (13, LEN)
            pos = putVarint(a, pos, linkSize(c, i));
            pos = copy(arena, links[4 * i], a, pos, links[4 * i + 1]); // ids (1, 2), trace_state (3), attributes (4)
            if (dropped != 0) {
                pos = putByte(a, pos, 0x28); // Link.dropped_attributes_count (5, VARINT)
                pos = putVarint(a, pos, dropped);
            }
            if (flags != 0) {
                pos = putByte(a, pos, 0x35); // Link.flags (6, I32)
                pos = putFixed32(a, pos, flags);
            }
        }
        if (c.droppedLinks != 0) {
            pos = putByte(a, pos, 0x70); // dropped_links_count (14, VARINT)
            pos = putVarint(a, pos, c.droppedLinks);
        }
        int status = statusSize(c);
        if (status != 0) {
            pos = putByte(a, pos, 0x7A); // status (15, LEN)
            pos = putVarint(a, pos, status);
            if (c.statusMessageLength != 0) {
                pos = putByte(a, pos, 0x12); // Status.message (2, LEN)
                pos = putVarint(a, pos, c.statusMessageLength);
                pos = copy(arena, c.statusMessageOffset, a, pos, c.statusMessageLength);
            }
            if (c.statusCode != 0) {
                pos = putByte(a, pos, 0x18); // Status.code (3, VARINT), 1..2
                pos = putByte(a, pos, c.statusCode);
            }
        }
        if (c.flags != 0) {
            pos = putByte(a, pos, 0x85); // flags (16, I32): tag 133 as a 2-byte varint
            pos = putByte(a, pos, 0x01);
            pos = putFixed32(a, pos, c.flags);
        }
        return pos;
    }
}
