package io.ringtrace.exporter;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import net.openhft.chronicle.bytes.Bytes;

/**
 * An OTLP/HTTP in-flight slot's request body, one per slot, made once: each subscription of the
 * JDK client streams the slot's current attempt from the off-heap buffer through the slot's
 * {@value #CHUNKS_PER_SLOT} reused {@value #CHUNK_BYTES}-byte heap chunks, deflated into them with
 * gzip (a reused {@link Deflater}, gzip header and trailer written by hand), so no {@code byte[]} of
 * the request is ever made.
 *
 * <p>The payload is read only while an attempt is armed ({@link #arm}), under a guard that
 * {@link #release()} takes too: once release returns, no body of this slot reads the buffer, which
 * the engine may then refill or free. A body whose attempt was released fails with an
 * {@link IOException} instead.
 */
final class HttpSlotBody implements HttpRequest.BodyPublisher {

    /**
     * Size of one body chunk. The JDK client allocates ~100 B of bookkeeping per chunk it writes,
     * so a chunk this size keeps that under 2 B per KiB of request; the slot's chunks take
     * {@value #CHUNKS_PER_SLOT} x 64 KiB of heap, made once.
     */
    static final int CHUNK_BYTES = 64 * 1024;
    /**
     * Chunks per slot, used in turn. The client asks for the next chunk once it has queued the last
     * one for writing, so at most two of a slot's chunks are in its hands at once; a chunk is reused
     * only once the client has consumed it (no bytes remaining), else a fresh one takes its place.
     */
    static final int CHUNKS_PER_SLOT = 4;
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final boolean gzip;
    /** Chunks allocated because one was still held by the client; shared by the exporter's slots. */
    private final AtomicInteger extraChunks;

    /** Guards the reads of the payload against the request's completion, and the fields below. */
    private final Object payloadGuard = new Object();
    /** The attempt whose body may read the payload, or -1. */
    private long readableAttemptId = -1;
    private Bytes<?> payload;
    private long payloadStart;
    private long payloadEnd;
    /** The current attempt's body length, or -1 for chunked (gzip). */
    private long contentLength;
    /** The body chunks used in turn. */
    private final ByteBuffer[] chunks = new ByteBuffer[CHUNKS_PER_SLOT];
    private int nextChunk;
    private final Deflater deflater;
    private final CRC32 crc;
    private final byte[] gzipInput;

    /**
     * @param gzip whether bodies are gzip-compressed
     * @param extraChunks counts chunks made because the client still held one
     */
    HttpSlotBody(boolean gzip, AtomicInteger extraChunks) {
        this.gzip = gzip;
        this.extraChunks = extraChunks;
        this.deflater = gzip ? new Deflater(Deflater.DEFAULT_COMPRESSION, true) : null;
        this.crc = gzip ? new CRC32() : null;
        this.gzipInput = gzip ? new byte[CHUNK_BYTES] : null;
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = emptyChunk();
        }
    }

    /**
     * From now on, bodies subscribed for {@code attemptId} read {@code payload} between
     * {@code start} and {@code end}.
     *
     * @param attemptId the attempt
     * @param payload the request's buffer
     * @param start where the request starts in it
     * @param end where it ends
     */
    void arm(long attemptId, Bytes<?> payload, long start, long end) {
        synchronized (payloadGuard) {
            this.readableAttemptId = attemptId;
            this.payload = payload;
            this.payloadStart = start;
            this.payloadEnd = end;
            this.contentLength = gzip ? -1 : end - start;
        }
    }

    /** Returns once no body reads the payload, and makes sure none will until the next {@link #arm}. */
    void release() {
        synchronized (payloadGuard) {
            readableAttemptId = -1;
            payload = null;
        }
    }

    @Override
    public long contentLength() {
        synchronized (payloadGuard) {
            return contentLength;
        }
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        long attemptId;
        long start;
        long end;
        synchronized (payloadGuard) {
            attemptId = readableAttemptId;
            start = payloadStart;
            end = payloadEnd;
            if (gzip && attemptId >= 0) {
                deflater.reset();
                crc.reset();
            }
            for (int i = 0; i < chunks.length; i++) {
                if (chunks[i].hasRemaining()) { // held by an earlier attempt's connection
                    chunks[i] = emptyChunk();
                    extraChunks.incrementAndGet();
                }
            }
        }
        subscriber.onSubscribe(new Subscription(attemptId, start, end, subscriber));
    }

    /** Under {@link #payloadGuard}: the next chunk the client has consumed, or a fresh one. */
    private ByteBuffer takeChunk() {
        ByteBuffer chunk = chunks[nextChunk];
        if (chunk.hasRemaining()) {
            // the client still holds it (an attempt that ended before sending it): leave it be
            chunk = emptyChunk();
            chunks[nextChunk] = chunk;
            extraChunks.incrementAndGet();
        }
        nextChunk = (nextChunk + 1) % chunks.length;
        chunk.clear();
        return chunk;
    }

    private static ByteBuffer emptyChunk() {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
        chunk.limit(0); // nothing remaining: free
        return chunk;
    }

    /** One attempt's body: chunks handed out on demand, read from the payload under the guard. */
    private final class Subscription implements Flow.Subscription {
        private final long attemptId;
        private final long end;
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private long position;
        private long demand;
        private boolean emitting;
        private boolean done;
        /** gzip: 0 header next, 1 deflating, 2 trailer next, 3 all written. */
        private int gzipStage;
        private boolean finishing;

        Subscription(long attemptId, long start, long end, Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.attemptId = attemptId;
            this.position = start;
            this.end = end;
            this.subscriber = subscriber;
        }

        @Override
        public synchronized void request(long n) {
            if (done) {
                return;
            }
            if (n <= 0) {
                done = true;
                subscriber.onError(new IllegalArgumentException("non-positive demand"));
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            if (emitting) {
                return; // re-entered from onNext: the loop below goes on
            }
            emitting = true;
            try {
                while (demand > 0 && !done) {
                    ByteBuffer chunk = nextChunk();
                    if (chunk == null) {
                        done = true;
                        subscriber.onError(new IOException("the export attempt has already ended"));
                        return;
                    }
                    boolean last = gzip ? gzipStage == 3 : position >= end;
                    demand--;
                    if (chunk.hasRemaining()) {
                        subscriber.onNext(chunk);
                    }
                    if (last) {
                        done = true;
                        subscriber.onComplete();
                    }
                }
            } finally {
                emitting = false;
            }
        }

        /** @return the next chunk to send, or null if the attempt has ended (the payload may be gone) */
        private ByteBuffer nextChunk() {
            synchronized (payloadGuard) {
                if (readableAttemptId != attemptId) {
                    return null;
                }
                ByteBuffer chunk = takeChunk();
                if (!gzip) {
                    int count = (int) Math.min(CHUNK_BYTES, end - position);
                    payload.read(position, chunk.array(), 0, count);
                    position += count;
                    chunk.limit(count);
                    return chunk;
                }
                if (gzipStage == 0) {
                    chunk.put(GZIP_HEADER);
                    gzipStage = 1;
                }
                while (gzipStage == 1 && chunk.hasRemaining()) {
                    if (deflater.needsInput() && !finishing) {
                        if (position < end) {
                            int count = (int) Math.min(gzipInput.length, end - position);
                            payload.read(position, gzipInput, 0, count);
                            crc.update(gzipInput, 0, count);
                            deflater.setInput(gzipInput, 0, count);
                            position += count;
                        } else {
                            deflater.finish();
                            finishing = true;
                        }
                    }
                    int written = deflater.deflate(chunk);
                    if (deflater.finished()) {
                        gzipStage = 2;
                    } else if (written == 0 && !deflater.needsInput()) {
                        break; // should not happen with room left; send what there is
                    }
                }
                if (gzipStage == 2 && chunk.remaining() >= 8) {
                    putIntLittleEndian(chunk, (int) crc.getValue());
                    putIntLittleEndian(chunk, (int) deflater.getBytesRead()); // ISIZE: the input's length mod 2^32
                    gzipStage = 3;
                }
                chunk.flip();
                return chunk;
            }
        }

        @Override
        public synchronized void cancel() {
            done = true;
        }
    }

    private static void putIntLittleEndian(ByteBuffer buffer, int value) {
        buffer.put((byte) value).put((byte) (value >>> 8)).put((byte) (value >>> 16)).put((byte) (value >>> 24));
    }
}
