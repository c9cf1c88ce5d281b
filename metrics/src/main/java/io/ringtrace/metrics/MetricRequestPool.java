package io.ringtrace.metrics;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The provider's fixed pool of off-heap request buffers and the {@link ExportRequest} handles the
 * exporter completes; the accounting of every data point handed to the exporter. Bound: {@code
 * buffers x maxRequestBytes} bytes of native memory, allocated at build and freed at close.
 *
 * <p>The contract is the engine's: each hand-out of a buffer is a new generation, lent through one of
 * a few handles used in turn; a completion CASes from {@code (generation, IN_FLIGHT)}, so a stale or
 * second completion can neither complete nor read the later request the buffer holds, and is
 * rejected with an {@link IllegalStateException}. Only the collecting thread takes buffers; any
 * thread completes them and unparks it.
 */
final class MetricRequestPool {

    static final int FREE = 0;
    static final int FILLING = 1;
    static final int IN_FLIGHT = 2;
    static final int ABANDONED = 3;
    static final int RELEASED = 4;
    static final int COMPLETING = 5;
    private static final int STATE_BITS = 3;
    private static final int LEASES = 4;
    private static final VarHandle STAMP;

    static {
        try {
            STAMP = MethodHandles.lookup().findVarHandle(PooledBuffer.class, "stamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PooledBuffer[] buffers;
    private volatile Thread waiter;
    final LongAdder exportedPoints = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder requestsSent = new LongAdder();
    /** Points lost after the hand-off, by {@link DropReason} ordinal. */
    final AtomicLongArray droppedPoints = new AtomicLongArray(DropReason.values().length);

    MetricRequestPool(int count, int capacity) {
        buffers = new PooledBuffer[count];
        try {
            for (int i = 0; i < count; i++) {
                Bytes<?> bytes = Bytes.allocateDirect(capacity);
                bytes.singleThreadedCheckDisabled(true); // filled by the collector, read by exporter threads
                buffers[i] = new PooledBuffer(bytes);
            }
        } catch (RuntimeException | Error e) {
            releaseIdle();
            throw e;
        }
    }

    /**
     * Takes a free buffer (collecting thread only), waiting until {@code deadlineNanoTime} for one.
     *
     * @return the buffer, cleared; or null at the deadline
     */
    Bytes<?> take(long deadlineNanoTime) {
        PooledBuffer b = tryTake();
        if (b != null) {
            return b.bytes;
        }
        waiter = Thread.currentThread();
        try {
            while ((b = tryTake()) == null) {
                long left = deadlineNanoTime - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                LockSupport.parkNanos(this, Math.min(left, 10_000_000L)); // a completion unparks us earlier
            }
            return b.bytes;
        } finally {
            waiter = null;
        }
    }

    private PooledBuffer tryTake() {
        for (PooledBuffer b : buffers) {
            long now = (long) STAMP.getVolatile(b);
            if (state(now) == FREE && STAMP.compareAndSet(b, now, stamp(generation(now), FILLING))) {
                b.bytes.clear();
                return b;
            }
        }
        return null;
    }

    private PooledBuffer of(Bytes<?> bytes) {
        for (PooledBuffer b : buffers) {
            if (b.bytes == bytes) {
                return b;
            }
        }
        throw new IllegalArgumentException("not a buffer of this pool");
    }

    /** Returns a taken, unused buffer. */
    void untake(Bytes<?> bytes) {
        PooledBuffer b = of(bytes);
        STAMP.setRelease(b, stamp(generation((long) STAMP.getOpaque(b)), FREE));
    }

    /** Lends the sealed request in {@code bytes} as its buffer's next generation. @return its handle */
    ExportRequest lend(Bytes<?> bytes, int points) {
        PooledBuffer b = of(bytes);
        long generation = generation((long) STAMP.getOpaque(b)) + 1; // only the collecting thread changes it now
        b.points = points;
        Lease lease = b.leases[(int) (generation % LEASES)];
        lease.generation = generation;
        requestsSent.increment();
        STAMP.setRelease(b, stamp(generation, IN_FLIGHT)); // publishes points and the lease's generation
        return lease;
    }

    /** The exporter's {@code export()} threw: it did not take the request; fail it and never lend that handle again. */
    void takeBack(ExportRequest request) {
        Lease lease = (Lease) request;
        lease.owner.complete(lease.generation, false, 0, DropReason.EXPORT_FAILED, false);
        lease.owner.leases[(int) (lease.generation % LEASES)] = new Lease(lease.owner); // error path only
    }

    /** @return whether no request is in flight */
    boolean idle() {
        for (PooledBuffer b : buffers) {
            int state = state((long) STAMP.getVolatile(b));
            if (state == IN_FLIGHT || state == COMPLETING) {
                return false;
            }
        }
        return true;
    }

    /** Close: gives up on requests still in flight (their points counted {@link DropReason#SHUTDOWN}) and frees every idle buffer. */
    void abandonAndRelease() {
        for (PooledBuffer b : buffers) {
            long now = (long) STAMP.getVolatile(b);
            if (state(now) == IN_FLIGHT && STAMP.compareAndSet(b, now, stamp(generation(now), ABANDONED))) {
                droppedPoints.addAndGet(DropReason.SHUTDOWN.ordinal(), b.points);
            }
        }
        releaseIdle();
    }

    private void releaseIdle() {
        for (PooledBuffer b : buffers) {
            if (b == null) {
                continue;
            }
            long now = (long) STAMP.getVolatile(b);
            int state = state(now);
            if ((state == FREE || state == FILLING) && STAMP.compareAndSet(b, now, stamp(generation(now), RELEASED))) {
                b.bytes.releaseLast();
            }
        }
    }

    private static int state(long stamp) {
        return (int) (stamp & ((1 << STATE_BITS) - 1));
    }

    private static long generation(long stamp) {
        return stamp >>> STATE_BITS;
    }

    private static long stamp(long generation, int state) {
        return generation << STATE_BITS | state;
    }

    /** One buffer and its hand-out state. */
    private final class PooledBuffer {
        final Bytes<?> bytes;
        final Lease[] leases = new Lease[LEASES];
        @SuppressWarnings("unused") // through STAMP
        volatile long stamp;
        /** Written before the IN_FLIGHT release store, read after a completion's CAS. */
        int points;

        PooledBuffer(Bytes<?> bytes) {
            this.bytes = bytes;
            for (int i = 0; i < LEASES; i++) {
                leases[i] = new Lease(this);
            }
        }

        void requireLent(long generation) {
            long now = (long) STAMP.getVolatile(this);
            if (generation(now) != generation || (state(now) != IN_FLIGHT && state(now) != ABANDONED)) {
                throw new IllegalStateException("metrics export request used after it was completed or taken back"
                        + " (generation " + generation + ", buffer now at " + generation(now) + ")");
            }
        }

        void complete(long generation, boolean success, long rejected, DropReason reason, boolean byExporter) {
            if (!STAMP.compareAndSet(this, stamp(generation, IN_FLIGHT), stamp(generation, COMPLETING))) {
                if (STAMP.compareAndSet(this, stamp(generation, ABANDONED), stamp(generation, RELEASED))) {
                    bytes.releaseLast(); // completed after close gave up on it: already counted SHUTDOWN
                    return;
                }
                if (byExporter) {
                    throw new IllegalStateException("metrics export request completed twice, or through a stale handle"
                            + " (generation " + generation + ")");
                }
                return;
            }
            if (success) {
                long r = Math.max(0, Math.min(rejected, points)); // a receiver's nonsense is clamped, not thrown
                exportedPoints.add(points - r);
                if (r > 0) {
                    droppedPoints.addAndGet(DropReason.REJECTED.ordinal(), r);
                }
            } else {
                droppedPoints.addAndGet(reason.ordinal(), points);
            }
            STAMP.setVolatile(this, stamp(generation, FREE)); // after the counts: whoever sees FREE sees them
            Thread t = waiter;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** The handle of one hand-out; reused every {@value #LEASES} hand-outs of its buffer. */
    private final class Lease implements ExportRequest {
        final PooledBuffer owner;
        /** Written by the collecting thread before the IN_FLIGHT release store. */
        long generation;

        Lease(PooledBuffer owner) {
            this.owner = owner;
        }

        @Override
        public Bytes<?> payload() {
            owner.requireLent(generation);
            return owner.bytes;
        }

        @Override
        public Signal signal() {
            return Signal.METRICS;
        }

        @Override
        public int spanCount() {
            return owner.points;
        }

        @Override
        public void retrying() {
            owner.requireLent(generation);
            retries.increment();
        }

        @Override
        public void succeeded(long rejectedPoints) {
            owner.complete(generation, true, rejectedPoints, null, true);
        }

        @Override
        public void failed(DropReason reason) {
            if (reason == null) {
                throw new IllegalArgumentException("reason must not be null");
            }
            owner.complete(generation, false, 0, reason, true);
        }
    }
}
