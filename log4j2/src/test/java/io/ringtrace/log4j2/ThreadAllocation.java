package io.ringtrace.log4j2;

import java.lang.management.ManagementFactory;

/** Bytes allocated by a thread, from {@link com.sun.management.ThreadMXBean}. */
final class ThreadAllocation {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ThreadAllocation() {}

    /** @return bytes allocated so far by the calling thread */
    static long current() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** @return bytes allocated so far by the thread with that id, or -1 if it is not alive */
    static long of(long threadId) {
        return THREADS.getThreadAllocatedBytes(threadId);
    }
}
