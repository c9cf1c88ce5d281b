package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The SLEEPING strategy's first nap follows the backlog it wakes to (no timing involved). */
class SleepingNapTest {

    private static final long MIN = TimeUnit.MICROSECONDS.toNanos(WaitStrategyType.MIN_SLEEP_MICROS);
    private static final long MAX = TimeUnit.MICROSECONDS.toNanos(WaitStrategyType.MAX_SLEEP_MICROS);

    private static TimedWaitStrategy.Sleeping sleeping(int ringSize) {
        return (TimedWaitStrategy.Sleeping) TimedWaitStrategy.create(WaitStrategyType.SLEEPING, MAX, ringSize);
    }

    @Test
    void smallBacklogsLengthenTheNapUpToItsMaximum() {
        TimedWaitStrategy.Sleeping strategy = sleeping(1024); // small: < 64, large: > 256
        assertEquals(MIN, strategy.firstNapNanos());
        strategy.woke(63);
        assertEquals(2 * MIN, strategy.firstNapNanos());
        for (int i = 0; i < 20; i++) {
            strategy.woke(1);
        }
        assertEquals(MAX, strategy.firstNapNanos());
    }

    @Test
    void largeBacklogsShortenTheNapDownToItsMinimum() {
        TimedWaitStrategy.Sleeping strategy = sleeping(1024);
        for (int i = 0; i < 20; i++) {
            strategy.woke(1);
        }
        strategy.woke(257);
        assertEquals(MAX / 2, strategy.firstNapNanos());
        for (int i = 0; i < 20; i++) {
            strategy.woke(1024);
        }
        assertEquals(MIN, strategy.firstNapNanos());
    }

    @Test
    void aBacklogBetweenTheThresholdsKeepsTheNap() {
        TimedWaitStrategy.Sleeping strategy = sleeping(1024);
        strategy.woke(1);
        strategy.woke(64);
        strategy.woke(256);
        assertEquals(2 * MIN, strategy.firstNapNanos());
    }

    @Test
    void smallRingsNeverLengthenTheNap() {
        TimedWaitStrategy.Sleeping strategy = sleeping(8); // 8 / 16 = 0: no backlog is "small"
        strategy.woke(0);
        strategy.woke(1);
        assertEquals(MIN, strategy.firstNapNanos());
    }
}
