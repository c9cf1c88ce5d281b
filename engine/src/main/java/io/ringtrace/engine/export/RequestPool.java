package io.ringtrace.engine.export;

import io.ringtrace.engine.ops.LatencyHistogram;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import net.openhft.chronicle.bytes.Bytes;

/**
 * A fixed pool of off-heap request buffers for one {@link Signal}, each lent to a {@link
 * SpanExporter} as an {@link ExportRequest} per sealed request, and the accounting of what the
 * exporter did with them: every pipeline that ships OTLP requests (the span and log engines, the
 * metric reader) takes its buffers here, so the request contract (one handle per hand-out, stale and
 * second completions rejected, late completions after close freeing their memory) has one
 * implementation.
 *
 * <p>Bound: {@code buffers x bufferCapacity} bytes of native memory, allocated (and zeroed by
 * Chronicle, so resident) by the constructor and freed by {@link #abandonAndRelease(boolean)};
 * nothing is allocated later.
 *
 * <p>Threads: one filling thread (a serializer, a metric reader) takes buffers with {@link
 * #take(long, BooleanSupplier)}, fills one, and lends it with {@link PooledExportRequest#lend}; any
 * thread completes a request, which frees its buffer and unparks the filling thread if it waits.
 * The counters ({@link #exported()}, {@link #dropped(DropReason)}, ...) and {@link #inUse()} may be
 * read from any thread.
 */
public final class RequestPool {

    /** The longest park of a deadline wait between checks (a completion unparks earlier). */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    final String name;
    final Signal signal;
    final CompletionCounters counters = new CompletionCounters();
    private final PooledExportRequest[] requests;
    private final AtomicLong offHeapBytesHeld = new AtomicLong();
    private volatile Thread waiter;
    /** Filling thread only. */
    private int next;
    /** Hand-outs so far: each lent request's number (filling thread writes, any thread reads). */
    private volatile long lent;

    /**
     * Allocates the buffers.
     *
     * @param name the pipeline's name, in JFR events and messages
     * @param signal the signal of every request lent from this pool
     * @param buffers how many buffers, at least 1
     * @param bufferCapacity bytes of each, at least 1 (an encoder's {@code requiredCapacity()})
     * @throws IllegalArgumentException for a count or capacity below 1
     */
    public RequestPool(String name, Signal signal, int buffers, long bufferCapacity) {
        this.name = Objects.requireNonNull(name, "name");
        this.signal = Objects.requireNonNull(signal, "signal");
        if (buffers < 1 || bufferCapacity < 1) {
            throw new IllegalArgumentException("a request pool needs at least 1 buffer of at least 1 byte, got "
                    + buffers + " x " + bufferCapacity);
        }
        this.requests = new PooledExportRequest[buffers];
        try {
            for (int i = 0; i < buffers; i++) {
                Bytes<?> buffer = Bytes.allocateDirect(bufferCapacity);
                // filled on one thread, read on exporter threads, freed on the closing thread: the
                // hand-offs are ordered by the request's state transitions, not by Chronicle's check
                buffer.singleThreadedCheckDisabled(true);
                requests[i] = new PooledExportRequest(this, buffer);
                offHeapBytesHeld.addAndGet(requests[i].capacity());
            }
        } catch (RuntimeException | Error e) {
            for (PooledExportRequest request : requests) {
                if (request != null) {
                    request.releaseIfIdle(true);
                }
            }
            throw e;
        }
    }

    /**
     * Takes a free request (filling thread only), waiting for one if all are in flight.
     *
     * @param parkNanos how long to park at most between checks (a completion unparks earlier)
     * @param giveUp checked between parks; when it returns true the wait ends
     * @return a request whose {@link PooledExportRequest#buffer()} is cleared and the caller's to
     *     fill, or null if {@code giveUp} said so
     */
    public PooledExportRequest take(long parkNanos, BooleanSupplier giveUp) {
        return take(parkNanos, giveUp, 0, false);
    }

    /**
     * Takes a free request (filling thread only), waiting until a deadline if all are in flight.
     *
     * @param deadlineNanoTime the {@link System#nanoTime()} at which to give up
     * @return a request to fill, or null at the deadline
     */
    public PooledExportRequest take(long deadlineNanoTime) {
        return take(MAX_PARK_NANOS, null, deadlineNanoTime, true);
    }

    private PooledExportRequest take(long parkNanos, BooleanSupplier giveUp, long deadline, boolean byDeadline) {
        PooledExportRequest request = tryTake();
        if (request != null) {
            return request;
        }
        waiter = Thread.currentThread();
        try {
            while ((request = tryTake()) == null) {
                long park = parkNanos;
                if (byDeadline) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    park = Math.min(left, parkNanos);
                } else if (giveUp.getAsBoolean()) {
                    return null;
                }
                LockSupport.parkNanos(this, park); // a completion unparks us earlier
            }
            return request;
        } finally {
            waiter = null;
        }
    }

    private PooledExportRequest tryTake() {
        int n = requests.length;
        for (int i = 0; i < n; i++) {
            int index = next + i < n ? next + i : next + i - n;
            if (requests[index].tryTake()) {
                next = index + 1 == n ? 0 : index + 1;
                return requests[index];
            }
        }
        return null;
    }

    /** Called after a request went back to FREE. */
    void returned() {
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t); // no allocation; a spurious unpark only makes the filling thread re-check
        }
    }

    /** @return the number the next lent request gets (filling thread only) */
    long nextNumber() {
        long number = lent + 1;
        lent = number;
        return number;
    }

    /** @return requests lent so far; the latest one's number ({@link #completedUpTo(long)}) */
    public long lentCount() {
        return lent;
    }

    /**
     * @param number a lent request's number, e.g. {@link #lentCount()} at some point
     * @return whether no request lent at or before it is still in flight
     */
    public boolean completedUpTo(long number) {
        for (PooledExportRequest request : requests) {
            int state = request.state();
            if ((state == PooledExportRequest.IN_FLIGHT || state == PooledExportRequest.COMPLETING)
                    && request.number() <= number) {
                return false;
            }
        }
        return true;
    }

    /** @return whether no request is in flight (lent and not completed) */
    public boolean idle() {
        return completedUpTo(Long.MAX_VALUE);
    }

    /** @return requests being filled or in flight */
    public int inUse() {
        int count = 0;
        for (PooledExportRequest request : requests) {
            int state = request.state();
            if (state != PooledExportRequest.FREE && state != PooledExportRequest.RELEASED) {
                count++;
            }
        }
        return count;
    }

    /** @return the number of buffers */
    public int size() {
        return requests.length;
    }

    /**
     * Close: gives up on requests still in flight (their items are counted as {@link
     * DropReason#SHUTDOWN} here; their memory is freed when the exporter completes them late) and
     * frees every other buffer.
     *
     * @param includeFilling also free a buffer taken and not lent (only once the filling thread has
     *     stopped: it may still write to it)
     * @return items of the requests given up
     */
    public long abandonAndRelease(boolean includeFilling) {
        long abandoned = 0;
        for (PooledExportRequest request : requests) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (request.state() == PooledExportRequest.COMPLETING && System.nanoTime() - until < 0) {
                Thread.onSpinWait(); // a completion is between its CAS and its FREE store: microseconds
            }
            abandoned += request.abandon();
            request.releaseIfIdle(includeFilling);
        }
        if (abandoned > 0) {
            counters.dropped(DropReason.SHUTDOWN, abandoned);
        }
        return abandoned;
    }

    void releaseMemory(PooledExportRequest request) {
        request.buffer().releaseLast();
        offHeapBytesHeld.addAndGet(-request.capacity());
    }

    /** @return off-heap bytes held now (0 once every buffer is freed) */
    public long offHeapBytesHeld() {
        return offHeapBytesHeld.get();
    }

    /** @return the signal of this pool's requests */
    public Signal signal() {
        return signal;
    }

    // ------------------------------------------------------------------ what completions counted

    /** @return items the receiver accepted (lent requests completed successfully, minus rejected items) */
    public long exported() {
        return counters.exported();
    }

    /**
     * @param reason a reason
     * @return items lent and then lost for it: {@code REJECTED} by a partial success, the exporter's
     *     failure reason, {@code SHUTDOWN} for requests given up at close
     */
    public long dropped(DropReason reason) {
        return counters.dropped(reason);
    }

    /** @return retries the exporter reported */
    public long retries() {
        return counters.retries();
    }

    /** @return requests completed as failed */
    public long requestsFailed() {
        return counters.requestsFailed();
    }

    /** @return completions rejected as stale or duplicate */
    public long rejectedCompletions() {
        return counters.rejectedCompletions();
    }

    /** @return the hand-off-to-completion time of every request, recorded at its completion */
    public LatencyHistogram exportLatency() {
        return counters.exportLatency;
    }
}
