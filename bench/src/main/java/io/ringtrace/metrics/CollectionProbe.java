package io.ringtrace.metrics;

import net.openhft.chronicle.bytes.Bytes;

/**
 * Bench probe: one collection of a {@link MeterProvider} encoded into a reused off-heap buffer, on
 * the calling thread, without the reader thread or an exporter (each sealed request is counted and
 * the buffer reused). It lives in the metrics package because collection into a caller's buffer is
 * not public API; it is bench code, not shipped.
 */
public final class CollectionProbe implements AutoCloseable {

    private final MeterProvider provider;
    private final Bytes<?> buffer;
    private long points;
    private long bytes;
    private long requests;

    private final MetricsEncoder.Sink sink = new MetricsEncoder.Sink() {
        @Override
        public Bytes<?> take() {
            buffer.clear();
            return buffer;
        }

        @Override
        public void sealed(Bytes<?> sealed, int count) {
            points += count;
            bytes += sealed.readRemaining();
            requests++;
        }

        @Override
        public void unused(Bytes<?> unused) {
        }
    };

    /**
     * @param provider the provider to collect
     * @param maxRequestBytes the provider's {@code maxRequestBytes}
     */
    public CollectionProbe(MeterProvider provider, int maxRequestBytes) {
        this.provider = provider;
        this.buffer = Bytes.allocateDirect(maxRequestBytes);
        this.buffer.singleThreadedCheckDisabled(true);
    }

    /** Collects and encodes once. @return data points written by all collections so far */
    public long collect() {
        provider.collect(sink);
        return points;
    }

    /** @return encoded bytes of all collections so far */
    public long bytes() {
        return bytes;
    }

    /** @return sealed requests of all collections so far */
    public long requests() {
        return requests;
    }

    @Override
    public void close() {
        buffer.releaseLast();
    }
}
