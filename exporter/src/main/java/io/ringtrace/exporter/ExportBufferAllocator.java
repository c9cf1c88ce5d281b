package io.ringtrace.exporter;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.CompositeByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.PooledByteBufAllocator;
import io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector;

/**
 * The Netty buffers of the gRPC exporter's channel: a pool of its own, whose composite buffers
 * are consolidated into one pooled buffer as soon as they get a second part.
 *
 * <p>Why consolidate. gRPC frames a request into message buffers of at most 1 MiB, and Netty's
 * HTTP/2 writer takes each flow-controlled write (up to the channel's 1 MiB high-water mark) out of
 * them, composing a {@link CompositeByteBuf} when the write spans two buffers, then cuts 16 KiB DATA
 * frames out of it. A frame cut from a composite has no memory address, so the epoll transport asks
 * it for NIO buffers: two {@code ByteBuffer} objects and an array per frame, about 170 B, and for a
 * 2.8 MB request most of its allocation. A composite of at most one component copies the parts
 * into one pooled buffer when the second is added (a memory copy of that one write, at most 1 MiB),
 * and the frames cut from it are written by address ({@link Consolidating}: each frame is a
 * recycled slice of that buffer).
 *
 * <p>Why a pool of its own. gRPC's shared allocator has 2 MiB chunks: a 1 MiB message buffer takes
 * half of one, and a chunk that filled past a quarter and emptied again is freed and made anew,
 * with its bookkeeping objects, request after request. Here one direct arena of {@value
 * #CHUNK_BYTES} B chunks. 16 MiB chunks, whose never-freed first quarter holds four 1 MiB requests,
 * saved another ~700 B per 4096-span request and nothing measurable at 16k spans
 * ({@code TransportAllocationTest}): not worth 12 MiB more held by every process that exports.
 *
 * <p>Why its buffers skip the leak detector's sampling. At Netty's default level ({@code SIMPLE})
 * the allocator wraps one buffer in 128 in a leak-aware buffer, and every slice cut from a wrapped
 * buffer is tracked on its own with a stack trace: for a 1 MiB message buffer that is a trace per
 * 16 KiB DATA frame, 0 to ~5 KB per 2.8 MB request at random, more than everything else the
 * writer allocates for it. So at that level a sampled direct buffer is released at once (which
 * closes its tracker: the detector sees it freed) and drawn again, at most {@value #MAX_DRAWS}
 * times; composites are made without the wrapper. Nothing global changes: other allocators keep
 * their sampling, and a process that raises the level to {@code ADVANCED} or {@code PARANOID} to
 * hunt a leak gets these buffers tracked as well. The buffers themselves are Netty's and gRPC's to
 * release, as with any allocator ({@code ExportBufferAllocatorTest} checks that the pool ends empty).
 *
 * <p>Bound: direct memory, in {@value #CHUNK_BYTES} B chunks, allocated when first needed; what is
 * in use is the requests being written and the replies being read (at most {@code maxInFlight}
 * requests per exporter and their consolidated writes). One instance serves every gRPC exporter of
 * the process ({@link #SHARED}), as gRPC's own allocator does, so building exporters again does
 * not add chunks (Netty's pool has no close; it frees its chunks only when collected). Heap
 * buffers are not pooled (the channel uses none on its hot path).
 */
final class ExportBufferAllocator extends PooledByteBufAllocator {

    /** The one pool of every gRPC exporter's channel; its first chunk is allocated at the first request. */
    static final ExportBufferAllocator SHARED = new ExportBufferAllocator();

    private static final int PAGE_BYTES = 8192;
    /** A draw is sampled with probability 1/128: four in a row, 1 in 2.7e8 buffers, keep the last. */
    static final int MAX_DRAWS = 4;
    /** Chunk = page << order: 4 MiB. */
    private static final int MAX_ORDER = 9;
    static final int CHUNK_BYTES = PAGE_BYTES << MAX_ORDER;

    ExportBufferAllocator() {
        // direct preferred; no heap arena, one direct arena; no thread caches (few threads allocate,
        // and a cache would hold buffers out of the chunk's accounting)
        super(true, 0, 1, PAGE_BYTES, MAX_ORDER, 0, 0, false);
    }

    /** @return whether buffers are drawn past the leak detector's sampling: at Netty's default level only */
    private static boolean skipSampling() {
        return ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.SIMPLE;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buffer = super.newDirectBuffer(initialCapacity, maxCapacity);
        // A pooled buffer has no wrapped buffer; the leak detector's wrapper has one.
        for (int draw = 1; draw < MAX_DRAWS && buffer.unwrap() != null && skipSampling(); draw++) {
            buffer.release(); // returns the memory to the pool and closes the tracker: not a leak
            buffer = super.newDirectBuffer(initialCapacity, maxCapacity);
        }
        return buffer;
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return skipSampling() ? new Consolidating(this) : super.compositeDirectBuffer(1);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return skipSampling() ? new CompositeByteBuf(this, false, 1) : super.compositeHeapBuffer(1);
    }

    /**
     * A direct composite of at most one part, whose retained slices are slices of that part. The
     * HTTP/2 writer cuts each 16 KiB DATA frame out of a write with {@code readRetainedSlice}; on a
     * plain composite that is a new {@code UnpooledSlicedByteBuf} per frame (~48 B), on the pooled
     * buffer the composite consolidated into it is one of Netty's recycled slices. The slice holds
     * its own reference on that buffer, so it stays valid however long it outlives the composite,
     * and the composite's own count is untouched.
     */
    static final class Consolidating extends CompositeByteBuf {

        Consolidating(ExportBufferAllocator allocator) {
            super(allocator, true, 1); // consolidate at the second component
        }

        @Override
        public ByteBuf retainedSlice(int index, int length) {
            if (numComponents() == 1 && hasMemoryAddress()) {
                ByteBuf part = internalComponent(0); // the consolidated buffer, or a view of it
                ByteBuf whole = part.unwrap() != null ? part.unwrap() : part;
                // The composite's index i is the buffer's index i when both start at one address.
                if (whole.hasMemoryAddress() && whole.memoryAddress() == memoryAddress()) {
                    checkIndex(index, length);
                    return whole.retainedSlice(index, length);
                }
            }
            return super.retainedSlice(index, length);
        }
    }
}
