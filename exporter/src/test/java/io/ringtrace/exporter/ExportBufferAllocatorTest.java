package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.CompositeByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.PooledByteBufAllocator;
import io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/**
 * The gRPC channel's allocator: a composite is one contiguous pooled buffer once it has two parts,
 * so the DATA frames Netty cuts from it are written by address (a frame cut from a composite of
 * several parts has no address, and epoll makes NIO buffers for it); at Netty's default leak
 * detection level its buffers are not sampled for leak tracking, and every one of them, the
 * redrawn ones included, goes back to the pool.
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
    void aFrameCutFromTheCompositeIsARecycledSliceOfItsBufferThatOutlivesIt() {
        ExportBufferAllocator allocator = new ExportBufferAllocator();
        CompositeByteBuf composite = twoParts(allocator);
        composite.readerIndex(100);
        ByteBuf frame = composite.readRetainedSlice(16); // as the HTTP/2 writer cuts each DATA frame
        assertEquals(116, composite.readerIndex());
        assertEquals("PooledSlicedByteBuf", frame.getClass().getSimpleName(), "a slice from Netty's recycler");
        assertTrue(frame.hasMemoryAddress());
        assertEquals(1, composite.refCnt(), "the composite's own count is untouched");
        assertTrue(composite.release(), "the composite is freed");
        assertEquals(1, allocator.metric().directArenas().get(0).numActiveAllocations(), "the frame holds the buffer");
        for (int i = 0; i < 16; i++) {
            assertEquals((byte) (100 + i), frame.getByte(i), "byte " + i);
        }
        assertTrue(frame.release(), "the frame's release frees the buffer");
        assertEquals(0, allocator.metric().directArenas().get(0).numActiveAllocations(), "buffers not returned");
        CompositeByteBuf again = twoParts(allocator);
        try {
            assertThrows(IndexOutOfBoundsException.class, () -> again.retainedSlice(1990, 16), "past the end");
        } finally {
            again.release();
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

    /** Draws that many buffers: at 1 in 128 sampled, Netty's own pool wraps one with certainty. */
    private static final int BUFFERS = 20_000;

    @Test
    void atNettysDefaultLevelNoBufferIsSampledAndEveryOneReturnsToThePool() {
        assertEquals(ResourceLeakDetector.Level.SIMPLE, ResourceLeakDetector.getLevel(), "Netty's default");
        ExportBufferAllocator allocator = new ExportBufferAllocator();
        int sampled = 0;
        for (int i = 0; i < BUFFERS; i++) {
            ByteBuf buffer = i % 2 == 0 ? allocator.buffer(64) : allocator.directBuffer(16 << 10);
            CompositeByteBuf composite = allocator.compositeBuffer(2);
            sampled += leakAware(buffer) + leakAware(composite);
            composite.addComponent(true, buffer);
            assertTrue(composite.release(), "released once, freed with its part");
        }
        assertEquals(0, sampled, "buffers wrapped for leak tracking");
        assertEquals(0, allocator.metric().directArenas().get(0).numActiveAllocations(), "buffers not returned");
        assertTrue(allocator.metric().directArenas().get(0).numAllocations() >= BUFFERS);
    }

    @Test
    void theSamplingCheckFailsOnNettysOwnPool() {
        PooledByteBufAllocator netty = new PooledByteBufAllocator(true);
        int sampled = 0;
        for (int i = 0; i < BUFFERS; i++) {
            ByteBuf buffer = netty.directBuffer(64);
            sampled += leakAware(buffer);
            buffer.release();
        }
        assertTrue(sampled > 0, "Netty's pool samples one buffer in 128");
    }

    @Test
    void aProcessHuntingLeaksGetsTheseBuffersTrackedToo() {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID); // this test's JVM only, restored below
        try {
            ExportBufferAllocator allocator = new ExportBufferAllocator();
            for (int i = 0; i < 10; i++) {
                ByteBuf buffer = allocator.directBuffer(64);
                CompositeByteBuf composite = allocator.compositeBuffer(2);
                assertEquals(2, leakAware(buffer) + leakAware(composite), "at PARANOID every buffer is tracked");
                composite.addComponent(true, buffer);
                composite.release();
            }
            assertEquals(0, allocator.metric().directArenas().get(0).numActiveAllocations());
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    /** @return 1 if Netty's leak detector wrapped the buffer (its wrappers are its *LeakAware* classes) */
    private static int leakAware(ByteBuf buffer) {
        return buffer.getClass().getSimpleName().contains("LeakAware") ? 1 : 0;
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
