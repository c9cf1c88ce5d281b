package io.ringtrace.engine;

import com.lmax.disruptor.EventHandler;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.RecordWriter;
import io.ringtrace.codec.RequestEncoder;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.PooledExportRequest;
import io.ringtrace.engine.export.RequestPool;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.internal.monitor.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The serializer stage of a ring, whatever the signal: the ring's only consumer, run by one {@code
 * BatchEventProcessor} thread. Encodes each published record into the current off-heap request
 * buffer with the signal's {@link RequestEncoder} (an OTLP span, or log record, grouped by scope),
 * and seals the request and hands it to the {@link SpanExporter} when it holds {@code
 * maxItemsPerRequest} records, when the next record does not fit into {@code maxRequestBytes},
 * when its first record is {@code scheduleDelay} old, or when a flush asks. It reads each slot in
 * place (the encoder copies its regions straight into the request), and writes to it only to clear
 * its pointer to an overflow buffer it gives back; the producer that claims the slot next cleans it
 * (see {@code SlotRing.cleaned}).
 *
 * <p>When every request buffer is in flight, the serializer waits for one (and the ring fills up:
 * the producers' overload policy applies). Nothing here allocates per record.
 *
 * <p>Linger: the wait strategy times out every {@code tickNanos} (a quarter of the schedule delay,
 * clamped to [1 ms, 10 ms]) when no span arrives, and a request is sealed once its age plus one tick
 * reaches the schedule delay, so a partial batch never waits longer than the schedule delay (plus
 * scheduling latency). A schedule delay below one tick seals at the end of every batch.
 */
final class Serializer<R extends RecordWriter<R>> implements EventHandler<R> {

    private static final System.Logger LOG = System.getLogger(Serializer.class.getName());
    private static final long EXPORT_THREW_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final RequestEncoder encoder;
    private final RequestPool pool;
    private final SpanExporter exporter;
    private final EngineCounters counters;
    private final RingSlots<R> slots;
    private final RecordFormat<R> format;
    private final int maxItemsPerRequest;
    private final long scheduleDelayNanos;
    private final long tickNanos;
    private final BooleanSupplier abandoning = this::abandoning; // created once: no allocation per wait
    /** A broken exporter throws on every request: say so once a minute, with the count, not per request. */
    private final RateLimitedLog exportThrewLog = new RateLimitedLog(LOG, EXPORT_THREW_LOG_INTERVAL_NANOS);

    // serializer thread only
    private PooledExportRequest current;
    private long firstItemNanos;
    private long flushTicketServedLocal;
    private boolean loggedInvalid;

    /** Flush protocol: flushers raise the ticket; the serializer seals and publishes what it served. */
    private volatile long flushTicketRequested;
    private volatile long servedSealNumber;
    private volatile long flushTicketServed;
    /** Close past its deadline: stop waiting for buffers, count what arrives as SHUTDOWN. */
    private volatile boolean abandon;
    private volatile boolean stopped;

    Serializer(RequestEncoder encoder, RequestPool pool, SpanExporter exporter, EngineCounters counters,
               int maxItemsPerRequest, long scheduleDelayNanos, long tickNanos, RingSlots<R> slots) {
        this.encoder = encoder;
        this.pool = pool;
        this.exporter = exporter;
        this.counters = counters;
        this.maxItemsPerRequest = maxItemsPerRequest;
        this.scheduleDelayNanos = scheduleDelayNanos;
        this.tickNanos = tickNanos;
        this.slots = slots;
        this.format = slots.format;
    }

    // ------------------------------------------------------------------ the hot path, in order

    @Override
    public void onEvent(R record, long sequence, boolean endOfBatch) {
        // every path below counts the record exactly once: in the open request, handed off, or dropped
        // (the stats derive "consumed from the ring" from those three)
        final byte[] area = slots.area;
        final int base = slots.base(sequence);
        int overflow = format.overflowIndex(area, base);
        if (overflow < 0) {
            if (format.tooLarge(area, base)) {
                counters.droppedInSerializer(DropReason.SPAN_TOO_LARGE, 1); // outgrew its slot, no overflow buffer free
            } else {
                encode(area, base, base + slots.slotBytes, record.scope());
            }
        } else if (overflow >= slots.overflow.count()) {
            invalid(null); // a pointer no producer wrote: ring-API misuse
        } else {
            try {
                byte[] buffer = slots.overflow.buffer(overflow);
                counters.spanOverflowed();
                encode(buffer, 0, buffer.length, record.scope());
            } finally {
                format.clearOverflowIndex(area, base); // the slot no longer holds it (see the record's reset())
                slots.overflow.release(overflow);
            }
        }
        if (endOfBatch) {
            sealIfDue();
        }
    }

    private void encode(byte[] area, int base, int limit, InstrumentationScope scope) {
        if (abandon) {
            counters.droppedInSerializer(DropReason.SHUTDOWN, 1);
            return;
        }
        if (!format.admissible(area, base)) {
            invalid(null); // refused before it takes a request buffer
            return;
        }
        if (current == null && !open()) {
            counters.droppedInSerializer(DropReason.SHUTDOWN, 1);
            return;
        }
        int result;
        try {
            result = encoder.tryAppend(area, base, limit, scope); // reads the record in place, checked at the encoder's edge, once
            if (result == RequestEncoder.FULL && encoder.recordCount() > 0) {
                seal(); // full: ship it and start the next request with this span
                if (!open()) {
                    counters.droppedInSerializer(DropReason.SHUTDOWN, 1);
                    return;
                }
                result = encoder.tryAppend(area, base, limit, scope);
            }
        } catch (RuntimeException e) {
            invalid(e);
            return;
        }
        if (result == RequestEncoder.INVALID) { // nothing of it was written: the request stays exact
            invalid(null);
            return;
        }
        if (result != RequestEncoder.APPENDED) {
            counters.droppedInSerializer(DropReason.SPAN_TOO_LARGE, 1); // alone larger than a request
            return;
        }
        int items = encoder.recordCount();
        if (items == 1) {
            firstItemNanos = System.nanoTime();
        }
        counters.openRequestSpans(items);
        if (items >= maxItemsPerRequest) {
            seal();
        }
    }

    /** Seals on linger or flush; called at the end of each batch and on every wait timeout. */
    private void sealIfDue() {
        if (current != null && encoder.recordCount() > 0
                && System.nanoTime() - firstItemNanos + tickNanos >= scheduleDelayNanos) {
            seal();
        }
        long requested = flushTicketRequested;
        if (requested != flushTicketServedLocal) {
            if (current != null && encoder.recordCount() > 0) {
                seal();
            }
            flushTicketServedLocal = requested;
            servedSealNumber = pool.lentCount(); // written before the ticket: a flusher that sees the ticket sees it
            flushTicketServed = requested;
        }
    }

    @Override
    public void onTimeout(long sequence) {
        sealIfDue();
    }

    // ------------------------------------------------------------------------ requests

    /** Takes a free buffer and begins a request in it. @return false if closing gave up waiting */
    private boolean open() {
        PooledExportRequest request = pool.take(tickNanos, abandoning);
        if (request == null) {
            return false;
        }
        encoder.begin(request.buffer());
        current = request;
        return true;
    }

    private void seal() {
        PooledExportRequest request = current;
        int items = encoder.recordCount();
        long bytes = encoder.seal().readRemaining();
        current = null;
        // one update for the stats: the records leave the open request and join the handed-off ones
        // together, so a snapshot sees them in exactly one of the two
        counters.beginSerializerUpdate();
        counters.openRequestSpans(0);
        counters.handedOff(items, bytes);
        counters.endSerializerUpdate();
        ExportRequest lease = request.lend(items, bytes);
        try {
            exporter.export(lease);
        } catch (RuntimeException | Error e) {
            // the SPI: an export() that throws has not taken the request. The engine fails it and lends
            // that lease never again, so a completion through a reference the exporter kept anyway is
            // rejected and cannot complete the later request this buffer is about to hold
            request.takeBack(lease);
            exportThrewLog.log(Level.ERROR, "ringtrace: exporter threw from export(); its request is counted as"
                    + " failed (EXPORT_FAILED; logged at most once a minute)", e);
        }
    }

    private void invalid(RuntimeException e) {
        counters.droppedInSerializer(DropReason.INVALID_SPAN, 1);
        if (!loggedInvalid) { // once per engine: a buggy producer must not flood the log
            loggedInvalid = true;
            LOG.log(Level.WARNING, "ringtrace: dropped a " + (format.signal == Signal.LOGS ? "log record" : "span")
                    + " that is not valid (fill failed, no ids, missing or negative times, inconsistent record) or"
                    + " could not be encoded (counted as INVALID_SPAN; logged once)", e);
        }
    }

    private boolean abandoning() {
        return abandon;
    }

    // ---------------------------------------------------------------- lifecycle (other threads)

    @Override
    public void onShutdown() {
        // the processor stopped: a request still open could not be sealed in time by close()
        if (current != null) {
            int items = encoder.recordCount();
            encoder.seal();
            current.untake();
            current = null;
            counters.beginSerializerUpdate(); // the records move from open to dropped in one step for the stats
            counters.openRequestSpans(0);
            counters.droppedInSerializer(DropReason.SHUTDOWN, items);
            counters.endSerializerUpdate();
        }
        stopped = true;
    }

    /** @return a flush ticket; the serializer seals the open request when it sees it */
    synchronized long requestFlush() {
        long ticket = flushTicketRequested + 1;
        flushTicketRequested = ticket; // synchronized: flushers from several threads get distinct tickets
        return ticket;
    }

    /** @return whether the serializer has served {@code ticket} */
    boolean flushServed(long ticket) {
        return flushTicketServed - ticket >= 0;
    }

    /** @return the number ({@link RequestPool#lentCount()}) of the last request sealed when a flush was last served */
    long servedSealNumber() {
        return servedSealNumber;
    }

    void abandon() {
        abandon = true;
    }

    boolean stopped() {
        return stopped;
    }
}
