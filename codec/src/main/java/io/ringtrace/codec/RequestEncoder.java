package io.ringtrace.codec;

import net.openhft.chronicle.bytes.Bytes;

/**
 * The request lifecycle every signal's encoder ({@link TraceRequestEncoder}, {@link
 * LogsRequestEncoder}) has: {@link #begin(Bytes)}, items appended by the subclass through {@link
 * #request}, {@link #seal()}. Public methods here are the encoders'.
 */
abstract class RequestEncoder {

    /** The request under construction: buffer, envelope, scopes, seal. */
    final RequestAssembly request;

    RequestEncoder(Resource resource, int maxRequestBytes) {
        this.request = new RequestAssembly(resource, maxRequestBytes);
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
