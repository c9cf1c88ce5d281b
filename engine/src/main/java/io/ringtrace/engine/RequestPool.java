package io.ringtrace.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The fixed pool of N off-heap request buffers, each wrapped in a reusable
 * {@link PooledExportRequest}. Bound: {@code N x bufferCapacity} bytes of native memory, allocated
 * at engine start and freed at close; nothing is allocated later.
 *
 * <p>Only the serializer thread takes buffers; any thread returns them (by completing a request),
 * then unparks the serializer in case it is waiting for one.
 */
final class RequestPool {

    final EngineCounters counters;
    final String engineName;
    private final PooledExportRequest[] requests;
    private final AtomicLong offHeapBytesHeld = new AtomicLong();
    private volatile Thread waiter;
    private int next;

    RequestPool(int buffers, long bufferCapacity, EngineCounters counters, String engineName) {
        this.counters = counters;
        this.engineName = engineName;
        this.requests = new PooledExportRequest[buffers];
        try {
            for (int i = 0; i < buffers; i++) {
                Bytes<?> buffer = Bytes.allocateDirect(bufferCapacity);
                // filled on the serializer thread, read on exporter threads, freed on the closing thread:
                // the hand-offs are ordered by the request's state transitions, not by Chronicle's check
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
     * Takes a free request (serializer thread only), waiting for one if all are in flight.
     *
     * @param tickNanos how long to park at most between checks
     * @param giveUp checked between parks; when it returns true the wait ends
     * @return a request in state FILLING, or null if {@code giveUp} said so
     */
    PooledExportRequest take(long tickNanos, BooleanSupplier giveUp) {
        PooledExportRequest request = tryTake();
        if (request != null) {
            return request;
        }
        waiter = Thread.currentThread();
        try {
            while ((request = tryTake()) == null) {
                if (giveUp.getAsBoolean()) {
                    return null;
                }
                LockSupport.parkNanos(this, tickNanos); // a completion unparks us earlier
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
            LockSupport.unpark(t); // no allocation; a spurious unpark only makes the serializer re-check
        }
    }

    /**
     * @param sealNumber a seal number
     * @return whether no request sealed at or before it is still in flight
     */
    boolean completedUpTo(long sealNumber) {
        for (PooledExportRequest request : requests) {
            int state = request.state();
            if ((state == PooledExportRequest.IN_FLIGHT || state == PooledExportRequest.COMPLETING)
                    && request.sealNumber() <= sealNumber) {
                return false;
            }
        }
        return true;
    }

    /** @return requests being filled or in flight */
    int inUse() {
        int count = 0;
        for (PooledExportRequest request : requests) {
            int state = request.state();
            if (state != PooledExportRequest.FREE && state != PooledExportRequest.RELEASED) {
                count++;
            }
        }
        return count;
    }

    int size() {
        return requests.length;
    }

    /**
     * Close: abandons requests still in flight (their spans are returned for counting as SHUTDOWN;
     * their memory is freed when the exporter completes them late) and frees every other buffer
     * (the one being filled only if the serializer thread has stopped: it may still write to it).
     *
     * @return spans of abandoned requests
     */
    long abandonAndRelease(boolean serializerStopped) {
        long abandoned = 0;
        for (PooledExportRequest request : requests) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (request.state() == PooledExportRequest.COMPLETING && System.nanoTime() - until < 0) {
                Thread.onSpinWait(); // a completion is between its CAS and its FREE store: microseconds
            }
            abandoned += request.abandon();
            request.releaseIfIdle(serializerStopped);
        }
        return abandoned;
    }

    void releaseMemory(PooledExportRequest request) {
        request.buffer().releaseLast();
        offHeapBytesHeld.addAndGet(-request.capacity());
    }

    long offHeapBytesHeld() {
        return offHeapBytesHeld.get();
    }
}
