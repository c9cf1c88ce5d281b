package io.ringtrace.codec;

import java.lang.management.ManagementFactory;

/**
 * Measures bytes allocated by the current thread ({@code com.sun.management.ThreadMXBean
 * #getCurrentThreadAllocatedBytes}) around a workload after warm-up, for zero-allocation tests.
 */
final class AllocationMeter {

    /** A workload run {@code n} times per call; implementations must not allocate in the harness itself. */
    interface Workload {
        void run(int n) throws Exception;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {}

    /**
     * Warms {@code workload} up, then measures up to {@code rounds} rounds of {@code iterations}
     * and returns the smallest allocation seen (0 means some steady-state round allocated nothing;
     * later rounds give the JIT time to settle after warm-up).
     */
    static long minAllocatedBytes(Workload workload, int warmupIterations, int iterations, int rounds) throws Exception {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("thread allocation accounting unavailable on this JVM");
        }
        workload.run(warmupIterations);
        long min = Long.MAX_VALUE;
        for (int r = 0; r < rounds && min != 0; r++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            workload.run(iterations);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            min = Math.min(min, allocated);
        }
        return min;
    }

    /** Asserts that the workload allocates 0 bytes in steady state; the message names the bytes per iteration. */
    static void assertAllocationFree(String what, Workload workload, int warmupIterations, int iterations) throws Exception {
        long bytes = minAllocatedBytes(workload, warmupIterations, iterations, 5);
        if (bytes != 0) {
            throw new AssertionError(what + " allocated " + bytes + " bytes over " + iterations + " iterations ("
                    + (double) bytes / iterations + " B/iteration)");
        }
    }
}
