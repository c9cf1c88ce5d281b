package io.ringtrace.exporter;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The transport-agnostic half of an export stage, shared by OTLP/gRPC and OTLP/HTTP and by every
 * signal: at most {@code maxInFlight} requests in flight, a FIFO waiting list, the retry schedule of
 * a {@link RetryPolicy}, completion of every request exactly once, and the drain at shutdown. A
 * {@link Transport} sends single attempts and says how each ended.
 *
 * <h2>Flow of one request</h2>
 * {@link #export(ExportRequest)} (serializer thread) takes a free slot, or, if all are busy, appends
 * the request to the waiting list and returns at once. A slot sends one attempt at a time. A
 * delivered attempt completes the request with {@link ExportRequest#succeeded(long)} (the
 * {@code partial_success} rejected count, never retried); a retryable failure schedules another
 * attempt on the same slot after the policy's backoff (or the receiver's throttling delay), the
 * buffer staying in flight meanwhile, within the policy's attempts and time budget; anything else
 * completes it with {@link DropReason#EXPORT_FAILED}. A freed slot takes the next waiting request.
 *
 * <h2>Bounds</h2>
 * At most {@code maxInFlight} requests in flight. The waiting list never blocks the serializer; it
 * holds at most the requests the engine has lent and not got back (each owns one of the engine's
 * fixed request buffers), so when every buffer is lent the serializer waits and backpressure reaches
 * the ring, never the heap. Retry timers run on the transport's scheduler; at most one per slot.
 *
 * <h2>Shutdown and spool</h2>
 * {@link #shutdown(long)} drains until a deadline ({@link StageShutdown}). With a {@link Spool},
 * requests that cannot be delivered in time go to disk instead of being dropped.
 *
 * @param <S> the transport's state per slot
 */
final class InFlightRequests<S> {

    /** As the {@code rejected} count of a completion: the request goes to the spool, its reason the fallback. */
    private static final long TO_SPOOL = Long.MIN_VALUE;


    private final Transport<S> transport;
    private final RetryPolicy retryPolicy;
    /** Retry timers, and first attempts when they must not run on the serializer. */
    private final ScheduledExecutorService scheduler;
    private final boolean firstAttemptOnScheduler;
    private final ExportLog log;
    final List<ExportSlot<S>> slots;

    // Package-private for StageShutdown, the drain at shutdown, which works under the same lock.
    /** Guards the slots' state, the waiting list and the shutdown flags. Never held while calling out. */
    final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the last busy slot becomes free with nothing waiting. */
    final Condition idle = lock.newCondition();
    final List<ExportSlot<S>> freeSlots;
    final ArrayDeque<ExportRequest> waiting = new ArrayDeque<>(16);
    /** The on-disk spool, or null (off). */
    private final Spool spool;
    /** Requests {@link #spoolIfStuck} moves out of the waiting list; reused. */
    private final ArrayDeque<ExportRequest> stuck = new ArrayDeque<>(4);
    boolean shuttingDown;
    long shutdownDeadlineNanos;
    /** The shutdown deadline has passed: nothing new starts, whatever completes is SHUTDOWN. */
    boolean cut;

    /**
     * @param transport sends the attempts
     * @param maxInFlight the most requests in flight, &gt;= 1
     * @param retryPolicy when and how often to retry
     * @param scheduler runs retry timers; shut down by the transport's owner after {@link #shutdown}
     * @param firstAttemptOnScheduler whether {@link #export} hands the first attempt to the scheduler
     *     instead of starting it on the calling thread (when sending does work, like compression, that
     *     must not run on the serializer)
     * @param log where drops, rejections and unreadable replies are reported (rate-limited)
     */
    InFlightRequests(Transport<S> transport, int maxInFlight, RetryPolicy retryPolicy,
                     ScheduledExecutorService scheduler, boolean firstAttemptOnScheduler, System.Logger log) {
        this(transport, maxInFlight, retryPolicy, scheduler, firstAttemptOnScheduler, log, null);
    }

    /**
     * As above, with an on-disk spool (null: none), which this stage starts.
     *
     * @param spool where undeliverable requests go, or null
     */
    InFlightRequests(Transport<S> transport, int maxInFlight, RetryPolicy retryPolicy,
                     ScheduledExecutorService scheduler, boolean firstAttemptOnScheduler, System.Logger log,
                     Spool spool) {
        this.spool = spool;
        this.transport = transport;
        this.retryPolicy = retryPolicy;
        this.scheduler = scheduler;
        this.firstAttemptOnScheduler = firstAttemptOnScheduler;
        this.log = new ExportLog(log);
        this.slots = new ArrayList<>(maxInFlight);
        this.freeSlots = new ArrayList<>(maxInFlight);
        for (int i = 0; i < maxInFlight; i++) {
            ExportSlot<S> slot = new ExportSlot<>(this, transport.newSlotState());
            slots.add(slot);
            freeSlots.add(slot);
        }
        if (spool != null) {
            spool.start(this);
        }
    }

    /** @return the spool, or null */
    Spool spool() {
        return spool;
    }

    /** @return the most requests in flight */
    int maxInFlight() {
        return slots.size();
    }

    // ------------------------------------------------------------------ the export path

    /**
     * Starts shipping {@code request} (during an outage: hands it to the spool), as
     * {@link TransportExporter#export} describes: never blocks, throws only before taking it.
     *
     * @param request the sealed request
     * @throws NullPointerException if {@code request} or its payload is null (request not taken)
     */
    void export(ExportRequest request) {
        if (request == null) {
            throw new NullPointerException("request");
        }
        // Everything about the request that can throw is read before it is taken.
        Bytes<?> payload = request.payload();
        if (payload == null) {
            throw new NullPointerException("request.payload()");
        }
        long payloadStart = payload.readPosition();
        long payloadEnd = payload.readLimit();
        if (spool != null && spool.outage() && !(request instanceof SpooledRequest) && spool.accepts(request)) {
            spool.offer(request, DropReason.EXPORT_FAILED, true); // the receiver is away: no attempt
            return;
        }
        ExportSlot<S> slot = null;
        boolean refused = false;
        lock.lock();
        try {
            if (shuttingDown) {
                refused = true;
            } else if (!freeSlots.isEmpty()) {
                slot = freeSlots.remove(freeSlots.size() - 1);
                slot.assign(request, payload, payloadStart, payloadEnd); // field stores only: cannot throw
            } else {
                waiting.addLast(request);
            }
        } finally {
            lock.unlock();
        }
        if (refused) {
            complete(request, -1, DropReason.SHUTDOWN);
        } else if (slot != null) {
            // a replay comes from the spool's thread, which does file work only: it starts elsewhere
            if (firstAttemptOnScheduler || request instanceof SpooledRequest) {
                startOnScheduler(slot);
            } else {
                startAttempt(slot, request);
            }
        }
    }

    private void startOnScheduler(ExportSlot<S> slot) {
        try {
            scheduler.execute(slot.starter);
        } catch (RejectedExecutionException e) {
            finish(slot, null, -1, DropReason.SHUTDOWN);
        }
    }

    /** @return the request the slot carries now, or null */
    ExportRequest currentRequest(ExportSlot<S> slot) {
        lock.lock();
        try {
            return slot.request;
        } finally {
            lock.unlock();
        }
    }

    /** Starts one attempt of {@code request}, which the slot carries, unless shutdown completed it meanwhile. */
    void startAttempt(ExportSlot<S> slot, ExportRequest request) {
        if (request == null) {
            return; // completed by a shutdown that reached its deadline before this start ran
        }
        long attemptId;
        lock.lock();
        try {
            if (slot.request != request) {
                return; // completed by a shutdown that reached its deadline meanwhile
            }
            if (cut) {
                attemptId = -1; // the deadline passed between this attempt's scheduling and now
            } else {
                if (slot.attempts == 0) {
                    slot.firstAttemptNanos = System.nanoTime();
                }
                slot.attempts++;
                attemptId = ++slot.attemptId;
                transport.arm(slot.state(), slot, attemptId);
            }
        } finally {
            lock.unlock();
        }
        if (attemptId < 0) {
            finish(slot, request, -1, DropReason.SHUTDOWN);
        } else {
            transport.send(slot, attemptId, request);
        }
    }

    void track(ExportSlot<S> slot, long attemptId, Transport.Cancellable call) {
        boolean cancelNow;
        lock.lock();
        try {
            if (slot.attemptId != attemptId || slot.request == null) {
                return; // the attempt has already ended
            }
            slot.call = call;
            // The deadline's cut ran before this attempt was tracked and could not cancel it: do it here.
            cancelNow = cut;
        } finally {
            lock.unlock();
        }
        if (cancelNow) {
            call.cancel();
        }
    }

    /** @return the slot's request if {@code attemptId} is its current attempt (which has now ended), else null */
    private ExportRequest ended(ExportSlot<S> slot, long attemptId) {
        lock.lock();
        try {
            return endedUnderLock(slot, attemptId);
        } finally {
            lock.unlock();
        }
    }

    private ExportRequest endedUnderLock(ExportSlot<S> slot, long attemptId) {
        if (slot.attemptId != attemptId || slot.request == null) {
            return null; // stale: the request was completed by shutdown
        }
        slot.call = null;
        return slot.request;
    }

    void delivered(ExportSlot<S> slot, long attemptId, ExportResponse response, boolean unread, String answer) {
        ExportRequest request = ended(slot, attemptId);
        if (request != null) {
            if (spool != null) {
                spool.receiverUp();
            }
            log.delivered(request, transport.destination(request.signal()), answer, response, unread);
            finish(slot, request, response.rejectedSpans, null);
        }
    }

    void cancelled(ExportSlot<S> slot, long attemptId) {
        ExportRequest request = ended(slot, attemptId);
        if (request != null) {
            finish(slot, request, -1, DropReason.SHUTDOWN);
        }
    }

    void failed(ExportSlot<S> slot, long attemptId, boolean retryable, long serverDelayNanos,
                Transport.FailureDescription description) {
        DropReason failure;
        String decision = null;
        boolean toSpool = false;
        ExportRequest request;
        lock.lock();
        try {
            request = endedUnderLock(slot, attemptId);
            if (request == null) {
                return;
            }
            boolean canSpool = retryable && !cut && spool != null && spool.accepts(request);
            boolean live = !(request instanceof SpooledRequest);
            long now = System.nanoTime();
            if (cut) {
                failure = DropReason.SHUTDOWN;
            } else if (!retryable) {
                failure = DropReason.EXPORT_FAILED;
                decision = "not retryable";
            } else if (canSpool && live && (spool.outage() || now - slot.firstAttemptNanos >= spool.spoolAfterNanos()
                    || !waiting.isEmpty())) {
                // requests queued behind this one: a retry would keep its buffer while the engine's
                // pool runs dry and the ring fills; on disk it holds nothing the live traffic needs
                failure = DropReason.EXPORT_FAILED; // the fallback, should the spool not take it
                toSpool = true;
            } else if (slot.attempts >= retryPolicy.maxAttempts()) {
                failure = DropReason.EXPORT_FAILED;
                decision = "gave up after " + slot.attempts + " attempts";
                toSpool = canSpool;
            } else {
                long waitNanos = retryPolicy.waitNanos(slot.attempts, serverDelayNanos);
                long retryAt = now + Math.min(waitNanos, Long.MAX_VALUE / 4);
                if (waitNanos > retryPolicy.maxElapsedNanos()
                        || retryAt - slot.firstAttemptNanos > retryPolicy.maxElapsedNanos()) {
                    failure = DropReason.EXPORT_FAILED;
                    decision = "retry budget of " + retryPolicy.maxElapsed() + " used up";
                    toSpool = canSpool;
                } else if (shuttingDown && retryAt - shutdownDeadlineNanos > 0) {
                    failure = DropReason.SHUTDOWN; // the retry could only start after the deadline
                } else if (scheduleRetry(slot, waitNanos, retryAt)) {
                    return; // the buffer stays in flight until the retry's outcome
                } else {
                    failure = DropReason.SHUTDOWN;
                }
            }
        } finally {
            lock.unlock();
        }
        if (toSpool) {
            finish(slot, request, TO_SPOOL, failure);
            return;
        }
        if (decision != null) {
            log.dropped(request, decision, description);
        }
        finish(slot, request, -1, failure);
    }

    /** Under the lock: arms the slot's retry timer; false if the scheduler is gone. */
    private boolean scheduleRetry(ExportSlot<S> slot, long waitNanos, long retryAt) {
        long attemptId = slot.attemptId;
        try {
            slot.retryAtNanos = retryAt;
            slot.retryTimer = scheduler.schedule(() -> retryNow(slot, attemptId), waitNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            slot.retryTimer = null;
            return false;
        }
    }

    private void retryNow(ExportSlot<S> slot, long attemptId) {
        ExportRequest request;
        lock.lock();
        try {
            if (slot.attemptId != attemptId || slot.request == null || slot.retryTimer == null) {
                return; // cut by shutdown meanwhile
            }
            slot.retryTimer = null;
            request = slot.request;
        } finally {
            lock.unlock();
        }
        request.retrying();
        transport.beforeRetry();
        startAttempt(slot, request);
    }

    /**
     * Completes the slot's request exactly once, if the slot still carries {@code expected} (null:
     * any), and moves the slot on to the next waiting request (or frees it). {@code rejected} &gt;= 0
     * with a null {@code reason} means success.
     */
    void finish(ExportSlot<S> slot, ExportRequest expected, long rejected, DropReason reason) {
        ExportRequest request;
        ExportRequest next = null;
        lock.lock();
        try {
            request = slot.request;
            if (request == null || (expected != null && request != expected)) {
                return; // already completed (shutdown raced with the attempt's end)
            }
            slot.release();
            // From here on the transport reads nothing of the payload: the engine may reuse or free it.
            transport.release(slot.state());
            if (!cut) {
                next = waiting.pollFirst();
            }
            if (next != null) {
                slot.assign(next);
            } else {
                freeSlots.add(slot);
                if (freeSlots.size() == slots.size() && waiting.isEmpty()) {
                    idle.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
        complete(request, rejected, reason);
        if (next != null) {
            startAttempt(slot, next);
        }
    }

    void complete(ExportRequest request, long rejected, DropReason reason) {
        if (rejected == TO_SPOOL) {
            spool.offer(request, reason, true);
            return;
        }
        if (reason == DropReason.SHUTDOWN && spool != null && spool.accepts(request)) {
            // cut by the shutdown deadline: on disk it survives for the next process (a replay stays there)
            spool.offer(request, reason, false);
            return;
        }
        try {
            if (reason == null) {
                request.succeeded(rejected);
            } else {
                request.failed(reason);
            }
        } catch (RuntimeException e) {
            log.completionFailed(e);
        }
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Finishes what is in flight and waiting until {@code deadlineNanoTime}, then completes whatever
     * is left with {@link DropReason#SHUTDOWN} ({@link StageShutdown}). Later calls return at once.
     *
     * @param deadlineNanoTime the {@link System#nanoTime()} by which to be done
     * @return false if an earlier call already shut it down
     */
    boolean shutdown(long deadlineNanoTime) {
        return new StageShutdown<>(this).run(deadlineNanoTime);
    }

    /**
     * Spools the waiting requests when every slot is busy and none of the in-flight requests can
     * finish soon: the transport cannot reach the receiver (calls wait for a connection), or each one
     * failed and waits out its retry backoff or has been out longer than the spool's threshold (a
     * receiver that accepts connections and never answers). Their buffers go back to the engine
     * instead of waiting behind the stuck ones: the ring holds only a fraction of a second of traffic
     * at high rates. Called by the spool's thread every tick (50 ms); allocates nothing unless it
     * spools.
     */
    void spoolIfStuck(Spool to) {
        long now = System.nanoTime();
        boolean unreachable = transport.receiverUnreachable(); // read outside the lock: it asks gRPC
        lock.lock();
        try {
            if (waiting.isEmpty() || !freeSlots.isEmpty() || shuttingDown) {
                return;
            }
            for (ExportSlot<S> slot : slots) {
                boolean cannotFinishSoon = unreachable
                        || slot.retryTimer != null // failed, and waits out its backoff
                        || now - slot.firstAttemptNanos >= to.spoolAfterNanos();
                if (slot.request == null || slot.attempts == 0 || !cannotFinishSoon) {
                    return;
                }
            }
            for (int i = waiting.size(); i > 0; i--) {
                ExportRequest request = waiting.pollFirst();
                if (!(request instanceof SpooledRequest) && to.accepts(request)) {
                    stuck.addLast(request);
                } else {
                    waiting.addLast(request); // a replay keeps its place: it is on disk already
                }
            }
        } finally {
            lock.unlock();
        }
        for (ExportRequest request = stuck.pollFirst(); request != null; request = stuck.pollFirst()) {
            to.offer(request, DropReason.EXPORT_FAILED, true);
        }
    }

    // ------------------------------------------------------------------ observation

    /** @return requests in an attempt or waiting for a retry (at most {@code maxInFlight}) */
    int inFlight() {
        lock.lock();
        try {
            return slots.size() - freeSlots.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return requests waiting for a free slot */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return requests whose retry timer is armed: they wait for their next attempt */
    int retriesPending() {
        lock.lock();
        try {
            int pending = 0;
            for (ExportSlot<S> slot : slots) {
                if (slot.retryTimer != null) {
                    pending++;
                }
            }
            return pending;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "maxInFlight=" + slots.size() + ", " + retryPolicy;
    }
}
