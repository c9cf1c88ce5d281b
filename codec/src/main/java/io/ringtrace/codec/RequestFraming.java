package io.ringtrace.codec;

import static io.ringtrace.codec.NativeStores.copy;
import static io.ringtrace.codec.NativeStores.putByte;
import static io.ringtrace.codec.NativeStores.putVarint;
import static io.ringtrace.codec.WireFormat.lenFieldSize;
import static io.ringtrace.codec.WireFormat.varintSize;

import java.nio.ByteBuffer;

/**
 * The envelope around one request's items: the {@code resource_spans} / {@code resource_logs}
 * field with its resource, and one {@code ScopeSpans} / {@code ScopeLogs} per scope of the
 * request, each with its scope and schema URL. The two signals' envelopes have the same field
 * numbers and wire types ({@code Export*ServiceRequest.resource_* = 1}; {@code resource = 1},
 * {@code scope_* = 2}, {@code schema_url = 3}; {@code scope = 1}, items {@code = 2}, {@code
 * schema_url = 3}), so one envelope serves both, byte for byte. It keeps which scopes the request
 * holds and the bytes of each one's items, gives the request's exact size before an item is
 * written, and writes the headers and trailers at seal. Positions are indexes into the request buffer's view, from its {@code start()};
 * single-threaded, allocation-free.
 */
final class RequestFraming {

    private final byte[] resourceBody;
    private final byte[] resourceSchemaUrl;
    /** its resource + schema_url fields, bytes. */
    private final int resourceFieldsSize;

    private final InstrumentationScope[] scopes;
    /** Bytes of the item fields (spans, log records) of each scope in the current request. */
    private final int[] scopeItemBytes;
    private int scopeCount;

    RequestFraming(Resource resource, int maxScopes) {
        this.resourceBody = resource.encoded();
        this.resourceSchemaUrl = resource.schemaUrlUtf8();
        this.resourceFieldsSize = lenFieldSize(resourceBody.length) + stringFieldSize(resourceSchemaUrl.length);
        this.scopes = new InstrumentationScope[maxScopes];
        this.scopeItemBytes = new int[maxScopes];
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

    /** Adds {@code scope}, with no items yet; the caller has checked there is room. @return its index */
    int add(InstrumentationScope scope) {
        int s = scopeCount++;
        scopes[s] = scope;
        scopeItemBytes[s] = 0;
        return s;
    }

    /** Counts {@code itemFieldSize} more bytes of items in scope {@code s}. */
    void addItemBytes(int s, int itemFieldSize) {
        scopeItemBytes[s] += itemFieldSize;
    }

    // ---------------------------------------------------------------- sizes

    /** @return the exact request size if scope {@code s} took an item field of {@code itemFieldSize} more */
    long requestSizeWith(int s, int itemFieldSize) {
        int oldScopeSize = scopeItemsSize(s, scopeItemBytes[s]);
        int newScopeSize = scopeItemsSize(s, scopeItemBytes[s] + itemFieldSize);
        return requestSizeFor(resourceMessageSize() - lenFieldSize(oldScopeSize) + lenFieldSize(newScopeSize));
    }

    /** @return the exact request size if a new scope joined it with an item field of {@code itemFieldSize} */
    long requestSizeWithNewScope(InstrumentationScope scope, int itemFieldSize) {
        int newScopeSize = lenFieldSize(scope.encoded().length) + itemFieldSize + stringFieldSize(scope.schemaUrlUtf8().length);
        return requestSizeFor(resourceMessageSize() + lenFieldSize(newScopeSize));
    }

    /** @return the largest header a request whose first scope is {@code scope} can need (5-byte varints) */
    int largestHeaderSize(InstrumentationScope scope) {
        return 1 + 5 + lenFieldSize(resourceBody.length) + 1 + 5 + lenFieldSize(scope.encoded().length);
    }

    /** @return the exact header of a single-scope request: request and scope headers, up to the first item */
    int singleScopeHeaderSize() {
        return 1 + varintSize(resourceMessageSize()) + lenFieldSize(resourceBody.length)
                + 1 + varintSize(scopeItemsSize(0, scopeItemBytes[0])) + lenFieldSize(scopes[0].encoded().length);
    }

    private static int stringFieldSize(int utf8Length) {
        return utf8Length == 0 ? 0 : lenFieldSize(utf8Length);
    }

    /** Body size of the scope message {@code s} if its items took {@code itemBytes}. */
    private int scopeItemsSize(int s, int itemBytes) {
        InstrumentationScope scope = scopes[s];
        return lenFieldSize(scope.encoded().length) + itemBytes + stringFieldSize(scope.schemaUrlUtf8().length);
    }

    /** Body size of the resource message (ResourceSpans, ResourceLogs) with the current scopes and items. */
    private int resourceMessageSize() {
        int size = resourceFieldsSize;
        for (int s = 0; s < scopeCount; s++) {
            size += lenFieldSize(scopeItemsSize(s, scopeItemBytes[s]));
        }
        return size;
    }

    private static long requestSizeFor(int resourceMessageSize) {
        return lenFieldSize(resourceMessageSize);
    }

    // ---------------------------------------------------------------- headers and trailers (seal)

    /** Writes the request header (resource_spans or resource_logs) and the resource; returns the end. */
    int writeRequestHeader(ByteBuffer a, int pos) {
        pos = putByte(a, pos, 0x0A); // Export*ServiceRequest.resource_spans / resource_logs (1, LEN)
        pos = putVarint(a, pos, resourceMessageSize());
        pos = putByte(a, pos, 0x0A); // Resource*.resource (1, LEN)
        pos = putVarint(a, pos, resourceBody.length);
        return copy(resourceBody, 0, a, pos, resourceBody.length);
    }

    /** Writes the scope header of scope {@code s} and its scope; returns the end. */
    int writeScopeHeader(ByteBuffer a, int pos, int s) {
        byte[] scopeBody = scopes[s].encoded();
        pos = putByte(a, pos, 0x12); // Resource*.scope_spans / scope_logs (2, LEN)
        pos = putVarint(a, pos, scopeItemsSize(s, scopeItemBytes[s]));
        pos = putByte(a, pos, 0x0A); // Scope*.scope (1, LEN)
        pos = putVarint(a, pos, scopeBody.length);
        return copy(scopeBody, 0, a, pos, scopeBody.length);
    }

    int writeScopeTrailer(ByteBuffer out, int pos, int s) {
        byte[] url = scopes[s].schemaUrlUtf8();
        if (url.length == 0) {
            return pos;
        }
        pos = putByte(out, pos, 0x1A); // Scope*.schema_url (3, LEN)
        pos = putVarint(out, pos, url.length);
        return copy(url, 0, out, pos, url.length);
    }

    int writeResourceTrailer(ByteBuffer out, int pos) {
        byte[] url = resourceSchemaUrl;
        if (url.length == 0) {
            return pos;
        }
        pos = putByte(out, pos, 0x1A); // Resource*.schema_url (3, LEN)
        pos = putVarint(out, pos, url.length);
        return copy(url, 0, out, pos, url.length);
    }
}
