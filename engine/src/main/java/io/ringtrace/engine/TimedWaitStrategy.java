package io.ringtrace.engine;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import io.ringtrace.engine.internal.monitor.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The serializer's wait strategies, each with a timeout: when the next span has not been published
 * for {@code timeoutNanos} it throws Disruptor's pre-allocated {@link TimeoutException}, and the
 * serializer's {@code onTimeout} seals a lingering batch or serves a flush.
 *
 * <p>They wait for the next sequence to be <em>published</em>, not for the ring's cursor to pass it:
 * with the multi-producer sequencer the cursor moves at claim, so a claimed slot whose producer has
 * not published it yet (preempted, or one that never publishes) puts the cursor ahead of what can be
 * read. A strategy that only watched the cursor would return at once, the processor would find
 * nothing to read and call it again: a busy loop that never times out, so linger and flush would
 * stop too. Here such a slot is waited for like an empty ring (parked, with timeouts), and one held
 * longer than {@link #HELD_SLOT_BOUND_NANOS} is reported: counted
 * ({@code EngineStats.slotsHeldTooLong()}), shown while it lasts ({@code EngineStats.heldSlotMillis()})
 * and logged (at most once a minute).
 *
 * <p>{@link WaitStrategyType#SLEEPING}, {@link WaitStrategyType#YIELDING} and
 * {@link WaitStrategyType#BUSY_SPIN} need no signal from the producers;
 * {@link WaitStrategyType#BLOCKING} sleeps on a lock that a publish signals.
 */
abstract class TimedWaitStrategy implements WaitStrategy {

    /** A ring slot claimed and not published for longer than this is reported. */
    static final long HELD_SLOT_BOUND_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final System.Logger LOG = System.getLogger(TimedWaitStrategy.class.getName());
    private static final int SPIN_TRIES = 100;
    /** Where an idle serializer's wait starts: past spinning, at the longest park. */
    private static final int IDLE_START = SPIN_TRIES + 64;

    private final long timeoutNanos;
    /**
     * Whether the previous wait ended in a timeout (nothing arrived for a whole tick): then the next
     * wait skips the spin phase and parks at once. Only the serializer thread calls
     * {@link #waitFor}, so a plain field is safe, as are the other non-final fields below.
     */
    private boolean idle;
    // set by watch() before the serializer thread starts: Thread.start() publishes them to it
    private RingBuffer<?> ring;
    private EngineCounters counters;
    private String engineName;
    private RateLimitedLog heldSlotLog;
    /** The claimed, unpublished sequence the serializer waits for, or -1. */
    private long heldSequence = -1;
    private long heldSinceNanos;
    private boolean heldReported;

    private TimedWaitStrategy(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * @param type the configured type
     * @param timeoutNanos the longest wait before the serializer gets a timeout callback
     * @param ringSize the ring's slots (the sleeping strategy sizes its naps by it)
     * @return the wait strategy; call {@link #watch} once the ring exists
     */
    static TimedWaitStrategy create(WaitStrategyType type, long timeoutNanos, int ringSize) {
        switch (type) {
            case BLOCKING:
                return new Blocking(timeoutNanos);
            case SLEEPING:
                return new Sleeping(timeoutNanos, ringSize);
            case YIELDING:
                return new Yielding(timeoutNanos);
            case BUSY_SPIN:
                return new BusySpin(timeoutNanos);
            default:
                throw new IllegalArgumentException("unknown wait strategy " + type);
        }
    }

    /**
     * Connects the strategy to the ring it waits on (whose sequencer knows which slots are
     * published) and to where it reports held slots. Before the serializer thread starts.
     */
    void watch(RingBuffer<?> ring, EngineCounters counters, String engineName) {
        this.ring = ring;
        this.counters = counters;
        this.engineName = engineName;
        this.heldSlotLog = new RateLimitedLog(LOG, TimeUnit.MINUTES.toNanos(1));
    }

    @Override
    public final long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException, TimeoutException {
        long deadline = 0;
        int attempt = idle ? idleStart() : firstAttempt();
        // the slot's availability flag, not the cursor: the cursor moves at claim, the flag at publish.
        // Its acquire read pairs with the producer's release store in publish(), so the slot's
        // contents (and, read after it, the cursor's claim) are visible to us once it is set
        while (!ring.isAvailable(sequence)) {
            barrier.checkAlert(); // halt() during close
            if (attempt >= SPIN_TRIES) {
                long now = System.nanoTime();
                if (cursor.get() >= sequence) {
                    heldSlot(sequence, now); // claimed, not published yet
                }
                if (deadline == 0) {
                    deadline = now + timeoutNanos;
                } else if (now - deadline >= 0) {
                    idle = true;
                    throw TimeoutException.INSTANCE; // a shared, stackless instance: no allocation
                }
                idle(attempt - SPIN_TRIES, sequence, deadline - now);
            } else {
                Thread.onSpinWait();
            }
            attempt++;
        }
        if (heldSequence >= 0) {
            heldSequence = -1;
            counters.heldSlotSince(0);
        }
        if (idle) {
            // only on a change: every publish reads this object's header (its signalAllWhenBlocking
            // call), and a store at every wait would take that cache line from the producers
            idle = false;
        }
        long available = highestPublished(sequence);
        if (attempt > SPIN_TRIES) {
            woke(available - sequence + 1); // it slept: tell it how much had piled up meanwhile
        }
        return available;
    }

    /**
     * @param sequence a published sequence
     * @return the last of the published run that starts there, at most a ring's worth, found from
     *     the slots' availability flags. Not from the cursor: a read of it here would take its cache
     *     line from the producers, whose next claim (a CAS on it) would then wait to take it back
     */
    private long highestPublished(long sequence) {
        long last = sequence + ring.getBufferSize() - 1;
        long available = sequence;
        while (available < last && ring.isAvailable(available + 1)) {
            available++;
        }
        return available;
    }

    /** Notes a wait on a claimed, unpublished slot; reports it once past the bound. */
    private void heldSlot(long sequence, long now) {
        if (heldSequence != sequence) {
            heldSequence = sequence;
            heldSinceNanos = now;
            heldReported = false;
            counters.heldSlotSince(now);
        } else if (!heldReported && now - heldSinceNanos >= HELD_SLOT_BOUND_NANOS) {
            heldReported = true;
            counters.slotHeldTooLong();
            heldSlotLog.log(Level.WARNING, "ringtrace[" + engineName + "]: ring slot " + sequence
                    + " has been claimed and not published for over " + TimeUnit.NANOSECONDS.toMillis(HELD_SLOT_BOUND_NANOS)
                    + " ms: every span behind it waits (the ring API needs publish(seq) for every claimed"
                    + " sequence, in a finally block); counted in EngineStats.slotsHeldTooLong()");
        }
    }

    /** @return where a wait starts when the previous one timed out */
    int idleStart() {
        return IDLE_START;
    }

    /** @return where a wait starts otherwise (0: spin first) */
    int firstAttempt() {
        return 0;
    }

    /**
     * Called when a wait that slept at least once found spans.
     *
     * @param backlog spans available at waking
     */
    void woke(long backlog) {
    }

    /**
     * Waits a little, after the spin phase.
     *
     * @param round how many idle rounds came before in this wait
     * @param sequence the sequence waited for
     * @param nanosLeft time left until this wait times out (&gt; 0)
     */
    abstract void idle(int round, long sequence, long nanosLeft);

    /** @return whether {@code sequence} has been published */
    final boolean published(long sequence) {
        return ring.isAvailable(sequence);
    }

    @Override
    public void signalAllWhenBlocking() {
        // nothing to do: the non-blocking strategies never sleep on a condition
    }

    /**
     * Sleeps on a lock until a publish signals it or the wait times out, like Disruptor's
     * {@code LiteTimeoutBlockingWaitStrategy} (the lock is taken only when the serializer actually
     * sleeps), but waiting for the next sequence to be published rather than claimed.
     */
    static final class Blocking extends TimedWaitStrategy {
        private final Object mutex = new Object();
        private final AtomicBoolean signalNeeded = new AtomicBoolean();

        Blocking(long timeoutNanos) {
            super(timeoutNanos);
        }

        @Override
        int firstAttempt() {
            return SPIN_TRIES; // no spin phase: sleep at once
        }

        @Override
        int idleStart() {
            return SPIN_TRIES;
        }

        @Override
        void idle(int round, long sequence, long nanosLeft) {
            synchronized (mutex) {
                // the flag is raised (a full fence) before the check: a publish after the check sees it
                // and takes the mutex to notify, which it can only do once we wait; a publish before the
                // check is seen by it (its release store precedes its own getAndSet of the flag)
                signalNeeded.getAndSet(true);
                if (!published(sequence)) {
                    try {
                        mutex.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanosLeft)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // nobody interrupts the serializer; keep it if one does
                    }
                }
            }
        }

        @Override
        public void signalAllWhenBlocking() {
            // called by every publish and by halt(); the lock only when the serializer asked for it
            if (signalNeeded.getAndSet(false)) {
                synchronized (mutex) {
                    mutex.notifyAll();
                }
            }
        }
    }

    /**
     * Parks with exponential backoff from {@link WaitStrategyType#MIN_SLEEP_MICROS} up to
     * {@link WaitStrategyType#MAX_SLEEP_MICROS}, without a yield phase. The serializer has no latency
     * to protect (a batch lingers for seconds anyway), so it sleeps instead of yielding: on a 2-core
     * host a yielding serializer took a whole core at 100k spans/s while a parked one wakes to find
     * a run of spans and encodes them in one pass (see {@link WaitStrategyType}).
     */
    static final class Sleeping extends TimedWaitStrategy {
        private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(WaitStrategyType.MIN_SLEEP_MICROS);
        private static final long MAX_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(WaitStrategyType.MAX_SLEEP_MICROS);

        /** A wake-up that finds fewer spans than this slept too briefly: the next first nap doubles. */
        private final long smallBacklog;
        /** A wake-up that finds more spans than this slept too long: the next first nap halves. */
        private final long largeBacklog;
        /**
         * The first nap of the next wait: adapts to the rate so that the serializer wakes to a run
         * of about 1/16 to 1/4 of the ring, never less than {@code MIN_PARK_NANOS}. Each wake-up costs
         * a timed park and a context switch (several microseconds on a VM), so at a steady rate it
         * pays to sleep as long as the ring safely allows. Serializer thread only.
         */
        private long firstNapNanos = MIN_PARK_NANOS;

        Sleeping(long timeoutNanos, int ringSize) {
            super(timeoutNanos);
            this.smallBacklog = ringSize / 16;
            this.largeBacklog = ringSize / 4;
        }

        @Override
        void idle(int round, long sequence, long nanosLeft) {
            int doublings = Math.min(round, 10);
            LockSupport.parkNanos(Math.min(MAX_PARK_NANOS, firstNapNanos << doublings));
        }

        /** @return the first nap of the next wait, in nanoseconds (for tests) */
        long firstNapNanos() {
            return firstNapNanos;
        }

        @Override
        void woke(long backlog) {
            if (backlog < smallBacklog) {
                firstNapNanos = Math.min(MAX_PARK_NANOS, firstNapNanos * 2);
            } else if (backlog > largeBacklog) {
                firstNapNanos = Math.max(MIN_PARK_NANOS, firstNapNanos / 2);
            }
        }
    }

    /** Yields forever. */
    private static final class Yielding extends TimedWaitStrategy {
        Yielding(long timeoutNanos) {
            super(timeoutNanos);
        }

        @Override
        void idle(int round, long sequence, long nanosLeft) {
            Thread.yield();
        }
    }

    /** Spins forever. */
    private static final class BusySpin extends TimedWaitStrategy {
        BusySpin(long timeoutNanos) {
            super(timeoutNanos);
        }

        @Override
        void idle(int round, long sequence, long nanosLeft) {
            Thread.onSpinWait();
        }
    }
}
