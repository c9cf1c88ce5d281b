package io.ringtrace.engine.internal.monitor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Detects upward crossings of a usage ratio over a warning threshold: each time the ratio goes from
 * below the threshold to at or above it, {@link #update(long, long)} returns {@code true} exactly
 * once and {@link #crossings()} grows by one. Staying above raises nothing more; falling below
 * re-arms it.
 *
 * <p>Thread-safe: several threads may call {@link #update(long, long)}; a compare-and-set on the
 * armed state makes sure one transition is reported once.
 */
public final class ThresholdCrossing {

    private final double threshold;
    private final AtomicBoolean above = new AtomicBoolean();
    private final AtomicLong crossings = new AtomicLong();

    /**
     * @param threshold the warning ratio in {@code (0, 1]}, e.g. 0.8 for 80%
     * @throws IllegalArgumentException if the ratio is out of range
     */
    public ThresholdCrossing(double threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
        }
        this.threshold = threshold;
    }

    /**
     * Feeds a reading.
     *
     * @param used the amount in use
     * @param limit the limit it is measured against; a reading with {@code limit <= 0} (no limit
     *     known) is ignored
     * @return {@code true} if this reading crossed the threshold upward
     */
    public boolean update(long used, long limit) {
        if (limit <= 0) {
            return false;
        }
        boolean nowAbove = used >= threshold * limit;
        if (nowAbove) {
            // Only the caller that flips false -> true reports the crossing.
            if (above.compareAndSet(false, true)) {
                crossings.incrementAndGet();
                return true;
            }
            return false;
        }
        above.set(false); // re-arm: the next upward crossing is reported again
        return false;
    }

    /** @return the warning ratio in {@code (0, 1]} */
    public double threshold() {
        return threshold;
    }

    /** @return whether the last reading was at or above the threshold */
    public boolean isAbove() {
        return above.get();
    }

    /** @return how many upward crossings were seen */
    public long crossings() {
        return crossings.get();
    }
}
