package io.ringtrace.codec;

import static io.ringtrace.codec.NativeStores.copy;
import static io.ringtrace.codec.NativeStores.putByte;
import static io.ringtrace.codec.NativeStores.putVarint;
import static io.ringtrace.codec.WireFormat.lenFieldSize;
import static io.ringtrace.codec.WireFormat.varintSize;

import java.nio.ByteBuffer;

/**
 * The envelope around one request's spans: the {@code ExportTraceServiceRequest.resource_spans}
 * field with its resource, and one {@code ScopeSpans} per scope of the request, each with its
 * scope and schema URL. It keeps which scopes the request holds and the bytes of each one's spans,
 * gives the request's exact size before a span is written, and writes the headers and trailers at
 * seal. Positions are indexes into the request buffer's view, from its {@code start()};
 * single-threaded, allocation-free.
 */
final class RequestFraming {

    private final byte[] resourceBody;
    private final byte[] resourceSchemaUrl;
    /** {@code ResourceSpans.resource} + {@code ResourceSpans.schema_url} fields, bytes. */
    private final int resourceFieldsSize;

    private final InstrumentationScope[] scopes;
    /** Bytes of the Span fields of each scope in the current request. */
    private final int[] scopeSpanBytes;
    private int scopeCount;

    RequestFraming(Resource resource, int maxScopes) {
        this.resourceBody = resource.encoded();
        this.resourceSchemaUrl = resource.schemaUrlUtf8();
        this.resourceFieldsSize = lenFieldSize(resourceBody.length) + stringFieldSize(resourceSchemaUrl.length);
        this.scopes = new InstrumentationScope[maxScopes];
        this.scopeSpanBytes = new int[maxScopes];
    }

    /** Starts an empty request: no scopes. */
    void reset() {
        scopeCount = 0;
    }

    /** Drops the references to the request's scopes, so that they are not pinned past it. */
    void release() {
        for (int i = 0; i < scopeCount; i++) {
            scopes[i] = null; // do not pin scopes past the request
        }
    }

    /** @return how many scopes the request holds */
    int scopeCount() {
        return scopeCount;
    }

    /** @return the scope at index {@code s} */
    InstrumentationScope scope(int s) {
        return scopes[s];
    }

    /** @return the index of {@code scope} in the request, or -1 */
    int indexOf(InstrumentationScope scope) {
        for (int i = 0; i < scopeCount; i++) {
            if (scopes[i] == scope) {
                return i;
            }
        }
        return -1;
    }

    /** Adds {@code scope}, with no spans yet; the caller has checked there is room. @return its index */
    int add(InstrumentationScope scope) {
        int s = scopeCount++;
        scopes[s] = scope;
        scopeSpanBytes[s] = 0;
        return s;
    }

    /** Counts {@code spanFieldSize} more bytes of spans in scope {@code s}. */
    void addSpanBytes(int s, int spanFieldSize) {
        scopeSpanBytes[s] += spanFieldSize;
    }

    // ---------------------------------------------------------------- sizes

    /** @return the exact request size if scope {@code s} took a span field of {@code spanFieldSize} more */
    long requestSizeWith(int s, int spanFieldSize) {
        int oldScopeSize = scopeSpansSize(s, scopeSpanBytes[s]);
        int newScopeSize = scopeSpansSize(s, scopeSpanBytes[s] + spanFieldSize);
        return requestSizeFor(resourceSpansBody() - lenFieldSize(oldScopeSize) + lenFieldSize(newScopeSize));
    }

    /** @return the exact request size if a new scope joined it with a span field of {@code spanFieldSize} */
    long requestSizeWithNewScope(InstrumentationScope scope, int spanFieldSize) {
        int newScopeSize = lenFieldSize(scope.encoded().length) + spanFieldSize + stringFieldSize(scope.schemaUrlUtf8().length);
        return requestSizeFor(resourceSpansBody() + lenFieldSize(newScopeSize));
    }

    /** @return the largest header a request whose first scope is {@code scope} can need (5-byte varints) */
    int largestHeaderSize(InstrumentationScope scope) {
        return 1 + 5 + lenFieldSize(resourceBody.length) + 1 + 5 + lenFieldSize(scope.encoded().length);
    }

    /** @return the exact header of a single-scope request: request and scope headers, up to the first span */
    int singleScopeHeaderSize() {
        return 1 + varintSize(resourceSpansBody()) + lenFieldSize(resourceBody.length)
                + 1 + varintSize(scopeSpansSize(0, scopeSpanBytes[0])) + lenFieldSize(scopes[0].encoded().length);
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

    // ---------------------------------------------------------------- headers and trailers (seal)

    /** Writes {@code ExportTraceServiceRequest.resource_spans} header and the resource; returns the end. */
    int writeRequestHeader(ByteBuffer a, int pos) {
        pos = putByte(a, pos, 0x0A); // ExportTraceServiceRequest.resource_spans (1, LEN)
        pos = putVarint(a, pos, resourceSpansBody());
        pos = putByte(a, pos, 0x0A); // ResourceSpans.resource (1, LEN)
        pos = putVarint(a, pos, resourceBody.length);
        return copy(resourceBody, 0, a, pos, resourceBody.length);
    }

    /** Writes the {@code ResourceSpans.scope_spans} header of scope {@code s} and its scope; returns the end. */
    int writeScopeHeader(ByteBuffer a, int pos, int s) {
        byte[] scopeBody = scopes[s].encoded();
        pos = putByte(a, pos, 0x12); // ResourceSpans.scope_spans (2, LEN)
        pos = putVarint(a, pos, scopeSpansSize(s, scopeSpanBytes[s]));
        pos = putByte(a, pos, 0x0A); // ScopeSpans.scope (1, LEN)
        pos = putVarint(a, pos, scopeBody.length);
        return copy(scopeBody, 0, a, pos, scopeBody.length);
    }

    int writeScopeTrailer(ByteBuffer out, int pos, int s) {
        byte[] url = scopes[s].schemaUrlUtf8();
        if (url.length == 0) {
            return pos;
        }
        pos = putByte(out, pos, 0x1A); // ScopeSpans.schema_url (3, LEN)
        pos = putVarint(out, pos, url.length);
        return copy(url, 0, out, pos, url.length);
    }

    int writeResourceTrailer(ByteBuffer out, int pos) {
        byte[] url = resourceSchemaUrl;
        if (url.length == 0) {
            return pos;
        }
        pos = putByte(out, pos, 0x1A); // ResourceSpans.schema_url (3, LEN)
        pos = putVarint(out, pos, url.length);
        return copy(url, 0, out, pos, url.length);
    }
}
