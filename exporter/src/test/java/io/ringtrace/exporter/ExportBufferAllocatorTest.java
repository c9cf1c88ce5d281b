package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.CompositeByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/**
 * The gRPC channel's allocator: a composite is one contiguous pooled buffer once it has two parts,
 * so the DATA frames Netty cuts from it are written by address (a frame cut from a composite of
 * several parts has no address, and epoll makes NIO buffers for it).
 */
class ExportBufferAllocatorTest {

    @Test
    void aCompositeOfTwoPartsIsOneBufferWithAnAddress() {
        ExportBufferAllocator allocator = new ExportBufferAllocator();
        CompositeByteBuf composite = twoParts(allocator);
        try {
            assertEquals(1, composite.numComponents());
            assertTrue(composite.hasMemoryAddress());
            ByteBuf frame = composite.slice(100, 16); // as the HTTP/2 writer cuts a frame
            assertEquals(1, frame.nioBufferCount());
            assertTrue(frame.hasMemoryAddress());
            for (int i = 0; i < 2000; i++) {
                assertEquals((byte) i, composite.getByte(i), "byte " + i);
            }
        } finally {
            assertTrue(composite.release(), "the consolidated buffer is freed with the composite");
        }
    }

    @Test
    void theCheckFailsOnNettysDefaultComposite() {
        CompositeByteBuf composite = twoParts(new PooledByteBufAllocator(true));
        try {
            assertEquals(2, composite.numComponents());
            assertFalse(composite.slice(100, 16).hasMemoryAddress());
        } finally {
            composite.release();
        }
    }

    @Test
    void itPoolsDirectBuffersInSixteenMebibyteChunks() {
        ExportBufferAllocator allocator = new ExportBufferAllocator();
        assertEquals(4 << 20, allocator.metric().chunkSize());
        assertEquals(1, allocator.metric().numDirectArenas());
        ByteBuf buffer = allocator.buffer(1 << 20, 1 << 20);
        try {
            assertTrue(buffer.isDirect());
        } finally {
            buffer.release();
        }
    }

    /** Two 1000-byte parts holding bytes 0..1999 (mod 256), composed as Netty's coalescing queue does. */
    private static CompositeByteBuf twoParts(ByteBufAllocator allocator) {
        ByteBuf first = allocator.directBuffer(1000);
        ByteBuf second = allocator.directBuffer(1000);
        for (int i = 0; i < 1000; i++) {
            first.writeByte(i);
            second.writeByte(1000 + i);
        }
        CompositeByteBuf composite = allocator.compositeBuffer(2);
        composite.addComponent(true, first);
        composite.addComponent(true, second);
        return composite;
    }
}
