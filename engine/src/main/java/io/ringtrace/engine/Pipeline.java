package io.ringtrace.engine;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import io.ringtrace.codec.RecordWriter;
import io.ringtrace.codec.RequestEncoder;
import io.ringtrace.codec.Resource;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.RequestPool;
import io.ringtrace.engine.export.SpanExporter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One signal's pipeline, the machinery every engine is built of: a ring of slots in the signal's
 * compact format ({@link RingSlots}, a multi-producer Disruptor ring of record flyweights), its
 * producers' side ({@link SlotRing}: claim, fill, publish, the overload policy), the serializer
 * thread ({@link Serializer}) that encodes published slots into a {@link RequestPool}'s off-heap
 * buffers and seals them on count, bytes and linger, the exporter, the counters and their
 * snapshots ({@link StatsReader}), and flush and close ({@link EngineLifecycle}). {@link
 * TraceEngine} and {@code LogEngine} each hold one and add their signal's producer API.
 *
 * <p>Bound: the ring's heap ({@link RingSlots#heapBytes}) and {@code requestBuffers x
 * encoder.requiredCapacity()} bytes off-heap; one thread, {@code ringtrace-serializer-<name>} (or
 * {@code ringtrace-<signal>-serializer-<name>}), from {@link #start()} to close.
 *
 * @param <R> the signal's record writer
 */
final class Pipeline<R extends RecordWriter<R>> {

    private static final System.Logger LOG = System.getLogger(TraceEngine.class.getName());
    private static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    final String name;
    final boolean disabled;
    final EngineCounters counters = new EngineCounters();
    final int ringSize;
    /** The ring's memory: the slots and the overflow buffers; null when disabled. */
    final RingSlots<R> slots;
    /** The producers' side of the ring: claim, record, publish. */
    final SlotRing<R> slotRing;
    final RequestPool requests;
    private final RingBuffer<R> ring;
    private final Serializer<R> serializer;
    private final Thread serializerThread;
    /** Guards the close of {@link #slotRing} in close(), so that exactly one caller runs the shutdown. */
    private final Object lifecycleLock = new Object();
    /** Flush and the close's shutdown, run by the caller that closed {@link #slotRing}. */
    final EngineLifecycle lifecycle;
    /** The counters read into snapshots; null when disabled. */
    private final StatsReader statsReader;

    /** A disabled pipeline: no memory, no thread; every claim answers {@link SlotRing#DISABLED}. */
    private Pipeline(String name) {
        this.name = name;
        this.disabled = true;
        this.ringSize = 0;
        this.slots = null;
        this.slotRing = SlotRing.disabled(counters);
        this.requests = null;
        this.ring = null;
        this.serializer = null;
        this.serializerThread = null;
        this.lifecycle = EngineLifecycle.closedAtBuild(name);
        this.statsReader = null;
    }

    /**
     * Allocates the ring and the request buffers and creates (but does not start) the serializer
     * thread.
     *
     * @param owner kept strongly reachable by the serializer thread while it runs (the engine: its
     *     pooled records hold it weakly)
     */
    Pipeline(String name, String threadName, PipelineSettings s, RecordFormat<R> format, Resource resource,
             SpanExporter exporter, Object owner) {
        this.name = name;
        this.disabled = false;
        this.ringSize = s.ringSize;
        long scheduleDelayNanos = s.scheduleDelay.toNanos();
        long tickNanos = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, scheduleDelayNanos / 4));
        TimedWaitStrategy waitStrategy = TimedWaitStrategy.create(s.waitStrategy, tickNanos, s.ringSize);
        this.slots = new RingSlots<>(s.ringSize, s.slotBytes, s.overflowBuffers, format);
        this.ring = RingBuffer.createMultiProducer(slots::newFlyweight, s.ringSize, waitStrategy);
        slots.checkOrder(ring::get);
        this.slotRing = new SlotRing<>(ring, ringSize, s.overloadPolicy, counters);
        waitStrategy.watch(ring, counters, name); // it waits for publication, which the ring's sequencer knows
        RequestEncoder encoder = format.encoder(resource, s.maxRequestBytes);
        this.requests = new RequestPool(name, format.signal, s.requestBuffers, encoder.requiredCapacity());
        this.serializer = new Serializer<>(encoder, requests, exporter, counters, s.maxExportBatchSize,
                scheduleDelayNanos, tickNanos, slots);
        BatchEventProcessor<R> processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), serializer);
        processor.setExceptionHandler(new LoggingExceptionHandler(name, owner));
        ring.addGatingSequences(processor.getSequence()); // producers never overwrite unserialized slots
        this.serializerThread = new Thread(processor, threadName);
        serializerThread.setDaemon(true);
        this.statsReader = new StatsReader(counters, ring, ringSize, serializer, requests);
        this.lifecycle = new EngineLifecycle(name, ring, ringSize, processor, serializerThread, serializer, requests,
                exporter, counters, statsReader);
    }

    /** @return a pipeline of a disabled engine */
    static <R extends RecordWriter<R>> Pipeline<R> disabled(String name) {
        return new Pipeline<>(name);
    }

    /** Starts the serializer thread (once the engine is complete). */
    void start() {
        if (!disabled) {
            serializerThread.start();
        }
    }

    /** @see TraceEngine#flush(Duration) */
    boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (slotRing.isClosed()) {
            return lifecycle.awaitClose(deadline);
        }
        return lifecycle.flush(deadline);
    }

    /** @see TraceEngine#close(Duration) */
    boolean close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean first;
        synchronized (lifecycleLock) {
            first = !slotRing.isClosed();
            slotRing.close(); // producers see it on their next claim; a claim already past the check still completes
        }
        if (!first) {
            return lifecycle.awaitClose(deadline); // closed before (or disabled), or closing on another thread
        }
        return lifecycle.close(deadline);
    }

    boolean isClosed() {
        return slotRing.isClosed();
    }

    /** @see TraceEngine#stats(EngineStats) */
    EngineStats stats(EngineStats into) {
        return disabled ? StatsReader.fillDisabled(into) : statsReader.read(into, slotRing.isClosed());
    }

    /** @see TraceEngine#dropped(DropReason) */
    long dropped(DropReason reason) {
        return disabled ? 0 : statsReader.dropped(reason);
    }

    /** @see TraceEngine#offHeapBytesHeld() */
    long offHeapBytesHeld() {
        return disabled ? 0 : requests.offHeapBytesHeld();
    }

    /** @return the overflow buffers taken now (tests: every one comes back once its record is read) */
    int overflowBuffersTaken() {
        return slots == null ? 0 : slots.overflow.taken();
    }

    /**
     * Logs and continues: one bad record must never stop the serializer. It holds the engine, so the
     * serializer thread keeps a running engine strongly reachable.
     */
    private static final class LoggingExceptionHandler implements ExceptionHandler<Object> {
        private final String name;
        @SuppressWarnings("unused") // held for reachability only
        private final Object owner;

        LoggingExceptionHandler(String name, Object owner) {
            this.name = name;
            this.owner = owner;
        }

        @Override
        public void handleEventException(Throwable ex, long sequence, Object event) {
            LOG.log(Level.ERROR, "ringtrace[" + name + "]: serializer failed at sequence " + sequence, ex);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.log(Level.ERROR, "ringtrace[" + name + "]: serializer start failed", ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.log(Level.ERROR, "ringtrace[" + name + "]: serializer shutdown failed", ex);
        }
    }
}
