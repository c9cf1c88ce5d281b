package io.ringtrace.exporter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The threads an exporter started, recorded as its thread factories make them, so that shutdown can
 * join exactly those (a transport's threads are created once and never per connection or request,
 * so the list stays as short as the exporter's thread count).
 */
final class OwnedThreads {

    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param factory makes the threads
     * @return a factory that makes threads with {@code factory} and records each
     */
    ThreadFactory recording(ThreadFactory factory) {
        return task -> {
            Thread thread = factory.newThread(task);
            synchronized (threads) {
                threads.add(thread);
            }
            return thread;
        };
    }

    /**
     * Waits for every recorded thread but the calling one to end, until the deadline.
     *
     * @param deadlineNanoTime the {@link System#nanoTime()} to wait until at the most
     * @throws InterruptedException if the calling thread is interrupted
     */
    void join(long deadlineNanoTime) throws InterruptedException {
        List<Thread> recorded;
        synchronized (threads) {
            recorded = new ArrayList<>(threads);
        }
        for (Thread thread : recorded) {
            long left = deadlineNanoTime - System.nanoTime();
            if (left > 0 && thread != Thread.currentThread()) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }
}
