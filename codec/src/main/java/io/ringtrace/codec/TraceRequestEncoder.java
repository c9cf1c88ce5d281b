package io.ringtrace.codec;

import static io.ringtrace.codec.WireFormat.lenFieldSize;
import static io.ringtrace.codec.WireFormat.varintSize;

import java.nio.ByteOrder;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.UnsafeMemory;
import sun.misc.Unsafe;

/**
 * Encodes {@link SpanRecord}s into one OTLP {@code ExportTraceServiceRequest} in an off-heap
 * Chronicle {@link Bytes} buffer: {@link #begin(Bytes)}, {@link #append(SpanRecord)} span after
 * span, {@link #seal()}. Reusable for any number of requests; zero allocation in steady state.
 * Single-threaded: one encoder per serializer thread.
 *
 * <h2>Sizes first, no back-patching of the span</h2>
 * A span's exact size is computed from the record's primitives and region lengths before a byte
 * is written (the attribute, event and link regions are already wire-encoded, see {@link
 * SpanRecord}), so its length prefix is written once with its minimal varint, as protobuf-java
 * writes it, and {@code append} can refuse a span that does not fit without touching the buffer.
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
 * request and {@link #requiredCapacity(int)} bytes of buffer (about 2.25 x {@code
 * maxRequestBytes}); the single-scope common case pays neither the copy nor the markers.
 *
 * <h2>Write path</h2>
 * Bytes are written with plain native stores ({@code Unsafe}) at addresses inside the buffer's
 * capacity, which {@code begin} checks once; Chronicle's bounds-checked write methods were
 * measured 30-45% slower for this kind of small-write workload (STYLE.md). Chronicle {@code
 * Bytes} still owns the memory and its lifetime; positions are set once, at {@code seal}.
 */
public final class TraceRequestEncoder {

    private static final Unsafe UNSAFE = UnsafeMemory.UNSAFE;
    private static final long BYTE_ARRAY_BASE = Unsafe.ARRAY_BYTE_BASE_OFFSET;
    /** fixed64/fixed32 are little-endian on the wire; native stores are swapped on big-endian hosts. */
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** At most this many distinct scopes share one request; a span of one more scope starts a new request. */
    public static final int MAX_SCOPES_PER_REQUEST = 64;
    /** Bytes of a run marker in the multi-scope body: scope index (1), run length (4). */
    private static final int RUN_MARKER_BYTES = 5;
    /** Smallest accepted {@code maxRequestBytes}. */
    public static final int MIN_REQUEST_BYTES = 1024;

    private final int maxRequestBytes;
    private final int capacity;
    private final byte[] resourceBody;
    private final byte[] resourceSchemaUrl;
    /** {@code ResourceSpans.resource} + {@code ResourceSpans.schema_url} fields, bytes. */
    private final int resourceFieldsSize;

    private final InstrumentationScope[] scopes = new InstrumentationScope[MAX_SCOPES_PER_REQUEST];
    /** Bytes of the Span fields of each scope in the current request. */
    private final int[] scopeSpanBytes = new int[MAX_SCOPES_PER_REQUEST];

    private Bytes<?> buffer;
    /** Native address of the buffer's {@code start()}; all positions below are offsets from it. */
    private long address;
    private int scopeCount;
    private int spanCount;
    /** Offset of the first span (end of the header gap). */
    private int bodyStart;
    /** Offset where the next span goes. */
    private int bodyEnd;
    /** Body bytes may not pass this offset; the output area for grouping starts here. */
    private int bodyLimit;
    /** Index of the scope of the latest span, -1 before the first. */
    private int currentScope;
    /** Whether the body holds runs of more than one scope (markers in use). */
    private boolean multiScope;
    /** End of the first run (scope 0, no marker) once {@link #multiScope}. */
    private int firstRunEnd;
    /** Offset of the current run's marker once {@link #multiScope}. */
    private int currentRunMarker;
    /** Exact encoded size of the request so far, spans included. */
    private long requestSize;

    /**
     * @param resource the resource of every span this encoder writes; not null
     * @param maxRequestBytes the maximum size of one encoded request (at least {@link
     *     #MIN_REQUEST_BYTES}); {@link #append(SpanRecord)} refuses spans beyond it
     */
    public TraceRequestEncoder(Resource resource, int maxRequestBytes) {
        if (resource == null) {
            throw new IllegalArgumentException("resource must not be null");
        }
        if (maxRequestBytes < MIN_REQUEST_BYTES || maxRequestBytes > (1 << 29)) {
            throw new IllegalArgumentException("maxRequestBytes must be in [" + MIN_REQUEST_BYTES + ", 2^29], was " + maxRequestBytes);
        }
        this.maxRequestBytes = maxRequestBytes;
        this.capacity = requiredCapacity(maxRequestBytes);
        this.resourceBody = resource.encoded();
        this.resourceSchemaUrl = resource.schemaUrlUtf8();
        this.resourceFieldsSize = lenFieldSize(resourceBody.length) + stringFieldSize(resourceSchemaUrl.length);
    }

    /**
     * The buffer capacity {@link #begin(Bytes)} needs: {@code maxRequestBytes} for the request,
     * a quarter more for the multi-scope run markers, and {@code maxRequestBytes} of output area
     * where several scopes' spans are grouped at {@link #seal()}.
     *
     * @param maxRequestBytes the encoder's maximum request size
     * @return bytes of buffer capacity
     */
    public static int requiredCapacity(int maxRequestBytes) {
        return 2 * maxRequestBytes + maxRequestBytes / 4 + 64;
    }

    /** @return the buffer capacity this encoder needs, {@link #requiredCapacity(int)} */
    public int requiredCapacity() {
        return capacity;
    }

    /** @return the maximum size of one request */
    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    /**
     * Starts a new request in {@code buffer}. The encoder owns the buffer until {@link #seal()};
     * an elastic buffer is grown once to {@link #requiredCapacity()}. A request begun earlier and
     * not sealed is abandoned (its buffer's contents are undefined).
     *
     * @param buffer an off-heap (direct) buffer; its Chronicle single-thread check is disabled,
     *     since request buffers pass between the serializer and export threads
     * @throws IllegalArgumentException if the buffer is not off-heap or cannot hold {@link #requiredCapacity()}
     */
    public void begin(Bytes<?> buffer) {
        if (buffer == null || !buffer.isDirectMemory()) {
            throw new IllegalArgumentException("buffer must be an off-heap (direct) Bytes");
        }
        // Request buffers legitimately move between the serializer and the export thread (the
        // engine's pool hands them over with a happens-before edge), so Chronicle's owner-thread
        // check is switched off for them. Resetting it instead would make the next access capture
        // a StackTrace (~2 KB of garbage) once per request.
        buffer.singleThreadedCheckDisabled(true);
        if (buffer.realCapacity() - buffer.start() < capacity) {
            if (buffer.isElastic() && buffer.capacity() - buffer.start() >= capacity) {
                buffer.ensureCapacity(buffer.start() + capacity); // grows once; later begins find it large enough
            }
            if (buffer.realCapacity() - buffer.start() < capacity) {
                throw new IllegalArgumentException("buffer capacity " + buffer.realCapacity() + " < required " + capacity);
            }
        }
        buffer.clear();
        this.buffer = buffer;
        this.address = buffer.addressForWrite(buffer.start());
        this.scopeCount = 0;
        this.spanCount = 0;
        this.currentScope = -1;
        this.multiScope = false;
        this.bodyLimit = capacity - maxRequestBytes;
        this.requestSize = 0;
    }

    /** @return spans appended since {@link #begin(Bytes)} */
    public int spanCount() {
        return spanCount;
    }

    /** @return the exact size of the request if sealed now */
    public long requestSize() {
        return requestSize;
    }

    /**
     * Appends one span. Nothing is written if it does not fit.
     *
     * @param span the record; must have {@linkplain SpanRecord#hasValidIds() valid ids}
     * @return true if appended; false if it does not fit into this request (seal it and append to
     *     the next one; if this request is still empty, the span alone is larger than {@code
     *     maxRequestBytes} and can never be sent), or its scope would be the {@link
     *     #MAX_SCOPES_PER_REQUEST}+1st of this request
     * @throws IllegalArgumentException if the record's ids are all zeros
     * @throws IllegalStateException if {@link #begin(Bytes)} was not called
     */
    public boolean append(SpanRecord span) {
        if (buffer == null) {
            throw new IllegalStateException("append(...) outside begin(...)/seal()");
        }
        if (!span.hasValidIds()) {
            throw new IllegalArgumentException("span record has an all-zero trace id or span id");
        }
        final int spanSize = spanSize(span);
        final int spanFieldSize = lenFieldSize(spanSize);
        final InstrumentationScope scope = span.scope();

        // Which ScopeSpans the span joins; a new scope costs its ScopeSpans header and trailer.
        int s = currentScope >= 0 && scopes[currentScope] == scope ? currentScope : indexOf(scope);
        long newRequestSize;
        if (s >= 0) {
            int oldScopeSize = scopeSpansSize(s, scopeSpanBytes[s]);
            int newScopeSize = scopeSpansSize(s, scopeSpanBytes[s] + spanFieldSize);
            newRequestSize = requestSizeFor(resourceSpansBody() - lenFieldSize(oldScopeSize) + lenFieldSize(newScopeSize));
        } else {
            if (scopeCount == MAX_SCOPES_PER_REQUEST) {
                return false;
            }
            int newScopeSize = lenFieldSize(scope.encoded().length) + spanFieldSize + stringFieldSize(scope.schemaUrlUtf8().length);
            newRequestSize = requestSizeFor(resourceSpansBody() + lenFieldSize(newScopeSize));
        }
        if (newRequestSize > maxRequestBytes) {
            return false;
        }

        if (spanCount == 0) {
            // First span: the gap fits the largest header this scope can need (5-byte varints).
            bodyStart = 1 + 5 + lenFieldSize(resourceBody.length) + 1 + 5 + lenFieldSize(scope.encoded().length);
            bodyEnd = bodyStart;
        }
        boolean newRun = s != currentScope && spanCount != 0;
        int needed = spanFieldSize + (newRun ? RUN_MARKER_BYTES : 0);
        if (needed > bodyLimit - bodyEnd) {
            return false; // only with many alternating scopes: markers took the slack
        }

        if (s < 0) {
            s = scopeCount++;
            scopes[s] = scope;
            scopeSpanBytes[s] = 0;
        }
        if (newRun) {
            if (!multiScope) {
                multiScope = true;
                firstRunEnd = bodyEnd;
            } else {
                closeRun();
            }
            currentRunMarker = bodyEnd;
            UNSAFE.putByte(address + bodyEnd, (byte) s);
            bodyEnd += RUN_MARKER_BYTES;
        }
        currentScope = s;
        bodyEnd = writeSpan(span, bodyEnd, spanSize);
        scopeSpanBytes[s] += spanFieldSize;
        spanCount++;
        requestSize = newRequestSize;
        return true;
    }

    /**
     * Seals the request: afterwards the buffer holds exactly one complete {@code
     * ExportTraceServiceRequest} between its {@code readPosition()} and {@code readLimit()} (an
     * empty request, zero bytes, if no span was appended). The encoder releases the buffer; call
     * {@link #begin(Bytes)} for the next request.
     *
     * @return the buffer
     * @throws IllegalStateException if {@link #begin(Bytes)} was not called
     */
    public Bytes<?> seal() {
        Bytes<?> b = buffer;
        if (b == null) {
            throw new IllegalStateException("seal() without begin(...)");
        }
        int start;
        int end;
        if (spanCount == 0) {
            start = end = 0;
        } else if (!multiScope) {
            int headerSize = 1 + varintSize(resourceSpansBody()) + lenFieldSize(resourceBody.length)
                    + 1 + varintSize(scopeSpansSize(0, scopeSpanBytes[0])) + lenFieldSize(scopes[0].encoded().length);
            start = bodyStart - headerSize;
            int pos = writeRequestHeader(start);
            writeScopeHeader(pos, 0);
            end = writeScopeTrailer(bodyEnd, 0);
            end = writeResourceTrailer(end);
        } else {
            closeRun();
            start = bodyLimit;
            int pos = writeRequestHeader(start);
            for (int s = 0; s < scopeCount; s++) {
                pos = writeScopeHeader(pos, s);
                pos = copyRuns(pos, s);
                pos = writeScopeTrailer(pos, s);
            }
            end = writeResourceTrailer(pos);
        }
        if (end - start != requestSize) {
            throw new IllegalStateException("encoder bug: wrote " + (end - start) + " bytes, computed " + requestSize);
        }
        long base = b.start();
        b.writePosition(base + end);
        b.readPosition(base + start);
        for (int i = 0; i < scopeCount; i++) {
            scopes[i] = null; // do not pin scopes past the request
        }
        buffer = null;
        return b;
    }

    // ---------------------------------------------------------------- sizes

    private int indexOf(InstrumentationScope scope) {
        for (int i = 0; i < scopeCount; i++) {
            if (scopes[i] == scope) {
                return i;
            }
        }
        return -1;
    }

    private static int stringFieldSize(int utf8Length) {
        return utf8Length == 0 ? 0 : lenFieldSize(utf8Length);
    }

    /** Body size of {@code ScopeSpans} {@code s} if its spans took {@code spanBytes}. */
    private int scopeSpansSize(int s, int spanBytes) {
        InstrumentationScope scope = scopes[s];
        return lenFieldSize(scope.encoded().length) + spanBytes + stringFieldSize(scope.schemaUrlUtf8().length);
    }

    /** Body size of the {@code ResourceSpans} with the current scopes and spans. */
    private int resourceSpansBody() {
        int size = resourceFieldsSize;
        for (int s = 0; s < scopeCount; s++) {
            size += lenFieldSize(scopeSpansSize(s, scopeSpanBytes[s]));
        }
        return size;
    }

    private static long requestSizeFor(int resourceSpansBody) {
        return lenFieldSize(resourceSpansBody);
    }

    /** Exact size of the {@code Span} message body of {@code r}, as protobuf-java would write it. */
    static int spanSize(SpanRecord r) {
        int size = 18 + 10; // trace_id (1): tag, len, 16 bytes; span_id (2): tag, len, 8 bytes
        if (r.traceStateLength != 0) {
            size += lenFieldSize(r.traceStateLength);
        }
        if (r.parentSpanId != 0) {
            size += 10;
        }
        if (r.nameLength != 0) {
            size += lenFieldSize(r.nameLength);
        }
        if (r.kind != 0) {
            size += 2;
        }
        if (r.startEpochNanos != 0) {
            size += 9;
        }
        if (r.endEpochNanos != 0) {
            size += 9;
        }
        size += r.attributeEnd - r.attributeBase;
        if (r.droppedAttributes != 0) {
            size += 1 + varintSize(r.droppedAttributes);
        }
        for (int i = 0, n = r.eventCount; i < n; i++) {
            size += lenFieldSize(eventSize(r, i));
        }
        if (r.droppedEvents != 0) {
            size += 1 + varintSize(r.droppedEvents);
        }
        for (int i = 0, n = r.linkCount; i < n; i++) {
            size += lenFieldSize(linkSize(r, i));
        }
        if (r.droppedLinks != 0) {
            size += 1 + varintSize(r.droppedLinks);
        }
        int status = statusSize(r);
        if (status != 0) {
            size += lenFieldSize(status);
        }
        if (r.flags != 0) {
            size += 6; // flags (16, I32): 2-byte tag, 4 bytes
        }
        return size;
    }

    private static int eventBodyLength(SpanRecord r, int i) {
        int end = i + 1 < r.eventCount ? r.table[2 * i + 2] : r.eventEnd;
        return end - r.table[2 * i];
    }

    private static int eventSize(SpanRecord r, int i) {
        int dropped = r.table[2 * i + 1];
        return eventBodyLength(r, i) + (dropped != 0 ? 1 + varintSize(dropped) : 0);
    }

    private static int linkBodyLength(SpanRecord r, int i) {
        int t = r.linkTableBase + 3 * i;
        int end = i + 1 < r.linkCount ? r.table[t + 3] : r.linkEnd;
        return end - r.table[t];
    }

    private static int linkSize(SpanRecord r, int i) {
        int t = r.linkTableBase + 3 * i;
        int dropped = r.table[t + 1];
        return linkBodyLength(r, i) + (dropped != 0 ? 1 + varintSize(dropped) : 0) + (r.table[t + 2] != 0 ? 5 : 0);
    }

    private static int statusSize(SpanRecord r) {
        return (r.statusMessageLength != 0 ? lenFieldSize(r.statusMessageLength) : 0) + (r.statusCode != 0 ? 2 : 0);
    }

    // ---------------------------------------------------------------- span writer (hot path)

    /** Writes the {@code ScopeSpans.spans} field of {@code r} at {@code pos}; returns the end. */
    private int writeSpan(SpanRecord r, int pos, int spanSize) {
        final long a = address;
        final byte[] arena = r.arena;
        pos = putByte(a, pos, 0x12); // ScopeSpans.spans (2, LEN)
        pos = putVarint(a, pos, spanSize);
        pos = putByte(a, pos, 0x0A); // trace_id (1, LEN)
        pos = putByte(a, pos, 16);
        pos = putIdBytes(a, pos, r.traceIdHigh);
        pos = putIdBytes(a, pos, r.traceIdLow);
        pos = putByte(a, pos, 0x12); // span_id (2, LEN)
        pos = putByte(a, pos, 8);
        pos = putIdBytes(a, pos, r.spanId);
        if (r.traceStateLength != 0) {
            pos = putByte(a, pos, 0x1A); // trace_state (3, LEN)
            pos = putVarint(a, pos, r.traceStateLength);
            pos = copy(arena, r.traceStateOffset, a, pos, r.traceStateLength);
        }
        if (r.parentSpanId != 0) {
            pos = putByte(a, pos, 0x22); // parent_span_id (4, LEN)
            pos = putByte(a, pos, 8);
            pos = putIdBytes(a, pos, r.parentSpanId);
        }
        if (r.nameLength != 0) {
            pos = putByte(a, pos, 0x2A); // name (5, LEN)
            pos = putVarint(a, pos, r.nameLength);
            pos = copy(arena, r.nameOffset, a, pos, r.nameLength);
        }
        if (r.kind != 0) {
            pos = putByte(a, pos, 0x30); // kind (6, VARINT), 1..5
            pos = putByte(a, pos, r.kind);
        }
        if (r.startEpochNanos != 0) {
            pos = putByte(a, pos, 0x39); // start_time_unix_nano (7, I64)
            pos = putFixed64(a, pos, r.startEpochNanos);
        }
        if (r.endEpochNanos != 0) {
            pos = putByte(a, pos, 0x41); // end_time_unix_nano (8, I64)
            pos = putFixed64(a, pos, r.endEpochNanos);
        }
        // attributes (9): complete KeyValue fields already
        pos = copy(arena, r.attributeBase, a, pos, r.attributeEnd - r.attributeBase);
        if (r.droppedAttributes != 0) {
            pos = putByte(a, pos, 0x50); // dropped_attributes_count (10, VARINT)
            pos = putVarint(a, pos, r.droppedAttributes);
        }
        final int[] table = r.table;
        for (int i = 0, n = r.eventCount; i < n; i++) {
            int dropped = table[2 * i + 1];
            int body = eventBodyLength(r, i);
            pos = putByte(a, pos, 0x5A); // events (11, LEN)
            pos = putVarint(a, pos, body + (dropped != 0 ? 1 + varintSize(dropped) : 0));
            pos = copy(arena, table[2 * i], a, pos, body); // time (1), name (2), attributes (3)
            if (dropped != 0) {
                pos = putByte(a, pos, 0x20); // Event.dropped_attributes_count (4, VARINT)
                pos = putVarint(a, pos, dropped);
            }
        }
        if (r.droppedEvents != 0) {
            pos = putByte(a, pos, 0x60); // dropped_events_count (12, VARINT)
            pos = putVarint(a, pos, r.droppedEvents);
        }
        for (int i = 0, n = r.linkCount; i < n; i++) {
            int t = r.linkTableBase + 3 * i;
            int dropped = table[t + 1];
            int flags = table[t + 2];
            pos = putByte(a, pos, 0x6A); // links (13, LEN)
            pos = putVarint(a, pos, linkSize(r, i));
            pos = copy(arena, table[t], a, pos, linkBodyLength(r, i)); // ids (1, 2), trace_state (3), attributes (4)
            if (dropped != 0) {
                pos = putByte(a, pos, 0x28); // Link.dropped_attributes_count (5, VARINT)
                pos = putVarint(a, pos, dropped);
            }
            if (flags != 0) {
                pos = putByte(a, pos, 0x35); // Link.flags (6, I32)
                pos = putFixed32(a, pos, flags);
            }
        }
        if (r.droppedLinks != 0) {
            pos = putByte(a, pos, 0x70); // dropped_links_count (14, VARINT)
            pos = putVarint(a, pos, r.droppedLinks);
        }
        int status = statusSize(r);
        if (status != 0) {
            pos = putByte(a, pos, 0x7A); // status (15, LEN)
            pos = putVarint(a, pos, status);
            if (r.statusMessageLength != 0) {
                pos = putByte(a, pos, 0x12); // Status.message (2, LEN)
                pos = putVarint(a, pos, r.statusMessageLength);
                pos = copy(arena, r.statusMessageOffset, a, pos, r.statusMessageLength);
            }
            if (r.statusCode != 0) {
                pos = putByte(a, pos, 0x18); // Status.code (3, VARINT), 1..2
                pos = putByte(a, pos, r.statusCode);
            }
        }
        if (r.flags != 0) {
            pos = putByte(a, pos, 0x85); // flags (16, I32): tag 133 as a 2-byte varint
            pos = putByte(a, pos, 0x01);
            pos = putFixed32(a, pos, r.flags);
        }
        return pos;
    }

    // ---------------------------------------------------------------- request framing (seal)

    /** Writes {@code ExportTraceServiceRequest.resource_spans} header and the resource; returns the end. */
    private int writeRequestHeader(int pos) {
        long a = address;
        pos = putByte(a, pos, 0x0A); // ExportTraceServiceRequest.resource_spans (1, LEN)
        pos = putVarint(a, pos, resourceSpansBody());
        pos = putByte(a, pos, 0x0A); // ResourceSpans.resource (1, LEN)
        pos = putVarint(a, pos, resourceBody.length);
        return copy(resourceBody, 0, a, pos, resourceBody.length);
    }

    /** Writes the {@code ResourceSpans.scope_spans} header of scope {@code s} and its scope; returns the end. */
    private int writeScopeHeader(int pos, int s) {
        long a = address;
        byte[] scopeBody = scopes[s].encoded();
        pos = putByte(a, pos, 0x12); // ResourceSpans.scope_spans (2, LEN)
        pos = putVarint(a, pos, scopeSpansSize(s, scopeSpanBytes[s]));
        pos = putByte(a, pos, 0x0A); // ScopeSpans.scope (1, LEN)
        pos = putVarint(a, pos, scopeBody.length);
        return copy(scopeBody, 0, a, pos, scopeBody.length);
    }

    private int writeScopeTrailer(int pos, int s) {
        byte[] url = scopes[s].schemaUrlUtf8();
        if (url.length == 0) {
            return pos;
        }
        pos = putByte(address, pos, 0x1A); // ScopeSpans.schema_url (3, LEN)
        pos = putVarint(address, pos, url.length);
        return copy(url, 0, address, pos, url.length);
    }

    private int writeResourceTrailer(int pos) {
        byte[] url = resourceSchemaUrl;
        if (url.length == 0) {
            return pos;
        }
        pos = putByte(address, pos, 0x1A); // ResourceSpans.schema_url (3, LEN)
        pos = putVarint(address, pos, url.length);
        return copy(url, 0, address, pos, url.length);
    }

    /** Writes the current run's length into its marker. */
    private void closeRun() {
        if (multiScope) {
            UNSAFE.putInt(address + currentRunMarker + 1, bodyEnd - currentRunMarker - RUN_MARKER_BYTES);
        }
    }

    /** Copies every run of scope {@code s} to {@code pos}, in order; returns the end. */
    private int copyRuns(int pos, int s) {
        long a = address;
        if (s == 0) {
            UNSAFE.copyMemory(a + bodyStart, a + pos, firstRunEnd - bodyStart);
            pos += firstRunEnd - bodyStart;
        }
        int run = firstRunEnd;
        while (run < bodyEnd) {
            int scope = UNSAFE.getByte(a + run) & 0xFF;
            int length = UNSAFE.getInt(a + run + 1);
            if (scope == s) {
                UNSAFE.copyMemory(a + run + RUN_MARKER_BYTES, a + pos, length);
                pos += length;
            }
            run += RUN_MARKER_BYTES + length;
        }
        return pos;
    }

    // ---------------------------------------------------------------- native stores

    private static int putByte(long address, int pos, int b) {
        UNSAFE.putByte(address + pos, (byte) b);
        return pos + 1;
    }

    private static int putVarint(long address, int pos, int value) {
        while ((value & ~0x7F) != 0) {
            UNSAFE.putByte(address + pos++, (byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        UNSAFE.putByte(address + pos++, (byte) value);
        return pos;
    }

    private static int putFixed64(long address, int pos, long value) {
        UNSAFE.putLong(address + pos, NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value));
        return pos + 8;
    }

    private static int putFixed32(long address, int pos, int value) {
        UNSAFE.putInt(address + pos, NATIVE_LITTLE_ENDIAN ? value : Integer.reverseBytes(value));
        return pos + 4;
    }

    /** Ids are big-endian byte strings on the wire. */
    private static int putIdBytes(long address, int pos, long value) {
        UNSAFE.putLong(address + pos, NATIVE_LITTLE_ENDIAN ? Long.reverseBytes(value) : value);
        return pos + 8;
    }

    private static int copy(byte[] src, int offset, long address, int pos, int length) {
        UNSAFE.copyMemory(src, BYTE_ARRAY_BASE + offset, null, address + pos, length);
        return pos + length;
    }
}
