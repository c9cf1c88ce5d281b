package io.ringtrace.exporter;

import io.ringtrace.codec.RequestBufferViews;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpoolLedger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import net.openhft.chronicle.bytes.Bytes;

/**
 * An export stage's on-disk spool: sealed requests that cannot be delivered in time are written to
 * disk ({@link SpoolStore}) and completed as spooled, so their buffers go back to the engine; when
 * the receiver answers again, the records are replayed oldest first through the same stage, at most
 * {@code replayShare} at a time, interleaved with live requests.
 *
 * <h2>Threads</h2>
 * One thread, {@code ringtrace-spool-<n>}, does every file operation: appends, replay reads, done
 * marks, fsync, expiry. Other threads only queue work for it ({@link #offer}, {@link #returned}):
 * neither a producer nor the serializer ever touches the disk. The queues hold at most the requests
 * the engine has lent (each owns one of its buffers) plus the replay share.
 *
 * <h2>When a request is spooled</h2>
 * A retryable failure once the request has been in flight {@code spoolAfter}, or at once when
 * other requests wait behind it for an in-flight slot (waiting for its retry would hold its buffer
 * while the engine's pool runs dry and the ring fills), or once the retry policy would give up; every
 * waiting request when all slots are busy and none can finish soon: the transport cannot connect
 * (its calls wait for a connection), or each in-flight request waits out a retry backoff or has been
 * out longer than {@code spoolAfter} (a receiver that accepts connections and never answers); a
 * request the shutdown
 * deadline cuts. Each of these but the last starts an <em>outage</em>: new requests go straight to
 * the spool, and a single replay probes the receiver (with the retry policy's backoff) until a
 * delivery ends the outage.
 *
 * <h2>Disk errors</h2>
 * A request the spool cannot write (the disk full, the process's file-size limit, any other I/O
 * error) is dropped, counted {@link DropReason#SPOOL_IO_ERROR}, as are the requests queued behind
 * it; the outage ends and for {@link SpoolWriteErrors#PAUSE_NANOS} the spool takes no new request, so the
 * stage behaves as without a spool (retries, then its own drops), then the spool tries again. Replays
 * of what is on disk go on meanwhile.
 *
 * <h2>Allocation</h2>
 * None per request in steady state: the queues are reused, the payload is copied through a cached
 * {@link java.nio.ByteBuffer} view of the engine's buffer, replays reuse their buffers.
 */
final class Spool implements SpoolStore.DroppedRecords {

    private static final System.Logger LOG = System.getLogger(Spool.class.getName());
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long HOUSEKEEPING_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static int threadNumber;

    private final SpoolStore store;
    private final SpoolOptions options;
    private final long spoolAfterNanos;
    private final long replayBackoffNanos;
    private final int replayShare;
    private final SpoolWriteErrors writeErrors = new SpoolWriteErrors();
    private final AtomicReferenceArray<SpoolLedger> ledgers = new AtomicReferenceArray<>(SpoolSignals.COUNT);
    private final RequestBufferViews views = new RequestBufferViews(); // spool thread only
    private final Thread thread;
    private InFlightRequests<?> stage;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<ExportRequest> offers = new ArrayDeque<>(16);
    private final ArrayDeque<DropReason> offerReasons = new ArrayDeque<>(16);
    private final ArrayDeque<SpooledRequest> returns = new ArrayDeque<>(4);
    /** No new replays: the stage is draining for shutdown. */
    private volatile boolean closing;
    /** The stage has drained: once the queues are empty, the thread ends. */
    private volatile boolean finishing;
    /** When the thread ends even with replays still out (their records stay on disk). */
    private volatile long finishByNanos;
    /** The thread has ended (or is ending): nothing more is taken. */
    private volatile boolean stopped;

    // spool thread only
    private final ArrayDeque<SpooledRequest> idleReplays = new ArrayDeque<>(4);
    private final ArrayDeque<SpooledRequest> putBack = new ArrayDeque<>(4);
    private final SpooledRequest[] replays;
    private int replaysOut;
    private long nextReplayNanos;
    private boolean sizeChanged = true;
    private boolean writtenSinceForce;
    private long nextHousekeepingNanos;

    private volatile boolean outage;
    private volatile boolean bound;

    /**
     * Opens the spool's directory (lock, recovery) and starts its thread.
     *
     * @param options where and how much
     * @param maxInFlight the stage's in-flight bound: replays use at most half of it (at least 1)
     * @param retryPolicy the stage's retry policy: a replay put back waits its initial backoff
     * @throws IllegalStateException if another spool holds the directory
     */
    Spool(SpoolOptions options, int maxInFlight, RetryPolicy retryPolicy) {
        this.options = options;
        this.store = SpoolStore.open(options);
        this.spoolAfterNanos = options.spoolAfter().toNanos();
        this.replayBackoffNanos = retryPolicy.initialBackoff().toNanos();
        this.replayShare = Math.max(1, maxInFlight / 2);
        this.replays = new SpooledRequest[replayShare];
        for (int i = 0; i < replayShare; i++) {
            replays[i] = new SpooledRequest(this);
            idleReplays.add(replays[i]);
        }
        synchronized (Spool.class) {
            this.thread = new Thread(this::run, "ringtrace-spool-" + (++threadNumber));
        }
        thread.setDaemon(true);
        if (store.corruptRecords > 0) {
            LOG.log(Level.WARNING, "spool " + store.directory() + ": " + store.corruptRecords + " torn or corrupt record(s), "
                    + store.corruptBytes + " bytes, skipped at recovery; " + store.recoveredRecords
                    + " intact record(s) will be replayed");
        }
    }

    /** Starts the thread; the stage is known from now on. */
    void start(InFlightRequests<?> stage) {
        this.stage = stage;
        thread.start();
    }

    // ------------------------------------------------------------------ any thread

    /** @return how long an undelivered request may be in flight before it is spooled */
    long spoolAfterNanos() {
        return spoolAfterNanos;
    }

    /** @return whether the receiver is considered away: new requests go to the spool at once */
    boolean outage() {
        return outage && !stopped && !writeErrors.paused();
    }

    /** A request was delivered: the receiver is back. */
    void receiverUp() {
        if (outage) {
            outage = false;
        }
    }

    /** @return whether {@code request} can be spooled: a replay, or a signal an engine bound */
    boolean accepts(ExportRequest request) {
        return request instanceof SpooledRequest
                || (!stopped && !writeErrors.paused() && ledgers.get(request.signal().ordinal()) != null);
    }

    /**
     * Binds the ledger of one signal; reports the records of that signal found at recovery.
     */
    void bind(Signal signal, SpoolLedger ledger) {
        if (ledger == null) {
            throw new IllegalArgumentException("ledger must not be null");
        }
        if (!ledgers.compareAndSet(signal.ordinal(), null, ledger)) {
            throw new IllegalStateException("a spool ledger for " + signal + " is bound already");
        }
        boolean first = !bound;
        ledger.recovered(store.recoveredItems[signal.ordinal()], first ? store.corruptRecords : 0);
        bound = true;
        wake();
    }

    /**
     * Takes {@code request} to write it to disk; it completes later as spooled, or failed with
     * {@code fallback} when the spool cannot take it (closed), {@code SPOOL_IO_ERROR} (a write failed)
     * or {@code SPOOL_FULL}.
     * Never blocks, never throws.
     *
     * @param startsOutage whether the request could not be delivered (not merely cut by shutdown)
     */
    void offer(ExportRequest request, DropReason fallback, boolean startsOutage) {
        if (request instanceof SpooledRequest) {
            request.spooled(); // a replay the receiver still does not take: it stays on disk
            if (startsOutage) {
                outage = true;
            }
            return;
        }
        boolean taken;
        lock.lock();
        try {
            taken = !stopped;
            if (taken) {
                offers.addLast(request);
                offerReasons.addLast(fallback);
                if (startsOutage) {
                    outage = true;
                }
                work.signal();
            }
        } finally {
            lock.unlock();
        }
        if (!taken) {
            failQuietly(request, fallback);
        }
    }

    /** A replay failed and is to be sent again (the stage's thread): its engine counts the retry. */
    void replayRetrying(Signal signal) {
        SpoolLedger ledger = ledgers.get(signal.ordinal());
        if (ledger != null) {
            ledger.replayRetrying();
        }
    }

    /** A replay completed (any thread): the spool's thread settles its record. */
    void returned(SpooledRequest replay) {
        lock.lock();
        try {
            returns.addLast(replay);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    private void wake() {
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** @return I/O errors met (appends that failed, each request dropped {@code SPOOL_IO_ERROR}) */
    long ioErrors() {
        return writeErrors.count();
    }

    // ------------------------------------------------------------------ the spool's thread

    private void run() {
        try {
            while (true) {
                ExportRequest offer;
                DropReason fallback;
                SpooledRequest back;
                lock.lock();
                try {
                    offer = offers.pollFirst();
                    fallback = offerReasons.pollFirst();
                    back = offer == null ? returns.pollFirst() : null;
                    if (offer == null && back == null) {
                        if (finishing && (replaysOut == 0 || System.nanoTime() - finishByNanos >= 0)) {
                            stopped = true; // nothing queued, nothing out: later offers fail at once
                            break;
                        }
                        if (!housekeepingDue() && !replayPossible()) {
                            work.awaitNanos(TICK_NANOS);
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (offer != null) {
                    write(offer, fallback);
                } else if (back != null) {
                    settle(back);
                }
                if (offer == null && back == null) {
                    housekeeping();
                    startReplays();
                    reportSize();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "spool thread failed; requests are no longer spooled", e);
        } finally {
            failQueued(); // normally empty; after a failure, what was queued is dropped as without a spool
            finishClose();
        }
    }

    /** Stops taking requests and fails those still queued with their fallback reasons. */
    private void failQueued() {
        while (true) {
            ExportRequest offer;
            DropReason fallback;
            lock.lock();
            try {
                stopped = true;
                outage = false; // the stage goes back to sending every request itself
                offer = offers.pollFirst();
                fallback = offerReasons.pollFirst();
            } finally {
                lock.unlock();
            }
            if (offer == null) {
                return;
            }
            failQuietly(offer, fallback);
        }
    }

    private boolean housekeepingDue() {
        return System.nanoTime() - nextHousekeepingNanos >= 0;
    }

    private boolean replayPossible() {
        return bound && !closing && replaysOut < (outage ? 1 : replayShare) && System.nanoTime() - nextReplayNanos >= 0
                && (!putBack.isEmpty() || store.pendingRecordsNotOut());
    }

    private void write(ExportRequest request, DropReason fallback) {
        if (writeErrors.paused()) {
            failQuietly(request, DropReason.SPOOL_IO_ERROR); // queued behind a failed write: the disk is not tried again yet
            return;
        }
        Bytes<?> payload;
        long start;
        long end;
        int items;
        int signal;
        try {
            payload = request.payload();
            start = payload.readPosition() - payload.start();
            end = payload.readLimit() - payload.start();
            items = request.spanCount();
            signal = request.signal().ordinal();
        } catch (RuntimeException e) {
            failQuietly(request, fallback); // a stale handle: nothing to write
            return;
        }
        SpoolStore.Appended appended;
        ByteBuffer view = null;
        try {
            view = views.view(payload, (int) end);
            view.limit((int) end).position((int) start);
            appended = store.append(view, items, signal, System.currentTimeMillis(), this);
        } catch (RuntimeException e) {
            appended = SpoolStore.Appended.FAILED;
            store.lastError = new java.io.IOException(e);
        } finally {
            if (view != null) {
                view.clear();
            }
        }
        sizeChanged = true;
        switch (appended) {
            case STORED:
                writtenSinceForce = true;
                try {
                    request.spooled();
                } catch (RuntimeException e) {
                    store.discardLast(); // the engine cannot count it spooled: it must not be replayed
                    failQuietly(request, fallback);
                }
                break;
            case FULL:
                failQuietly(request, DropReason.SPOOL_FULL);
                break;
            default:
                store.discardLast(); // written but not forced (EVERY_REQUEST): never replayed
                writeErrors.failed(store.directory(), items, store.lastError);
                outage = false; // the stage sends every request itself again while the spool pauses
                failQuietly(request, DropReason.SPOOL_IO_ERROR);
                break;
        }
    }

    private void settle(SpooledRequest replay) {
        replaysOut--;
        sizeChanged = true;
        SpoolLedger ledger = ledgers.get(replay.signal().ordinal());
        switch (replay.outcome) {
            case DELIVERED:
                outage = false;
                store.finished(replay.segment, replay.recordAt);
                if (ledger != null) {
                    ledger.delivered(replay.spanCount(), replay.rejected, replay.recovered);
                }
                idleReplays.addLast(replay);
                break;
            case DROPPED:
                store.finished(replay.segment, replay.recordAt);
                if (ledger != null) {
                    ledger.dropped(replay.spanCount(), replay.reason, replay.recovered);
                }
                idleReplays.addLast(replay);
                break;
            default: // PUT_BACK: first again at the next replay, after a backoff
                putBack.addFirst(replay);
                nextReplayNanos = System.nanoTime() + replayBackoffNanos;
                break;
        }
    }

    private void startReplays() {
        if (!bound || closing) {
            return;
        }
        int limit = outage ? 1 : replayShare; // during an outage one replay probes the receiver
        while (replaysOut < limit && System.nanoTime() - nextReplayNanos >= 0) {
            SpooledRequest replay = putBack.pollFirst();
            if (replay == null) {
                replay = idleReplays.peekFirst();
                if (replay == null) {
                    return;
                }
                SpoolSegment segment = store.nextRecord();
                if (segment == null) {
                    return;
                }
                idleReplays.pollFirst();
                replay.load(segment, store.recordAt, views);
            }
            replaysOut++;
            replay.lend();
            stage.export(replay);
        }
    }

    private void housekeeping() {
        // every tick: the ring holds only so much traffic while every buffer waits on a stuck receiver
        stage.spoolIfStuck(this);
        long now = System.nanoTime();
        if (now - nextHousekeepingNanos < 0) {
            return;
        }
        nextHousekeepingNanos = now + HOUSEKEEPING_NANOS;
        if (writtenSinceForce && options.fsync() == SpoolOptions.Fsync.PERIODIC) {
            writtenSinceForce = false;
            store.force();
        }
        store.expire(System.currentTimeMillis(), this);
        sizeChanged = true;
    }

    private void reportSize() {
        if (!sizeChanged) {
            return;
        }
        sizeChanged = false;
        long bytes = store.fileBytes();
        long records = store.pendingRecords();
        long oldest = store.oldestPendingMillis();
        for (int i = 0; i < SpoolSignals.COUNT; i++) {
            SpoolLedger ledger = ledgers.get(i);
            if (ledger != null) {
                ledger.spoolSize(bytes, records, oldest);
            }
        }
    }

    /** The store dropped a record on its own (full, expired). */
    @Override
    public void dropped(int signal, int items, boolean recovered, DropReason reason) {
        SpoolLedger ledger = ledgers.get(signal);
        if (ledger != null) {
            ledger.dropped(items, reason, recovered);
        }
    }

    private void failQuietly(ExportRequest request, DropReason reason) {
        try {
            request.failed(reason);
        } catch (RuntimeException e) {
            // a stale handle: the engine has counted it already
        }
    }

    // ------------------------------------------------------------------ close

    /** Stops starting replays (before the stage drains at shutdown). */
    void beginClose() {
        lock.lock();
        try {
            closing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes what is still queued, then forces, unmaps and closes the files and releases the
     * directory's lock. Returns when the spool's thread has ended, or a few seconds past the deadline
     * (a disk that hangs): then what is still queued is completed with its fallback reason.
     */
    void close(long deadlineNanoTime) {
        long waitNanos = Math.max(0, deadlineNanoTime - System.nanoTime()) + CLOSE_GRACE_NANOS;
        lock.lock();
        try {
            closing = true;
            finishByNanos = System.nanoTime() + waitNanos / 2;
            finishing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued(); // a disk that hangs: what is still queued is dropped as without a spool
        if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
            finishClose(); // never started
        }
    }

    private void finishClose() {
        synchronized (store) {
            if (store.closed()) {
                return;
            }
            store.close();
            for (SpooledRequest replay : replays) {
                replay.release();
            }
        }
    }
}
