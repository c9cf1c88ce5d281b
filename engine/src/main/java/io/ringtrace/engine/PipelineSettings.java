package io.ringtrace.engine;

import io.ringtrace.codec.TraceRequestEncoder;
import io.ringtrace.engine.export.SpanExporter;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings every engine's pipeline has (ring, slots, batching, request buffers, overload and
 * wait strategy), each validated when set with an {@link IllegalArgumentException} naming it, and
 * the checks {@code build()} makes of them together: the exporter's concurrency against the
 * request buffers, the slots against one array and against the heap. {@link TraceEngineBuilder}
 * and {@code LogEngineBuilder} each hold one and expose its setters with their own defaults and
 * variable names.
 */
final class PipelineSettings {

    /** Largest ring size accepted. */
    static final int MAX_RING_SIZE = 1 << 24;
    /** Largest request size accepted: 64 MiB. */
    static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;
    /** Fewest off-heap request buffers by default. */
    static final int DEFAULT_REQUEST_BUFFERS = 4;
    /** Largest number of request buffers accepted. */
    static final int MAX_REQUEST_BUFFERS = 1024;
    /** Largest number of overflow buffers accepted. */
    static final int MAX_OVERFLOW_BUFFERS = 65_536;
    /** Default maximum serialized size of one export request: 1 MiB. */
    static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

    /** The variable that sets the ring's size, named in messages ({@code OTEL_BSP_MAX_QUEUE_SIZE}). */
    final String queueSizeVariable;
    int ringSize;
    int slotBytes;
    int overflowBuffers;
    int maxExportBatchSize;
    Duration scheduleDelay;
    int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    int requestBuffers = DEFAULT_REQUEST_BUFFERS; // resolved against the exporter at build() unless set
    boolean requestBuffersSet;
    OverloadPolicy overloadPolicy = OverloadPolicy.DROP;
    WaitStrategyType waitStrategy = WaitStrategyType.SLEEPING;

    PipelineSettings(String queueSizeVariable, int ringSize, int slotBytes, int overflowBuffers, int maxExportBatchSize,
                     Duration scheduleDelay) {
        this.queueSizeVariable = queueSizeVariable;
        this.ringSize = ringSize;
        this.slotBytes = slotBytes;
        this.overflowBuffers = overflowBuffers;
        this.maxExportBatchSize = maxExportBatchSize;
        this.scheduleDelay = scheduleDelay;
    }

    void ringSize(int slots) {
        if (slots < 2 || slots > MAX_RING_SIZE || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("ringSize must be a power of two in [2, " + MAX_RING_SIZE + "], got " + slots);
        }
        this.ringSize = slots;
    }

    void overloadPolicy(OverloadPolicy policy) {
        this.overloadPolicy = Objects.requireNonNull(policy, "overloadPolicy");
    }

    void maxExportBatchSize(int items) {
        if (items < 1) {
            throw new IllegalArgumentException("maxExportBatchSize must be >= 1, got " + items);
        }
        this.maxExportBatchSize = items;
    }

    void maxRequestBytes(int bytes) {
        if (bytes < TraceRequestEncoder.MIN_REQUEST_BYTES || bytes > MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException("maxRequestBytes must be in [" + TraceRequestEncoder.MIN_REQUEST_BYTES
                    + ", " + MAX_REQUEST_BYTES + "], got " + bytes);
        }
        this.maxRequestBytes = bytes;
    }

    void scheduleDelay(Duration delay) {
        Objects.requireNonNull(delay, "scheduleDelay");
        if (delay.isNegative() || delay.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("scheduleDelay must be in [0, 1h], got " + delay);
        }
        this.scheduleDelay = delay;
    }

    void requestBuffers(int buffers) {
        if (buffers < 1 || buffers > MAX_REQUEST_BUFFERS) {
            throw new IllegalArgumentException("requestBuffers must be in [1, " + MAX_REQUEST_BUFFERS + "], got " + buffers);
        }
        this.requestBuffers = buffers;
        this.requestBuffersSet = true;
    }

    void waitStrategy(WaitStrategyType type) {
        this.waitStrategy = Objects.requireNonNull(type, "waitStrategy");
    }

    /** @param valid whether the slot format accepts the size @param range the accepted range, for the message */
    void slotBytes(int bytes, boolean valid, String range) {
        if (!valid) {
            throw new IllegalArgumentException("slotBytes must be a power of two in " + range + ", got " + bytes);
        }
        this.slotBytes = bytes;
    }

    void overflowBuffers(int buffers) {
        if (buffers < 0 || buffers > MAX_OVERFLOW_BUFFERS) {
            throw new IllegalArgumentException("overflowBuffers must be in [0, " + MAX_OVERFLOW_BUFFERS + "], got " + buffers);
        }
        this.overflowBuffers = buffers;
    }

    /**
     * The checks of {@code build()}, before anything is allocated: the JVM flags, the request buffers
     * against the exporter, the slots against one array and the heap.
     *
     * @param maxRecordBytes the format's largest record (an overflow buffer's size)
     * @param limits the record limits, named in the heap message
     */
    void checkForBuild(String name, SpanExporter exporter, int maxRecordBytes, Object limits) {
        JvmFlags.check(); // before anything touches Chronicle, which would log its own complaint
        resolveRequestBuffers(name, exporter);
        checkRingFitsOneArray();
        checkRingFitsTheHeap(Runtime.getRuntime().maxMemory(), maxRecordBytes, limits);
    }

    /**
     * Fails, before anything is allocated, for a ring that would take more than three quarters of
     * the maximum heap: it would end in an {@link OutOfMemoryError} at start, or leave the
     * application next to nothing.
     */
    private void checkRingFitsTheHeap(long maxHeapBytes, int maxRecordBytes, Object limits) {
        if (maxHeapBytes == Long.MAX_VALUE) {
            return; // no heap limit known
        }
        long needed = RingSlots.heapBytes(ringSize, slotBytes, overflowBuffers, maxRecordBytes);
        long allowed = maxHeapBytes / 4 * 3;
        if (needed > allowed) {
            throw new IllegalArgumentException(String.format("ringSize %d (ringSize(int), %s) with"
                    + " slotBytes %d and overflowBuffers %d needs %,d bytes of heap (%,d bytes per slot, %s), more than"
                    + " the %,d bytes the ring may take: three quarters of the maximum heap of %,d bytes"
                    + " (Runtime.maxMemory(), -Xmx). Lower ringSize / %s, slotBytes,"
                    + " overflowBuffers or the record limits, or raise -Xmx",
                    ringSize, queueSizeVariable, slotBytes, overflowBuffers, needed, needed / ringSize, limits, allowed,
                    maxHeapBytes, queueSizeVariable));
        }
    }

    /**
     * Sizes the request-buffer pool against the exporter's concurrency, once: by default one buffer
     * more than the exporter keeps in flight (at least {@link #DEFAULT_REQUEST_BUFFERS}); a pool set
     * at or below it is kept, with a warning, since it trades export throughput for memory.
     */
    private void resolveRequestBuffers(String name, SpanExporter exporter) {
        int exporterMaxInFlight = exporter.maxInFlight();
        if (exporterMaxInFlight < 1) {
            throw new IllegalArgumentException("the exporter's maxInFlight() must be >= 1, got " + exporterMaxInFlight
                    + " from " + exporter.getClass().getName());
        }
        if (!requestBuffersSet) {
            requestBuffers = (int) Math.min(MAX_REQUEST_BUFFERS,
                    Math.max(DEFAULT_REQUEST_BUFFERS, (long) exporterMaxInFlight + 1));
        } else if (requestBuffers <= exporterMaxInFlight) {
            System.getLogger(TraceEngine.class.getName()).log(System.Logger.Level.WARNING, String.format(
                    "ringtrace[%s]: requestBuffers %d (requestBuffers(int)) <= the exporter's maxInFlight %d: when"
                    + " all %d are in flight the serializer has no buffer to fill and the ring fills; set"
                    + " requestBuffers to %d (each buffer holds %,d bytes off-heap) or leave it unset",
                    name, requestBuffers, exporterMaxInFlight, requestBuffers,
                    Math.min(MAX_REQUEST_BUFFERS, exporterMaxInFlight + 1),
                    TraceRequestEncoder.requiredCapacity(maxRequestBytes)));
        }
    }

    /** The slots are one array: at most 2^31 - 1 bytes. */
    private void checkRingFitsOneArray() {
        if ((long) ringSize * slotBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(String.format("ringSize %d (ringSize(int), %s) x"
                    + " slotBytes %d = %,d bytes: the slots are one array of at most 2 GiB; lower one of them",
                    ringSize, queueSizeVariable, slotBytes, (long) ringSize * slotBytes));
        }
    }

    /** How long {@code build()} gives an exporter it will never use to shut down. */
    private static final long UNUSED_EXPORTER_SHUTDOWN_NANOS = TraceEngine.DEFAULT_CLOSE_TIMEOUT.toNanos();

    /**
     * Shuts down an exporter no engine will use (nothing was handed to it, so it returns quickly).
     *
     * @param exporter the exporter, or null
     * @param failure the exception build() is about to throw, which gets a shutdown failure as
     *     suppressed; null to log a shutdown failure instead
     */
    static void shutDownUnused(SpanExporter exporter, Throwable failure) {
        if (exporter == null) {
            return;
        }
        try {
            exporter.shutdown(System.nanoTime() + UNUSED_EXPORTER_SHUTDOWN_NANOS);
        } catch (RuntimeException | Error e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                System.getLogger(TraceEngine.class.getName()).log(System.Logger.Level.ERROR,
                        "ringtrace: shutting down the exporter of a disabled engine failed", e);
            }
        }
    }

    /** @return the engine's name if valid @throws IllegalArgumentException otherwise */
    static String checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("name must be 1-64 chars of [A-Za-z0-9._-], got "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        return name;
    }

    /** @return a description of the settings, for an engine's toString() */
    String describe() {
        return "ringSize=" + ringSize + ", overloadPolicy=" + overloadPolicy + ", maxExportBatchSize=" + maxExportBatchSize
                + ", maxRequestBytes=" + maxRequestBytes + ", requestBuffers=" + requestBuffers + ", scheduleDelay="
                + scheduleDelay + ", waitStrategy=" + waitStrategy;
    }
}
