package io.ringtrace.exporter;

import io.grpc.netty.shaded.io.netty.buffer.CompositeByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.PooledByteBufAllocator;

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
 * and the frames cut from it are written by address.
 *
 * <p>Why a pool of its own. gRPC's shared allocator has 2 MiB chunks: a 1 MiB message buffer takes
 * half of one, and a chunk that filled past a quarter and emptied again is freed and made anew,
 * with its bookkeeping objects, request after request. Here one direct arena of {@value
 * #CHUNK_BYTES} B chunks. 16 MiB chunks, whose never-freed first quarter holds four 1 MiB requests,
 * saved another ~700 B per 4096-span request and nothing measurable at 16k spans
 * ({@code TransportAllocationTest}): not worth 12 MiB more held by every process that exports.
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
    /** Chunk = page << order: 4 MiB. */
    private static final int MAX_ORDER = 9;
    static final int CHUNK_BYTES = PAGE_BYTES << MAX_ORDER;

    ExportBufferAllocator() {
        // direct preferred; no heap arena, one direct arena; no thread caches (few threads allocate,
        // and a cache would hold buffers out of the chunk's accounting)
        super(true, 0, 1, PAGE_BYTES, MAX_ORDER, 0, 0, false);
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return super.compositeDirectBuffer(1); // consolidate at the second component
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return super.compositeHeapBuffer(1);
    }
}
