package io.ringtrace.codec;

import static io.ringtrace.codec.TraceRequestEncoderConformanceTest.assertConformant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The encoder writes through a {@code ByteBuffer} view of each request buffer: the view must hit
 * the buffer's own bytes, for Chronicle's native memory and for a buffer over a direct
 * {@code ByteBuffer} alike, be made once per buffer, and be remade when an elastic buffer's memory
 * moves.
 */
class RequestBufferViewsTest extends CodecTestBase {

    private final OracleRequest oracle = new OracleRequest("views", 7, "");
    private final OracleRequest.Scope first = oracle.register(new OracleRequest.Scope("first", "1", "", null, null));
    private final OracleRequest.Scope second = oracle.register(new OracleRequest.Scope("second", "2", "", null, null));

    /** Interleaved scopes, so the body is kept as runs and seal moves them inside the buffer. */
    private void encodeInterleaved(Bytes<?> buffer, TraceRequestEncoder encoder) throws Exception {
        SpanRecord record = new SpanRecord(SpanLimits.defaults());
        oracle.clear();
        encoder.begin(buffer);
        for (long id = 1; id <= 6; id++) {
            OracleRequest.Scope scope = id % 2 == 0 ? second : first;
            OracleSpan span = new OracleSpan(record).scope(scope.scope).ids(3, id, id, 0).name("s" + id, true)
                    .times(100, 200 + id).attribute("k", OracleSpan.of(id));
            assertTrue(encoder.append(record));
            oracle.add(scope.scope, span.build());
        }
        assertConformant(oracle.build(), encoder.seal());
    }

    @Test
    void nativeAndByteBufferBackedBuffersGetTheSameBytes() throws Exception {
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 1 << 16);
        encodeInterleaved(directBuffer(encoder.requiredCapacity()), encoder);

        Bytes<ByteBuffer> overByteBuffer = Bytes.wrapForWrite(ByteBuffer.allocateDirect(encoder.requiredCapacity()));
        try {
            encodeInterleaved(overByteBuffer, encoder);
            encodeInterleaved(overByteBuffer, encoder); // the kept view, a second request
        } finally {
            overByteBuffer.releaseLast();
        }
    }

    @Test
    void eachBufferGetsOneViewOverItsOwnBytes() {
        RequestBufferViews views = new RequestBufferViews();
        int buffers = RequestBufferViews.MAX_VIEWS + 6; // past the bound: the oldest views are replaced
        Bytes<?>[] all = new Bytes<?>[buffers];
        for (int i = 0; i < buffers; i++) {
            all[i] = directBuffer(64);
            ByteBuffer view = views.view(all[i], 64);
            assertSame(view, views.view(all[i], 64), "a buffer's view is kept");
            view.put(3, (byte) i);
        }
        for (int i = 0; i < buffers; i++) {
            assertEquals((byte) i, all[i].readByte(all[i].start() + 3), "buffer " + i);
            assertEquals((byte) i, views.view(all[i], 64).get(3), "buffer " + i + " through a remade view");
        }
    }

    @Test
    void aGrownElasticBufferGetsANewView() {
        RequestBufferViews views = new RequestBufferViews();
        Bytes<?> elastic = Bytes.allocateElasticDirect(64);
        try {
            ByteBuffer small = views.view(elastic, 64);
            elastic.ensureCapacity(1 << 20); // moves the memory
            ByteBuffer grown = views.view(elastic, 1 << 20);
            assertNotSame(small, grown);
            grown.put((1 << 20) - 1, (byte) 42);
            assertEquals(42, elastic.readByte(elastic.start() + (1 << 20) - 1));
        } finally {
            elastic.releaseLast();
        }
    }
}
