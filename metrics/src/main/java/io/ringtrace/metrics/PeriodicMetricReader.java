package io.ringtrace.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The provider's one collecting thread ({@code ringtrace-metrics-reader}, a daemon): collects and
 * exports every interval, and at once when {@link #collectNow(long)} asks. Stopped and joined by
 * {@link #stop()}; a collection that throws is logged and the thread goes on.
 */
final class PeriodicMetricReader implements Runnable {

    static final System.Logger LOG = System.getLogger(PeriodicMetricReader.class.getName());

    private final MeterProvider provider;
    private final long intervalNanos;
    private final Thread thread;
    /** Guards the fields below; the reader waits on it between collections. */
    private final Object lock = new Object();
    private long requested;
    private long completed;
    private boolean stopping;
    private boolean stopped;

    PeriodicMetricReader(MeterProvider provider, Duration interval) {
        this.provider = provider;
        this.intervalNanos = interval.toNanos();
        this.thread = new Thread(this, "ringtrace-metrics-reader");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        long next = System.nanoTime() + intervalNanos;
        while (true) {
            long target;
            synchronized (lock) {
                while (!stopping && requested == completed && next - System.nanoTime() > 0) {
                    if (!waitNanos(next - System.nanoTime())) {
                        stopping = true; // the reader thread was interrupted: it ends, close() still collects
                    }
                }
                if (stopping) {
                    return;
                }
                target = requested;
            }
            try {
                provider.collectAndExport();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "ringtrace metrics: collection failed", e);
            }
            next = System.nanoTime() + intervalNanos;
            synchronized (lock) {
                completed = Math.max(completed, target);
                lock.notifyAll();
            }
        }
    }

    /** @return false if the waiting thread was interrupted (its interrupt status is kept) */
    private boolean waitNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.timedWait(lock, Math.max(1, nanos));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Asks for a collection now and waits for it.
     *
     * @param deadlineNanoTime until when to wait
     * @return whether a collection that started after this call completed in time
     */
    boolean collectNow(long deadlineNanoTime) {
        synchronized (lock) {
            if (stopping) {
                return false;
            }
            long mine = ++requested;
            lock.notifyAll();
            while (completed < mine) {
                long left = deadlineNanoTime - System.nanoTime();
                if (left <= 0 || stopping || !waitNanos(left)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Stops and joins the thread. @return false if it was stopped before */
    boolean stop() {
        synchronized (lock) {
            if (stopped) {
                return false;
            }
            stopped = true;
            stopping = true;
            lock.notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
