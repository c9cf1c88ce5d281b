package io.ringtrace.engine;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.jfr.JfrEvents;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import net.openhft.chronicle.bytes.Bytes;

/**
 * One buffer of the engine's fixed request pool and the {@link ExportRequest} lent to the exporter
 * for it. Created once per buffer at engine start and reused for the engine's lifetime.
 *
 * <p>State machine (the {@code state} field; transitions by CAS or ordered store):
 * <pre>
 * FREE --serializer takes it--> FILLING --sealed, handed to the exporter--> IN_FLIGHT
 * IN_FLIGHT --succeeded/failed (exactly once, any thread)--> COMPLETING --counted--> FREE
 * IN_FLIGHT --close deadline passed, counted SHUTDOWN--> ABANDONED --late completion--> RELEASED
 * FREE/FILLING --close--> RELEASED (off-heap memory freed)
 * </pre>
 */
final class PooledExportRequest implements ExportRequest {

    static final int FREE = 0;
    static final int FILLING = 1;
    static final int IN_FLIGHT = 2;
    static final int COMPLETING = 3;
    static final int ABANDONED = 4;
    static final int RELEASED = 5;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PooledExportRequest.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RequestPool pool;
    private final Bytes<?> buffer;
    private final long capacity;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state = FREE;

    // written by the serializer before the IN_FLIGHT store, read by the completing thread after its CAS
    private int spanCount;
    private long requestBytes;
    private long sealNumber;
    private long handOffNanos;
    private int attempts;

    PooledExportRequest(RequestPool pool, Bytes<?> buffer) {
        this.pool = pool;
        this.buffer = buffer;
        this.capacity = buffer.realCapacity();
    }

    // ------------------------------------------------------------------- serializer thread

    /** @return whether this request was free and is now the serializer's (serializer thread only) */
    boolean tryTake() {
        // a CAS, not a check then a store: close may move FREE -> RELEASED (and free the memory) at the
        // same time when the serializer thread did not stop in time; completions move COMPLETING -> FREE
        // with a release store, which this CAS (a volatile read) orders before our use of the buffer
        if (!STATE.compareAndSet(this, FREE, FILLING)) {
            return false;
        }
        buffer.clear();
        return true;
    }

    /** Marks the sealed request as handed to the exporter. */
    void sealed(int spans, long bytes, long number) {
        this.spanCount = spans;
        this.requestBytes = bytes;
        this.sealNumber = number;
        this.attempts = 1;
        this.handOffNanos = System.nanoTime();
        STATE.setRelease(this, IN_FLIGHT); // publishes the fields above to whichever thread completes
    }

    /** Returns a taken but unused request (serializer thread). */
    void untake() {
        STATE.setRelease(this, FREE);
    }

    Bytes<?> buffer() {
        return buffer;
    }

    // ------------------------------------------------------------------------ ExportRequest

    @Override
    public Bytes<?> payload() {
        return buffer;
    }

    @Override
    public int spanCount() {
        return spanCount;
    }

    @Override
    public void retrying() {
        attempts++;
        pool.counters.retried();
    }

    @Override
    public void succeeded(long rejectedSpans) {
        if (!STATE.compareAndSet(this, IN_FLIGHT, COMPLETING)) {
            lateOrDuplicateCompletion();
            return;
        }
        long rejected = Math.max(0, Math.min(rejectedSpans, spanCount)); // a receiver's nonsense is clamped, not thrown
        pool.counters.exported(spanCount - rejected);
        if (rejected > 0) {
            pool.counters.droppedAtCompletion(DropReason.REJECTED, rejected);
        }
        long latencyNanos = System.nanoTime() - handOffNanos;
        pool.counters.exportLatency.record(latencyNanos);
        JfrEvents.exportCompleted(pool.engineName, spanCount, requestBytes, latencyNanos,
                attempts, rejected == 0 ? JfrEvents.OUTCOME_SUCCESS : JfrEvents.OUTCOME_PARTIAL_SUCCESS, rejected);
        release();
    }

    @Override
    public void failed(DropReason reason) {
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
        if (!STATE.compareAndSet(this, IN_FLIGHT, COMPLETING)) {
            lateOrDuplicateCompletion();
            return;
        }
        pool.counters.droppedAtCompletion(reason, spanCount);
        pool.counters.requestFailed();
        long latencyNanos = System.nanoTime() - handOffNanos;
        pool.counters.exportLatency.record(latencyNanos);
        JfrEvents.exportCompleted(pool.engineName, spanCount, requestBytes, latencyNanos,
                attempts, JfrEvents.outcome(reason), spanCount);
        release();
    }

    private void release() {
        // after the counters: a flush that sees FREE sees them too. A volatile store, not just a release
        // store: with the volatile read of the pool's waiter in returned() it forms a Dekker pair with
        // the serializer's (volatile) waiter store then state CAS, so one of the two always sees the other
        // and a waiting serializer is unparked at once instead of sleeping out its tick
        STATE.setVolatile(this, FREE);
        pool.returned();
    }

    private void lateOrDuplicateCompletion() {
        if (STATE.compareAndSet(this, ABANDONED, RELEASED)) {
            pool.releaseMemory(this); // completed after the close deadline: spans already counted SHUTDOWN
            return;
        }
        throw new IllegalStateException("export request completed twice (or after it was returned): " + this);
    }

    // --------------------------------------------------------------------- close and flush

    int state() {
        return (int) STATE.getVolatile(this);
    }

    long sealNumber() {
        return sealNumber;
    }

    /** Close: gives up on a request the exporter did not complete by the deadline. @return its spans, or 0 */
    int abandon() {
        return STATE.compareAndSet(this, IN_FLIGHT, ABANDONED) ? spanCount : 0;
    }

    /** Close: frees the memory of a request nobody holds. @return whether it was released now */
    boolean releaseIfIdle(boolean includeFilling) {
        if (STATE.compareAndSet(this, FREE, RELEASED)
                || (includeFilling && STATE.compareAndSet(this, FILLING, RELEASED))) {
            pool.releaseMemory(this);
            return true;
        }
        return false;
    }

    long capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        return "ExportRequest{spans=" + spanCount + ", bytes=" + requestBytes + ", seal=" + sealNumber
                + ", state=" + state() + "}";
    }
}
