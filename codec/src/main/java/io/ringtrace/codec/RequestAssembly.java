package io.ringtrace.codec;

import java.nio.ByteBuffer;
import net.openhft.chronicle.bytes.Bytes;

/**
 * One OTLP export request under construction in an off-heap request buffer, whatever the signal:
 * {@code ExportTraceServiceRequest} and {@code ExportLogsServiceRequest} share their envelope byte
 * for byte ({@link RequestFraming}), so the signal's encoder only sizes and writes its items
 * (spans, log records) and this class does the rest: the buffer and its view, which scope an item
 * joins, the request's exact size before an item is written, the header gap, the runs of several
 * scopes ({@link ScopeRuns}) and the seal. Single-threaded, allocation-free in steady state.
 *
 * <p>An item is placed in two steps: {@link #reserve} checks that it fits and returns where its
 * field goes, the encoder writes exactly the field size it gave there, and {@link #written}
 * checks that it did.
 */
final class RequestAssembly {

    /** At most this many distinct scopes share one request. */
    static final int MAX_SCOPES_PER_REQUEST = 64;
    /** Smallest accepted {@code maxRequestBytes}. */
    static final int MIN_REQUEST_BYTES = 1024;

    private final int maxRequestBytes;
    private final int capacity;
    /** The resource and the scopes of the current request, their sizes, headers and trailers. */
    private final RequestFraming framing;

    private Bytes<?> buffer;
    /** The buffer's memory from its {@code start()}; all positions below are indexes into it. */
    private ByteBuffer out;
    /** A view per request buffer, made the first time each one is begun. */
    private final RequestBufferViews views = new RequestBufferViews();
    private int itemCount;
    /** Offset of the first item (end of the header gap). */
    private int bodyStart;
    /** Offset where the next item goes. */
    private int bodyEnd;
    /** Body bytes may not pass this offset; the output area for grouping starts here. */
    private int bodyLimit;
    /** Index of the scope of the latest item, -1 before the first. */
    private int currentScope;
    /** The body's runs of same-scope items, once it holds more than one scope. */
    private final ScopeRuns runs = new ScopeRuns();
    /** Exact encoded size of the request so far, items included. */
    private long requestSize;

    RequestAssembly(Resource resource, int maxRequestBytes) {
        if (resource == null) {
            throw new IllegalArgumentException("resource must not be null");
        }
        if (maxRequestBytes < MIN_REQUEST_BYTES || maxRequestBytes > (1 << 29)) {
            throw new IllegalArgumentException("maxRequestBytes must be in [" + MIN_REQUEST_BYTES + ", 2^29], was " + maxRequestBytes);
        }
        this.maxRequestBytes = maxRequestBytes;
        this.capacity = requiredCapacity(maxRequestBytes);
        this.framing = new RequestFraming(resource, MAX_SCOPES_PER_REQUEST);
    }

    /**
     * {@code maxRequestBytes} for the request, an eighth more for the multi-scope run markers (5
     * bytes per run, and a run holds at least one item of at least ~40 bytes), and {@code
     * maxRequestBytes} of output area where several scopes' items are grouped at {@link #seal()}.
     */
    static int requiredCapacity(int maxRequestBytes) {
        return 2 * maxRequestBytes + maxRequestBytes / 8 + 64;
    }

    int capacity() {
        return capacity;
    }

    int maxRequestBytes() {
        return maxRequestBytes;
    }

    int itemCount() {
        return itemCount;
    }

    long requestSize() {
        return requestSize;
    }

    /** @return the view of the current request buffer: where {@link #reserve} positions point */
    ByteBuffer out() {
        return out;
    }

    void begin(Bytes<?> buffer) {
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
        this.out = views.view(buffer, capacity);
        framing.reset();
        this.itemCount = 0;
        this.currentScope = -1;
        runs.reset();
        this.bodyLimit = capacity - maxRequestBytes;
        this.requestSize = 0;
    }

    /** @throws IllegalStateException if no request is begun */
    void requireBegun() {
        if (buffer == null) {
            throw new IllegalStateException("append(...) outside begin(...)/seal()");
        }
    }

    /**
     * Places an item field of {@code itemFieldSize} bytes (tag, length, body) of {@code scope} if
     * it fits: nothing changes otherwise.
     *
     * @return where the caller writes the field, or -1 if it does not fit into this request (or
     *     its scope would be the {@value #MAX_SCOPES_PER_REQUEST}+1st)
     */
    int reserve(InstrumentationScope scope, int itemFieldSize) {
        // Which scope the item joins; a new scope costs its header and trailer.
        int s = currentScope >= 0 && framing.scope(currentScope) == scope ? currentScope : framing.indexOf(scope);
        long newRequestSize;
        if (s >= 0) {
            newRequestSize = framing.requestSizeWith(s, itemFieldSize);
        } else {
            if (framing.scopeCount() == MAX_SCOPES_PER_REQUEST) {
                return -1;
            }
            newRequestSize = framing.requestSizeWithNewScope(scope, itemFieldSize);
        }
        if (newRequestSize > maxRequestBytes) {
            return -1;
        }
        if (itemCount == 0) {
            // First item: the gap fits the largest header this scope can need (5-byte varints).
            bodyStart = framing.largestHeaderSize(scope);
            bodyEnd = bodyStart;
        }
        boolean newRun = s != currentScope && itemCount != 0;
        int needed = itemFieldSize + (newRun ? ScopeRuns.MARKER_BYTES : 0);
        if (needed > bodyLimit - bodyEnd) {
            return -1; // only with many alternating scopes: markers took the slack
        }
        if (s < 0) {
            s = framing.add(scope);
        }
        if (newRun) {
            bodyEnd = runs.start(out, bodyEnd, s);
        }
        currentScope = s;
        int at = bodyEnd;
        bodyEnd += itemFieldSize;
        framing.addItemBytes(s, itemFieldSize);
        itemCount++;
        requestSize = newRequestSize;
        return at;
    }

    /** Checks that the item just written ends at {@code end}, where {@link #reserve} expected it to. */
    void written(int end) {
        if (end != bodyEnd) {
            throw new IllegalStateException("encoder bug: item ends at " + end + ", sized to end at " + bodyEnd);
        }
    }

    /**
     * Seals the request: the buffer then holds exactly one complete request between its {@code
     * readPosition()} and {@code readLimit()} (zero bytes if no item was placed), and is released.
     */
    Bytes<?> seal() {
        Bytes<?> b = buffer;
        if (b == null) {
            throw new IllegalStateException("seal() without begin(...)");
        }
        int start;
        int end;
        if (itemCount == 0) {
            start = end = 0;
        } else if (!runs.multiScope()) {
            start = bodyStart - framing.singleScopeHeaderSize(); // right-aligned against the first item
            int pos = framing.writeRequestHeader(out, start);
            framing.writeScopeHeader(out, pos, 0);
            end = framing.writeScopeTrailer(out, bodyEnd, 0);
            end = framing.writeResourceTrailer(out, end);
        } else {
            runs.close(out, bodyEnd);
            start = bodyLimit;
            int pos = framing.writeRequestHeader(out, start);
            for (int s = 0, n = framing.scopeCount(); s < n; s++) {
                pos = framing.writeScopeHeader(out, pos, s);
                pos = runs.copyRuns(out, pos, s, bodyStart, bodyEnd);
                pos = framing.writeScopeTrailer(out, pos, s);
            }
            end = framing.writeResourceTrailer(out, pos);
        }
        if (end - start != requestSize) {
            throw new IllegalStateException("encoder bug: wrote " + (end - start) + " bytes, computed " + requestSize);
        }
        long base = b.start();
        b.writePosition(base + end);
        b.readPosition(base + start);
        framing.release();
        buffer = null;
        return b;
    }
}
