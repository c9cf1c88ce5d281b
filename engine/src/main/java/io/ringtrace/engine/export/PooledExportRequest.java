package io.ringtrace.engine.export;

import io.ringtrace.engine.internal.jfr.JfrEvents;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import net.openhft.chronicle.bytes.Bytes;

/**
 * One buffer of a {@link RequestPool}. Created once per buffer with the pool and reused for its
 * lifetime; each sealed request in it is lent to the exporter through an {@link ExportLease}, the
 * {@link ExportRequest} handle of that one hand-out. The filling thread gets it from {@link
 * RequestPool#take}, writes a request into {@link #buffer()}, and then either lends it ({@link
 * #lend(int, long)}) or gives it back unused ({@link #untake()}).
 *
 * <p>State machine (the {@code stamp} field holds the state and the generation, the number of the
 * buffer's current or latest hand-out; every transition is a CAS or an ordered store of the whole
 * stamp):
 * <pre>
 * FREE --the filling thread takes it--> FILLING --sealed: generation + 1, lent to the exporter--> IN_FLIGHT
 * IN_FLIGHT --succeeded/failed through the lease of this generation--> COMPLETING --counted--> FREE
 * IN_FLIGHT --close deadline passed, counted SHUTDOWN--> ABANDONED --late completion--> RELEASED
 * FREE/FILLING --close--> RELEASED (off-heap memory freed)
 * </pre>
 * A completion CASes from {@code (its lease's generation, IN_FLIGHT)}: a lease kept from an earlier
 * hand-out carries an older generation, so its CAS fails and it can never complete the request the
 * buffer holds now. Such a completion is rejected with an {@link IllegalStateException} and counted.
 */
public final class PooledExportRequest {

    static final int FREE = 0;
    static final int FILLING = 1;
    static final int IN_FLIGHT = 2;
    static final int COMPLETING = 3;
    static final int ABANDONED = 4;
    static final int RELEASED = 5;

    /** Low bits of the stamp: the state; the bits above: the generation. */
    private static final int STATE_BITS = 3;
    private static final long STATE_MASK = (1L << STATE_BITS) - 1;
    /**
     * Leases per buffer, used in turn: a lease is lent again only after this many later hand-outs of
     * the same buffer, so a second completion through it soon after its first is still recognized.
     */
    private static final int LEASES = 4;

    private static final VarHandle STAMP;

    static {
        try {
            STAMP = MethodHandles.lookup().findVarHandle(PooledExportRequest.class, "stamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RequestPool pool;
    private final Bytes<?> buffer;
    private final long capacity;
    /** Filling thread only; a lease an exporter may still hold from a failed hand-out is replaced. */
    private final ExportLease[] leases = new ExportLease[LEASES];
    @SuppressWarnings("unused") // accessed through STAMP
    private volatile long stamp = FREE;

    // written by the filling thread before the IN_FLIGHT store, read by the completing thread after its CAS
    private int itemCount;
    private long requestBytes;
    private long number;
    private long handOffNanos;
    private int attempts;

    PooledExportRequest(RequestPool pool, Bytes<?> buffer) {
        this.pool = pool;
        this.buffer = buffer;
        this.capacity = buffer.realCapacity();
        for (int i = 0; i < LEASES; i++) {
            leases[i] = new ExportLease(this);
        }
    }

    private static int state(long stamp) {
        return (int) (stamp & STATE_MASK);
    }

    private static long generation(long stamp) {
        return stamp >>> STATE_BITS;
    }

    private static long stamp(long generation, int state) {
        return generation << STATE_BITS | state;
    }

    // ------------------------------------------------------------------- filling thread

    /** @return whether this request was free and is now the filling thread's */
    boolean tryTake() {
        long free = (long) STAMP.getVolatile(this);
        // a CAS, not a check then a store: close may move FREE -> RELEASED (and free the memory) at the
        // same time when the filling thread did not stop in time; completions move COMPLETING -> FREE
        // with a volatile store, which this CAS (a volatile read) orders before our use of the buffer
        if (state(free) != FREE || !STAMP.compareAndSet(this, free, stamp(generation(free), FILLING))) {
            return false;
        }
        buffer.clear();
        return true;
    }

    /**
     * Lends the sealed request in {@link #buffer()} to the exporter, as the buffer's next generation
     * and the pool's next number ({@link RequestPool#lentCount()}). Filling thread only.
     *
     * @param items the items (spans, log records, data points) in the request
     * @param bytes its size
     * @return the handle to pass to {@link SpanExporter#export(ExportRequest)}: the only one that can
     *     complete this hand-out
     */
    public ExportRequest lend(int items, long bytes) {
        long generation = generation((long) STAMP.getOpaque(this)) + 1; // only the filling thread changes it
        this.itemCount = items;
        this.requestBytes = bytes;
        this.number = pool.nextNumber();
        this.attempts = 1;
        this.handOffNanos = System.nanoTime();
        ExportLease lease = leases[(int) (generation % LEASES)];
        lease.lend(generation, items);
        STAMP.setRelease(this, stamp(generation, IN_FLIGHT)); // publishes the fields above to whoever completes
        return lease;
    }

    /**
     * The exporter's {@code export()} threw: per the SPI it did not take the request, so the pool
     * fails it (counted as {@link DropReason#EXPORT_FAILED}) unless the exporter completed it before
     * throwing, and never lends that handle again: a completion through it stays rejected for good.
     *
     * @param lent what {@link #lend(int, long)} returned for this request
     * @throws IllegalArgumentException if it is not a handle of this buffer
     */
    public void takeBack(ExportRequest lent) {
        if (!(lent instanceof ExportLease) || ((ExportLease) lent).request() != this) {
            throw new IllegalArgumentException("not a request lent from this buffer: " + lent);
        }
        ExportLease lease = (ExportLease) lent;
        complete(lease.generation(), false, 0, DropReason.EXPORT_FAILED, false);
        leases[(int) (lease.generation() % LEASES)] = new ExportLease(this); // error path only: allocation is fine
    }

    /** Gives a taken, not lent request back to the pool (filling thread only). */
    public void untake() {
        long filling = (long) STAMP.getOpaque(this);
        STAMP.setRelease(this, stamp(generation(filling), FREE));
    }

    /** @return the off-heap buffer to write the request into, between {@link RequestPool#take} and {@link #lend} */
    public Bytes<?> buffer() {
        return buffer;
    }

    // ------------------------------------------------------------ through a lease, any thread

    /** @return the payload, if {@code generation} is still lent out */
    Bytes<?> payload(long generation) {
        requireLent(generation, "read");
        return buffer;
    }

    void retrying(long generation) {
        requireLent(generation, "retried");
        attempts++;
        pool.counters.retried();
    }

    private void requireLent(long generation, String action) {
        long now = (long) STAMP.getVolatile(this);
        int state = state(now);
        if (generation(now) != generation || (state != IN_FLIGHT && state != ABANDONED)) {
            throw new IllegalStateException("export request " + action + " after it was completed or taken back"
                    + (generation(now) != generation ? " (stale handle: the buffer holds a later request now)" : "")
                    + ": " + describe(generation, now));
        }
    }

    /**
     * Completes hand-out {@code generation} once.
     *
     * @param byExporter false when the engine takes the request back after a throwing {@code export()}
     *     (then a request already completed is not an error)
     */
    void complete(long generation, boolean success, long rejectedItems, DropReason reason, boolean byExporter) {
        // the CAS succeeds only for the lease of the current hand-out, and only once
        if (!STAMP.compareAndSet(this, stamp(generation, IN_FLIGHT), stamp(generation, COMPLETING))) {
            if (byExporter) {
                lateStaleOrDuplicate(generation);
            }
            return;
        }
        long latencyNanos = System.nanoTime() - handOffNanos;
        pool.counters.exportLatency.record(latencyNanos);
        if (success) {
            long rejected = Math.max(0, Math.min(rejectedItems, itemCount)); // a receiver's nonsense is clamped, not thrown
            // exported first, then REJECTED: in between, a stats snapshot still sees the rejected items
            // as outstanding (handed off minus completed), so every snapshot adds up
            pool.counters.exported(itemCount - rejected);
            if (rejected > 0) {
                pool.counters.dropped(DropReason.REJECTED, rejected);
            }
            JfrEvents.exportCompleted(pool.name, itemCount, requestBytes, latencyNanos, attempts,
                    rejected == 0 ? JfrEvents.OUTCOME_SUCCESS : JfrEvents.OUTCOME_PARTIAL_SUCCESS, rejected);
        } else {
            pool.counters.dropped(reason, itemCount);
            pool.counters.requestFailed();
            JfrEvents.exportCompleted(pool.name, itemCount, requestBytes, latencyNanos, attempts,
                    JfrEvents.outcome(reason), itemCount);
        }
        // after the counters: a flush that sees FREE sees them too. A volatile store, not just a release
        // store: with the volatile read of the pool's waiter in returned() it forms a Dekker pair with
        // the serializer's (volatile) waiter store then stamp CAS, so one of the two always sees the other
        // and a waiting serializer is unparked at once instead of sleeping out its tick
        STAMP.setVolatile(this, stamp(generation, FREE));
        pool.returned();
    }

    private void lateStaleOrDuplicate(long generation) {
        if (STAMP.compareAndSet(this, stamp(generation, ABANDONED), stamp(generation, RELEASED))) {
            pool.releaseMemory(this); // completed after the close deadline: items already counted SHUTDOWN
            return;
        }
        pool.counters.rejectedCompletion();
        long now = (long) STAMP.getVolatile(this);
        if (generation(now) == generation) {
            throw new IllegalStateException("export request completed twice (or after it was returned): "
                    + describe(generation, now));
        }
        throw new IllegalStateException("stale export request handle completed: the engine had taken the request"
                + " back (export() threw) or it was completed before, and the buffer holds a later request now;"
                + " the completion is ignored: " + describe(generation, now));
    }

    // --------------------------------------------------------------------- close and flush

    int state() {
        return state((long) STAMP.getVolatile(this));
    }

    long number() {
        return number;
    }

    /** Close: gives up on a request the exporter did not complete by the deadline. @return its items, or 0 */
    int abandon() {
        long now = (long) STAMP.getVolatile(this);
        return state(now) == IN_FLIGHT && STAMP.compareAndSet(this, now, stamp(generation(now), ABANDONED))
                ? itemCount : 0;
    }

    /** Close: frees the memory of a request nobody holds. @return whether it was released now */
    boolean releaseIfIdle(boolean includeFilling) {
        long now = (long) STAMP.getVolatile(this);
        int state = state(now);
        if ((state == FREE || (includeFilling && state == FILLING))
                && STAMP.compareAndSet(this, now, stamp(generation(now), RELEASED))) {
            pool.releaseMemory(this);
            return true;
        }
        return false;
    }

    long capacity() {
        return capacity;
    }

    Signal signal() {
        return pool.signal;
    }

    private String describe(long generation, long now) {
        return "ExportRequest{generation=" + generation + ", buffer now at generation " + generation(now)
                + ", state=" + state(now) + "}";
    }

    @Override
    public String toString() {
        long now = (long) STAMP.getVolatile(this);
        return "ExportRequest{signal=" + pool.signal + ", items=" + itemCount + ", bytes=" + requestBytes + ", number=" + number
                + ", generation=" + generation(now) + ", state=" + state(now) + "}";
    }
}
