package io.ringtrace.engine;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.RingBuffer;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.RequestPool;
import io.ringtrace.engine.export.SpanExporter;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An engine's flush and shutdown: waiting for published spans to be exported, draining the ring at
 * close, stopping the serializer thread, shutting the exporter down and freeing the request buffers,
 * and keeping the caller's interrupt status through all of it (an interrupt never cuts a flush or a
 * close short). The engine decides which caller closes (its {@code closed} flag, read by every
 * claim); this class runs that close and lets every other caller wait for its result.
 */
final class EngineLifecycle {

    /** The pause of every wait loop here and of a blocked claim. */
    static final long WAIT_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private static final System.Logger LOG = System.getLogger(TraceEngine.class.getName());

    private final String name;
    private final RingBuffer<?> ring;
    private final int ringSize;
    private final BatchEventProcessor<?> processor;
    private final Thread serializerThread;
    private final Serializer<?> serializer;
    private final RequestPool requests;
    private final SpanExporter exporter;
    private final EngineCounters counters;
    private final StatsReader stats;
    /** What the engine shows about itself (MBean, JFR, ...), closed after the pipeline; null: nothing. */
    private EngineOperability operability;
    /** Run last by the close; null: nothing. */
    private Runnable release;

    /** Set by the closing thread when its shutdown has ended; flush and later closes wait for it. */
    private volatile boolean closeDone;
    /** The shutdown's result, written before {@link #closeDone}. */
    private volatile boolean closeClean;

    EngineLifecycle(String name, RingBuffer<?> ring, int ringSize, BatchEventProcessor<?> processor,
            Thread serializerThread, Serializer<?> serializer, RequestPool requests, SpanExporter exporter,
            EngineCounters counters, StatsReader stats) {
        this.name = name;
        this.ring = ring;
        this.ringSize = ringSize;
        this.processor = processor;
        this.serializerThread = serializerThread;
        this.serializer = serializer;
        this.requests = requests;
        this.exporter = exporter;
        this.counters = counters;
        this.stats = stats;
    }

    /**
     * @param operability closed by the close, after the pipeline (so the last drop-burst event and
     *     the MBean see the final counts); set while the engine is built, before it starts
     */
    void closeLast(EngineOperability operability) {
        this.operability = operability;
    }

    /**
     * @param release run at the very end of the close: lets go of what the engine lent to threads
     *     that may outlive it (the logger API's slot array); set while the engine is built
     */
    void releaseLast(Runnable release) {
        this.release = release;
    }

    /** @return the lifecycle of a disabled engine: closed cleanly at build, nothing to run */
    static EngineLifecycle closedAtBuild(String name) {
        EngineLifecycle lifecycle = new EngineLifecycle(name, null, 0, null, null, null, null, null, null, null);
        lifecycle.closeClean = true;
        lifecycle.closeDone = true;
        return lifecycle;
    }

    /**
     * One pause of a wait loop. {@code parkNanos} returns at once while the thread's interrupt flag
     * is set, which would turn the loop into a busy spin, so the flag is cleared here; the caller
     * sets it again before it returns. Allocation-free.
     *
     * @return whether the thread was interrupted
     */
    static boolean pauseClearingInterrupt(long nanos) {
        LockSupport.parkNanos(nanos);
        return Thread.interrupted();
    }

    /** Flushes a running engine: see {@link TraceEngine#flush}. */
    boolean flush(long deadline) {
        return flushUntil(deadline, false);
    }

    /** Waits for a close under way on another thread, but not past this caller's own deadline. */
    boolean awaitClose(long deadline) {
        boolean interrupted = false;
        try {
            while (!closeDone) { // volatile read: closeClean was written before closeDone
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                interrupted |= pauseClearingInterrupt(WAIT_PAUSE_NANOS);
            }
            return closeClean;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs the close, on the one caller that closed the engine (after it stopped accepting spans):
     * see {@link TraceEngine#close(java.time.Duration)}.
     */
    boolean close(long deadline) {
        // an interrupted caller still gets a whole close: its waits, the joins and the exporter's
        // shutdown (which waits for its in-flight requests, e.g. a gzip drain reading a buffer that is
        // freed right after) run without the flag, which is set again before returning
        boolean interrupted = Thread.interrupted();
        try {
            try {
                closeClean = shutdown(deadline);
            } finally {
                closeDone = true; // after closeClean (volatile): waiters that see it see the result
            }
            interrupted |= Thread.interrupted();
            if (operability != null) {
                operability.close(); // after the pipeline: the last drop-burst event and the MBean see final counts
            }
            if (release != null) {
                release.run();
            }
            return closeClean;
        } finally {
            if (interrupted | Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * @param closing also wait for slots claimed before now (their producers are filling them),
     *     except once the serializer has waited for one of them longer than the held-slot bound
     */
    private boolean flushUntil(long deadline, boolean closing) {
        boolean interrupted = false;
        try {
            // a flush waits for what was published before it; a slot claimed and not yet published may
            // never be (a ring-API producer that failed before publish), so only close waits for claims
            long target = closing ? ring.getCursor() : highestPublishedSequence();
            while (processor.getSequence().get() < target) {
                if (closing && heldSlotOverdue()) {
                    closing = false;
                    target = highestPublishedSequence(); // give up on the held slot, ship what is behind it
                    continue;
                }
                if (!mayWait(deadline)) {
                    return false;
                }
                interrupted |= pauseClearingInterrupt(WAIT_PAUSE_NANOS);
            }
            long ticket = serializer.requestFlush();
            while (!serializer.flushServed(ticket)) { // the serializer seals on its next batch end or tick
                if (!mayWait(deadline)) {
                    return false;
                }
                interrupted |= pauseClearingInterrupt(WAIT_PAUSE_NANOS);
            }
            long lentNumber = serializer.servedSealNumber();
            while (!requests.completedUpTo(lentNumber)) {
                if (!mayWait(deadline)) {
                    return false;
                }
                interrupted |= pauseClearingInterrupt(WAIT_PAUSE_NANOS);
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt(); // an interrupt does not cut a flush short; it is kept
            }
        }
    }

    /**
     * @return the highest sequence published so far, or the serializer's sequence if none above it
     *     is: the sequence a flush must see consumed
     */
    private long highestPublishedSequence() {
        long consumed = processor.getSequence().get();
        long cursor = ring.getCursor(); // after the serializer's sequence: within one ring of it
        long lowest = Math.max(consumed, cursor - ringSize);
        long found = consumed;
        for (long sequence = cursor; sequence > lowest; sequence--) {
            if (ring.isAvailable(sequence)) {
                found = sequence;
                break;
            }
        }
        // a slot published before the scan but reused by a later claim during it reads as not
        // available: it was consumed before it could be reused, so the serializer's sequence covers it
        return Math.max(found, processor.getSequence().get());
    }

    /** @return whether the serializer has been waiting longer than the bound for a claimed slot */
    private boolean heldSlotOverdue() {
        long since = counters.heldSlotSinceNanos();
        return since != 0 && System.nanoTime() - since >= TimedWaitStrategy.HELD_SLOT_BOUND_NANOS;
    }

    private boolean mayWait(long deadline) {
        return System.nanoTime() - deadline < 0 && !serializer.stopped();
    }

    private boolean shutdown(long deadline) {
        boolean drained = flushUntil(deadline, true);
        if (!drained) {
            serializer.abandon(); // stop waiting for buffers: what is left counts as SHUTDOWN
        }
        processor.halt(); // alerts the barrier: the serializer finishes its batch, then onShutdown
        boolean stopped = join(serializerThread, deadline);
        if (!stopped) {
            serializer.abandon();
            stopped = join(serializerThread, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
            if (!stopped) {
                LOG.log(Level.ERROR, "ringtrace[" + name + "]: serializer thread did not stop (an exporter blocking in"
                        + " export()?); its buffer is not freed");
            }
        }
        boolean interrupted = Thread.interrupted(); // interrupted during the waits above: not in the exporter's
        try {
            exporter.shutdown(deadline);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "ringtrace[" + name + "]: exporter shutdown failed", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        long abandoned = requests.abandonAndRelease(stopped); // counted SHUTDOWN by the pool
        return drained && abandoned == 0 && counters.serializerDrops(DropReason.SHUTDOWN) == 0
                && stats.ringBacklogLost() == 0;
    }

    /** Joins until the deadline (at least 100 ms); an interrupt does not cut it short and is kept. */
    private static boolean join(Thread thread, long deadline) {
        long atLeast = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long until = deadline - atLeast > 0 ? deadline : atLeast;
        boolean interrupted = false;
        try {
            long remaining;
            while (thread.isAlive() && (remaining = until - System.nanoTime()) > 0) {
                try {
                    thread.join(TimeUnit.NANOSECONDS.toMillis(remaining) + 1);
                } catch (InterruptedException e) {
                    interrupted = true; // the flag is cleared by the exception: the next join waits
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return !thread.isAlive();
    }
}
