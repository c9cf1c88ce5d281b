package io.ringtrace.engine;

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

    /** @return bytes allocated so far by the thread, or -1 if it is not alive */
    static long of(Thread thread) {
        return THREADS.getThreadAllocatedBytes(thread.getId());
    }

    /** @return the alive thread with that name */
    static Thread named(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no thread named " + name);
    }
}
