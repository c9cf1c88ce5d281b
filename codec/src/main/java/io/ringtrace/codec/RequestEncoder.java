package io.ringtrace.codec;

import net.openhft.chronicle.bytes.Bytes;

/**
 * What every signal's request encoder ({@link TraceRequestEncoder}, {@link LogsRequestEncoder})
 * does, so that one serializer can drive either: {@link #begin(Bytes)}, records in their slot
 * format appended in place with {@link #tryAppend(byte[], int, int, InstrumentationScope)}, {@link
 * #seal()}. Only this package subclasses it.
 */
public abstract class RequestEncoder {

    /** {@link #tryAppend(byte[], int, int, InstrumentationScope)}: the record is in the request. */
    public static final int APPENDED = 1;
    /** {@link #tryAppend(byte[], int, int, InstrumentationScope)}: the record does not fit into this request; nothing was written. */
    public static final int FULL = 0;
    /** {@link #tryAppend(byte[], int, int, InstrumentationScope)}: the record is not valid; nothing was written. */
    public static final int INVALID = -1;

    /** The request under construction: buffer, envelope, scopes, seal. */
    final RequestAssembly request;

    RequestEncoder(Resource resource, int maxRequestBytes) {
        this.request = new RequestAssembly(resource, maxRequestBytes);
    }

    /**
     * Appends one record in the signal's slot format, read in place, if it is valid and fits;
     * nothing of it is written otherwise.
     *
     * @param area the array holding the record
     * @param base where it starts
     * @param limit the end of its room: nothing at or past it is read
     * @param scope its instrumentation scope; null means {@link InstrumentationScope#empty()}
     * @return {@link #APPENDED}, {@link #FULL} (if the request is still empty, the record alone is
     *     larger than the maximum request) or {@link #INVALID}
     * @throws IllegalStateException if {@link #begin(Bytes)} was not called
     */
    public abstract int tryAppend(byte[] area, int base, int limit, InstrumentationScope scope);

    /** @return records appended since {@link #begin(Bytes)} */
    public final int recordCount() {
        return request.itemCount();
    }

    /** @return the buffer capacity {@link #begin(Bytes)} needs (about 2.13 x the maximum request size) */
    public final int requiredCapacity() {
        return request.capacity();
    }

    /** @return the maximum size of one request */
    public final int maxRequestBytes() {
        return request.maxRequestBytes();
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
    public final void begin(Bytes<?> buffer) {
        request.begin(buffer);
    }

    /** @return the exact size of the request if sealed now */
    public final long requestSize() {
        return request.requestSize();
    }

    /**
     * Seals the request: afterwards the buffer holds exactly one complete export request between
     * its {@code readPosition()} and {@code readLimit()} (an empty request, zero bytes, if nothing
     * was appended). The encoder releases the buffer; call {@link #begin(Bytes)} for the next one.
     *
     * @return the buffer
     * @throws IllegalStateException if {@link #begin(Bytes)} was not called
     */
    public final Bytes<?> seal() {
        return request.seal();
    }
}
