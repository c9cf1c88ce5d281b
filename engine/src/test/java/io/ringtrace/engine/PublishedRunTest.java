package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The serializer's wait returns the run of published slots that starts at the awaited sequence,
 * found from the availability flags (not from the cursor, which counts claims): through the
 * barrier, what the serializer may read is exactly the published run, never a claimed slot.
 */
class PublishedRunTest {

    private static final int RING = 16;

    private final TimedWaitStrategy strategy =
            TimedWaitStrategy.create(WaitStrategyType.SLEEPING, TimeUnit.SECONDS.toNanos(1), RING);
    private final RingBuffer<Object> ring = RingBuffer.createMultiProducer(Object::new, RING, strategy);
    private final SequenceBarrier barrier = ring.newBarrier();

    PublishedRunTest() {
        strategy.watch(ring, new EngineCounters(), "published-run-test");
    }

    /** The strategy's wait for {@code sequence} (already published: it returns without waiting). */
    private long waitFor(long sequence) throws Exception {
        Sequence cursor = new Sequence(ring.getCursor());
        return strategy.waitFor(sequence, cursor, cursor, barrier);
    }

    @Test
    void returnsTheRunUpToTheFirstClaimedUnpublishedSlot() throws Exception {
        long last = ring.next(5); // claims 0..4
        for (long s = 0; s <= last; s++) {
            if (s != 3) {
                ring.publish(s);
            }
        }
        assertEquals(2, waitFor(0));
        assertEquals(2, barrier.waitFor(0));

        ring.publish(3);
        assertEquals(4, waitFor(0));
        assertEquals(4, barrier.waitFor(2), "from a later sequence: the same run's end");
    }

    @Test
    void aWholeRingPublishedIsOneRun() throws Exception {
        ring.publish(0, ring.next(RING));
        assertEquals(RING - 1, waitFor(0));
    }

    @Test
    void slotsOfTheNextLapCountOnlyOnceTheirSequenceIsPublished() throws Exception {
        ring.publish(0, ring.next(RING)); // no gating sequence: the producer may wrap
        ring.publish(RING, ring.next(2)); // 16 and 17: slots 0 and 1 in their second lap
        long claimed = ring.next(); // 18, slot 2: claimed, not published
        assertEquals(RING + 1, waitFor(RING));
        ring.publish(claimed);
        assertEquals(RING + 2, waitFor(RING));
    }
}
