package io.ringtrace.exporter;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The body of one {@code Export} attempt as gRPC sees it: an {@link InputStream} over the sealed
 * request in its off-heap buffer, read with absolute reads (the buffer's positions never move).
 *
 * <p>gRPC's message framer sees {@link KnownLength} and {@link Drainable} and calls
 * {@link #drainTo(OutputStream)}, which copies the bytes through the slot's reusable
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

    /** Size of the reusable copy chunk for requests up to {@link #LARGE_CHUNK_BYTES}. */
    static final int CHUNK_BYTES = 64 * 1024;
    /**
     * Size of the copy chunk once a larger request has used it: gRPC's largest message buffer. The
     * framer sizes its first buffer to the whole message (at most 1 MiB) and each later one to the
     * write that needs it, so a request over 1 MiB copied in 64 KiB writes lands in one 1 MiB buffer
     * and many 64 KiB ones, and almost every flow-controlled write of it spans two buffers (each
     * such write is then copied once more, see {@link ExportBufferAllocator}). Copied in 1 MiB
     * writes, a 2.8 MB request is three buffers.
     */
    static final int LARGE_CHUNK_BYTES = 1 << 20;

    /** A slot's copy buffer, lent to one drain at a time; 64 KiB, or 1 MiB once a large request needed it. */
    static final class CopyChunk {
        /** Read and replaced only by the drain that holds the loan. */
        private byte[] bytes = new byte[CHUNK_BYTES];
        /** Set while a drain copies through {@link #bytes}; a CAS makes the loan exclusive. */
        final AtomicBoolean lent = new AtomicBoolean();

        /** @return the chunk for a request of {@code requestBytes}, grown once (for good) for a large one */
        byte[] bytesFor(long requestBytes) {
            if (requestBytes > LARGE_CHUNK_BYTES && bytes.length < LARGE_CHUNK_BYTES) {
                bytes = new byte[LARGE_CHUNK_BYTES];
            }
            return bytes;
        }
    }

    /** @return the chunk size that suits a request of {@code requestBytes} */
    private static int chunkBytesFor(long requestBytes) {
        return requestBytes > LARGE_CHUNK_BYTES ? LARGE_CHUNK_BYTES : CHUNK_BYTES;
    }

    private final CopyChunk chunk;
    private final Bytes<?> payload;
    private final long end;
    private long position;
    /**
     * {@link #OPEN}, {@link #READING} while bytes are copied out of the payload, or {@link #ABANDONED}
     * once the attempt has ended. The exporter completes a request (and so lets the engine refill or
     * free its buffer) only after {@link #abandon()} has returned, and abandon() waits out a copy in
     * progress: so no read of the off-heap buffer can overlap or follow its return to the engine,
     * whichever gRPC thread drains.
     */
    private final AtomicInteger state = new AtomicInteger(OPEN);
    private static final int OPEN = 0;
    private static final int READING = 1;
    private static final int ABANDONED = 2;

    PayloadStream(CopyChunk chunk, Bytes<?> payload, long start, long end) {
        this.chunk = chunk;
        this.payload = payload;
        this.position = start;
        this.end = end;
    }

    /**
     * Marks the attempt as ended; returns once no copy out of the payload is in progress, and none
     * can start (see {@link #state}). A copy holds the state for one chunk of at most
     * {@value #LARGE_CHUNK_BYTES} bytes, a memory copy of at most a few hundred microseconds, so the
     * wait is that short.
     */
    void abandon() {
        while (!state.compareAndSet(OPEN, ABANDONED)) {
            if (state.get() == ABANDONED) {
                return;
            }
            Thread.onSpinWait(); // a drain is copying one chunk
        }
    }

    /** @return false if the attempt has ended: its buffer must not be read any more */
    private boolean beginCopy() {
        return state.compareAndSet(OPEN, READING); // one reader per stream: gRPC drains it from one thread at a time
    }

    private void endCopy() {
        state.set(OPEN); // release: the copy's reads happen before an abandon() that sees OPEN
    }

    @Override
    public int available() {
        return (int) (end - position);
    }

    @Override
    public int read() {
        if (position >= end || !beginCopy()) {
            return -1;
        }
        try {
            return payload.readUnsignedByte(position++);
        } finally {
            endCopy();
        }
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (position >= end || !beginCopy()) {
            return -1;
        }
        int count = (int) Math.min(length, end - position);
        try {
            payload.read(position, target, offset, count);
        } finally {
            endCopy();
        }
        position += count;
        return count;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
        long total = end - position;
        // Normally free: a second drain of the same slot only overlaps in a gRPC race, and then
        // pays for its own chunk rather than corrupting the other's bytes.
        boolean own = chunk.lent.compareAndSet(false, true);
        byte[] copy = own ? chunk.bytesFor(total) : new byte[chunkBytesFor(total)];
        try {
            while (position < end) {
                int count = (int) Math.min(copy.length, end - position);
                if (!beginCopy()) {
                    throw new IOException("the export attempt has already ended");
                }
                try {
                    payload.read(position, copy, 0, count);
                } finally {
                    endCopy();
                }
                target.write(copy, 0, count); // from the heap chunk: gzip may take its time here
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
