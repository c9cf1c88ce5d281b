package io.ringtrace.engine.monitor;

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
     * Runs {@code work} {@code warmups} times, then {@code iterations} times while measuring.
     *
     * @return bytes allocated by this thread during the measured iterations
     */
    public static long bytesAllocated(int warmups, int iterations, Work work) {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("thread allocation measurement not available on this JVM");
        }
        for (int i = 0; i < warmups; i++) {
            work.run();
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < iterations; i++) {
            work.run();
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
