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
     * @return the Disruptor wait strategy
     */
    static WaitStrategy create(WaitStrategyType type, long timeoutNanos) {
        switch (type) {
            case BLOCKING:
                // the "lite" variant only takes the lock when the serializer is actually asleep
                return new LiteTimeoutBlockingWaitStrategy(timeoutNanos, TimeUnit.NANOSECONDS);
            case SLEEPING:
                return new Sleeping(timeoutNanos);
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
        return available;
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
    private static final class Sleeping extends TimedWaitStrategy {
        private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(WaitStrategyType.MIN_SLEEP_MICROS);
        private static final long MAX_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(WaitStrategyType.MAX_SLEEP_MICROS);

        Sleeping(long timeoutNanos) {
            super(timeoutNanos);
        }

        @Override
        void idle(int round) {
            int doublings = Math.min(round, 10);
            LockSupport.parkNanos(Math.min(MAX_PARK_NANOS, MIN_PARK_NANOS << doublings));
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
