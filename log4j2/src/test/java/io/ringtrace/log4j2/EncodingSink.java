package io.ringtrace.log4j2;

import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.LogsRequestEncoder;
import io.ringtrace.codec.Resource;
import io.ringtrace.engine.EngineStats;
import net.openhft.chronicle.bytes.Bytes;

/**
 * A one-slot sink for tests that run the appender on one thread: each published record is encoded
 * at once into an off-heap OTLP request, sealed and begun again when full, as the serializer
 * does; it counts records encoded and refused. Not thread-safe.
 */
final class EncodingSink implements LogRecordSink {

    private final LogLimits limits;
    private final LogRecordWriter record;
    private final LogsRequestEncoder encoder;
    private final Bytes<?> buffer;
    private long next;
    volatile long encoded;
    volatile long refused;
    volatile boolean closed;
    /** The thread that last published: the one that ran the appender. */
    volatile long publisherThreadId;

    EncodingSink(LogLimits limits) {
        this.limits = limits;
        this.record = new LogRecordWriter(limits);
        this.encoder = new LogsRequestEncoder(Resource.empty(), 1 << 16);
        this.buffer = Bytes.allocateDirect(encoder.requiredCapacity());
        encoder.begin(buffer);
    }

    @Override
    public long claim() {
        return next++;
    }

    @Override
    public LogRecordWriter record(long sequence) {
        return record.reset();
    }

    @Override
    public void publish(long sequence) {
        publisherThreadId = Thread.currentThread().getId();
        int r = encoder.tryAppend(record);
        if (r == LogsRequestEncoder.FULL) {
            encoder.seal();
            encoder.begin(buffer);
            r = encoder.tryAppend(record);
        }
        if (r == LogsRequestEncoder.APPENDED) {
            encoded++;
        } else {
            refused++;
        }
    }

    /** @return the request encoded so far, sealed; a new one is begun */
    byte[] takeRequest() {
        Bytes<?> sealed = encoder.seal();
        byte[] out = new byte[(int) sealed.readRemaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sealed.readByte(sealed.readPosition() + i);
        }
        encoder.begin(buffer);
        return out;
    }

    @Override
    public EngineStats stats(EngineStats into) {
        return into; // this sink keeps its own counts (encoded, refused)
    }

    @Override
    public void correlate(LogRecordWriter record) {
        // no span engine of its own
    }

    @Override
    public LogLimits limits() {
        return limits;
    }

    @Override
    public boolean close(long timeoutMillis) {
        if (!closed) {
            closed = true;
            buffer.releaseLast();
        }
        return true;
    }
}
