package io.ringtrace.engine.internal.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThresholdCrossingTest {

    @Test
    void reportsEachUpwardCrossingOnce() {
        ThresholdCrossing c = new ThresholdCrossing(0.5);
        assertFalse(c.update(10, 0), "no limit known: ignored");
        assertFalse(c.update(49, 100));
        assertTrue(c.update(50, 100));
        assertTrue(c.isAbove());
        assertFalse(c.update(100, 100));
        assertFalse(c.update(10, 100));
        assertFalse(c.isAbove());
        assertTrue(c.update(70, 100));
        assertEquals(2, c.crossings());
    }

    @Test
    void concurrentReadersOfOneCrossingReportItOnce() throws InterruptedException {
        ThresholdCrossing c = new ThresholdCrossing(0.8);
        AtomicInteger reported = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 10_000; i++) {
                    if (c.update(90, 100)) {
                        reported.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertEquals(1, reported.get());
        assertEquals(1, c.crossings());
    }
}
