package io.ringtrace.engine;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.LiteTimeoutBlockingWaitStrategy;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The serializer's non-blocking wait strategies ({@link WaitStrategyType#SLEEPING},
 * {@link WaitStrategyType#YIELDING}, {@link WaitStrategyType#BUSY_SPIN}), each with a timeout: when
 * no span has arrived for {@code timeoutNanos} it throws Disruptor's pre-allocated
 * {@link TimeoutException}, and the serializer's {@code onTimeout} seals a lingering batch or serves a
 * flush. None of them needs a signal from the producers, so {@link #signalAllWhenBlocking()} is empty.
 */
abstract class TimedWaitStrategy implements WaitStrategy {

    private static final int SPIN_TRIES = 100;
    /** Where an idle serializer's wait starts: past spinning, at the longest park. */
    private static final int IDLE_START = SPIN_TRIES + 64;

    private final long timeoutNanos;
    /**
     * Whether the previous wait ended in a timeout (nothing arrived for a whole tick): then the next
     * wait skips the spin phase and parks at once. Only the serializer thread calls
     * {@link #waitFor}, so a plain field is safe.
     */
    private boolean idle;

    private TimedWaitStrategy(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * @param type the configured type
     * @param timeoutNanos the longest wait before the serializer gets a timeout callback
     * @param ringSize the ring's slots (the sleeping strategy sizes its naps by it)
     * @return the Disruptor wait strategy
     */
    static WaitStrategy create(WaitStrategyType type, long timeoutNanos, int ringSize) {
        switch (type) {
            case BLOCKING:
                // the "lite" variant only takes the lock when the serializer is actually asleep
                return new LiteTimeoutBlockingWaitStrategy(timeoutNanos, TimeUnit.NANOSECONDS);
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

    @Override
    public final long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException, TimeoutException {
        long available;
        long deadline = 0;
        int attempt = idle ? IDLE_START : 0;
        // dependentSequence is the ring cursor here (the serializer is the only consumer); its
        // volatile read is what makes the producers' writes to the slots visible to us
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert(); // halt() during close
            if (attempt >= SPIN_TRIES) {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + timeoutNanos;
                } else if (now - deadline >= 0) {
                    idle = true;
                    throw TimeoutException.INSTANCE; // a shared, stackless instance: no allocation
                }
                idle(attempt - SPIN_TRIES);
            } else {
                Thread.onSpinWait();
            }
            attempt++;
        }
        idle = false;
        if (attempt > SPIN_TRIES) {
            woke(available - sequence + 1); // it slept: tell it how much had piled up meanwhile
        }
        return available;
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
     */
    abstract void idle(int round);

    @Override
    public final void signalAllWhenBlocking() {
        // nothing to do: the serializer never blocks on a condition, producers never signal
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
        void idle(int round) {
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
        void idle(int round) {
            Thread.yield();
        }
    }

    /** Spins forever. */
    private static final class BusySpin extends TimedWaitStrategy {
        BusySpin(long timeoutNanos) {
            super(timeoutNanos);
        }

        @Override
        void idle(int round) {
            Thread.onSpinWait();
        }
    }
}
