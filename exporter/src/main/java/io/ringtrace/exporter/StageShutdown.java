package io.ringtrace.exporter;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The drain of an export stage ({@link InFlightRequests}) at shutdown, one run per stage: attempts
 * in flight and waiting requests get until the deadline; a retry that could only start after it is
 * cut at once. At the deadline, waiting requests and pending retries complete with
 * {@link DropReason#SHUTDOWN} (or go to the spool, when there is one) and attempts on the wire are
 * cancelled; whatever has not reported half a second later is completed with {@code SHUTDOWN} too.
 * Works on the stage's state under the stage's lock; allocates (shutdown only).
 *
 * @param <S> the transport's state per slot
 */
final class StageShutdown<S> {

    /** After the deadline's cancels, how long shutdown waits for the transport to report them. */
    private static final long CANCEL_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final InFlightRequests<S> stage;

    StageShutdown(InFlightRequests<S> stage) {
        this.stage = stage;
    }

    /**
     * Returns once every request handed to the stage has been completed (at most about half a second
     * after the deadline, while the transport reports the attempts cancelled at the deadline).
     *
     * @param deadlineNanoTime the {@link System#nanoTime()} by which to be done
     * @return false if the stage was shut down before
     */
    boolean run(long deadlineNanoTime) {
        List<ExportSlot<S>> cutRetries = new ArrayList<>();
        stage.lock.lock();
        try {
            if (stage.shuttingDown) {
                return false;
            }
            stage.shuttingDown = true;
            stage.shutdownDeadlineNanos = deadlineNanoTime;
            for (ExportSlot<S> slot : stage.slots) {
                // A retry that would start after the deadline can never finish in time: cut it now.
                if (slot.retryTimer != null && slot.retryAtNanos - deadlineNanoTime > 0) {
                    slot.retryTimer.cancel(false);
                    slot.retryTimer = null;
                    cutRetries.add(slot);
                }
            }
        } finally {
            stage.lock.unlock();
        }
        for (ExportSlot<S> slot : cutRetries) {
            stage.finish(slot, null, -1, DropReason.SHUTDOWN);
        }
        if (!awaitIdle(deadlineNanoTime)) {
            cutAtDeadline();
            if (!awaitIdle(System.nanoTime() + CANCEL_GRACE_NANOS)) {
                for (ExportSlot<S> slot : stage.slots) {
                    stage.finish(slot, null, -1, DropReason.SHUTDOWN); // no-op for slots already completed
                }
            }
        }
        return true;
    }

    private boolean awaitIdle(long deadlineNanoTime) {
        stage.lock.lock();
        try {
            while (stage.freeSlots.size() < stage.slots.size() || !stage.waiting.isEmpty()) {
                long left = deadlineNanoTime - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                stage.idle.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            stage.lock.unlock();
        }
    }

    /** The deadline passed: drop the waiting requests, cut retry timers, cancel attempts on the wire. */
    private void cutAtDeadline() {
        List<ExportRequest> dropped;
        List<ExportSlot<S>> timerSlots = new ArrayList<>();
        List<Transport.Cancellable> calls = new ArrayList<>();
        stage.lock.lock();
        try {
            stage.cut = true;
            dropped = new ArrayList<>(stage.waiting);
            stage.waiting.clear();
            for (ExportSlot<S> slot : stage.slots) {
                if (slot.retryTimer != null) {
                    slot.retryTimer.cancel(false);
                    slot.retryTimer = null;
                    timerSlots.add(slot);
                } else if (slot.call != null) {
                    calls.add(slot.call);
                }
            }
        } finally {
            stage.lock.unlock();
        }
        for (ExportRequest request : dropped) {
            stage.complete(request, -1, DropReason.SHUTDOWN);
        }
        for (ExportSlot<S> slot : timerSlots) {
            stage.finish(slot, null, -1, DropReason.SHUTDOWN);
        }
        for (Transport.Cancellable call : calls) {
            call.cancel(); // the transport then reports the attempt's end: SHUTDOWN, as cut is set
        }
    }
}
