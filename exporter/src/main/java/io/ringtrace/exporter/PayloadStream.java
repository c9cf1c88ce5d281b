package io.ringtrace.exporter;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The body of one {@code Export} attempt as gRPC sees it: an {@link InputStream} over the sealed
 * request in its off-heap buffer, read with absolute reads (the buffer's positions never move).
 *
 * <p>gRPC's message framer sees {@link KnownLength} and {@link Drainable} and calls
 * {@link #drainTo(OutputStream)}, which copies the bytes through the slot's reusable 64 KiB
 * {@link CopyChunk} into the framer's pooled Netty buffers. No {@code byte[]} of the whole request
 * and no protobuf message is made. The framer usually drains on the thread that calls
 * {@code sendMessage}, but a call made while the connection is still being set up is drained later
 * on a gRPC thread; so each attempt gets its own small stream object (its own position), and the
 * chunk is claimed with a CAS so that two drains can never share it.
 *
 * <p>Reading on another thread than the one that filled the buffer is safe: Chronicle's
 * single-threaded check guards writes, not absolute reads, and the request reached the exporter
 * through its lock (a happens-before edge from the serializer's writes).
 */
final class PayloadStream extends InputStream implements KnownLength, Drainable {

    /** Size of the reusable copy chunk: also the size of most Netty buffers gRPC allocates for us. */
    static final int CHUNK_BYTES = 64 * 1024;

    /** A slot's copy buffer, lent to one drain at a time. */
    static final class CopyChunk {
        final byte[] bytes = new byte[CHUNK_BYTES];
        /** Set while a drain copies through {@link #bytes}; a CAS makes the loan exclusive. */
        final AtomicBoolean lent = new AtomicBoolean();
    }

    private final CopyChunk chunk;
    private final Bytes<?> payload;
    private final long end;
    private long position;
    /**
     * Set when the attempt has ended: its buffer may already be back with the engine, so a drain
     * that gRPC starts that late must not read it. Volatile: set on the executor, read on whichever
     * thread drains.
     */
    private volatile boolean abandoned;

    PayloadStream(CopyChunk chunk, Bytes<?> payload, long start, long end) {
        this.chunk = chunk;
        this.payload = payload;
        this.position = start;
        this.end = end;
    }

    /** Marks the attempt as ended; see {@link #abandoned}. */
    void abandon() {
        abandoned = true;
    }

    @Override
    public int available() {
        return (int) (end - position);
    }

    @Override
    public int read() {
        if (position >= end || abandoned) {
            return -1;
        }
        return payload.readUnsignedByte(position++);
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (position >= end || abandoned) {
            return -1;
        }
        int count = (int) Math.min(length, end - position);
        payload.read(position, target, offset, count);
        position += count;
        return count;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
        if (abandoned) {
            throw new IOException("the export attempt has already ended");
        }
        long total = end - position;
        // Normally free: a second drain of the same slot only overlaps in a gRPC race, and then
        // pays for its own chunk rather than corrupting the other's bytes.
        boolean own = chunk.lent.compareAndSet(false, true);
        byte[] copy = own ? chunk.bytes : new byte[CHUNK_BYTES];
        try {
            while (position < end) {
                int count = (int) Math.min(CHUNK_BYTES, end - position);
                payload.read(position, copy, 0, count);
                target.write(copy, 0, count);
                position += count;
            }
        } finally {
            if (own) {
                chunk.lent.set(false); // release: the next drain sees our last write to the chunk done
            }
        }
        return (int) total;
    }

    @Override
    public void close() {
        // gRPC closes the stream once framed; the buffer belongs to the slot until the call completes
    }
}
