package io.ringtrace.engine.internal.monitor;

import java.lang.management.ManagementFactory;

/**
 * Measures bytes allocated by the current thread with
 * {@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}. Shared by the
 * operability tests (monitor, jfr, jmx, leak).
 */
public final class AllocationMeter {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {}

    /** A piece of work to measure; an interface of our own so the measuring loop stays plain. */
    @FunctionalInterface
    public interface Work {
        /** Runs the work once. */
        void run();
    }

    /**
     * Runs {@code work} {@code warmups} times, then measures five rounds of {@code iterations}
     * runs each and returns the smallest. A steady-state allocation shows in every round; a one-off
     * (a class initialised or a method recompiled during one round) does not make the check flaky.
     *
     * @return bytes allocated by this thread in the least-allocating measured round
     */
    public static long bytesAllocated(int warmups, int iterations, Work work) {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("thread allocation measurement not available on this JVM");
        }
        for (int i = 0; i < warmups; i++) {
            work.run();
        }
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < iterations; i++) {
                work.run();
            }
            least = Math.min(least, THREADS.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }
}
