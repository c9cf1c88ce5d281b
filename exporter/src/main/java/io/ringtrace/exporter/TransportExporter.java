package io.ringtrace.exporter;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.export.SpoolLedger;

/**
 * The export SPI as every OTLP transport implements it: requests go through the transport's
 * {@link InFlightRequests} (in-flight bound, waiting list, retries, completion exactly once, drain
 * at shutdown), and the transport's own resources (channel or client, threads) are stopped once the
 * drain is over. A subclass says only how to reach its stage and how to stop what it owns.
 */
abstract class TransportExporter implements SpanExporter {

    /** @return the exporter's stage, set up by its constructor */
    abstract InFlightRequests<?> requests();

    /**
     * Stops the transport's channel or client and joins its threads; called once, after every
     * request has been completed.
     *
     * @param deadlineNanoTime the shutdown's deadline
     */
    abstract void stopTransport(long deadlineNanoTime);

    /**
     * Starts shipping {@code request}: on a free in-flight slot now, else after the requests waiting
     * before it. Never blocks and never throws for a network problem; a request handed in after
     * {@link #shutdown(long)} began is completed at once with {@link DropReason#SHUTDOWN}.
     *
     * <p>Ownership: when this method throws, it has kept no reference to the request (it failed
     * before taking it: a null request or payload). Once it has taken the request (into a slot or
     * the waiting list), it completes it exactly once and does not throw.
     *
     * @param request the sealed request, owned by this exporter until it completes it
     * @throws NullPointerException if {@code request} or its payload is null (request not taken)
     */
    @Override
    public final void export(ExportRequest request) {
        requests().export(request);
    }

    /**
     * @return the most requests this exporter keeps in flight ({@code maxInFlight(int)} of its
     *     builder): the engine keeps one request buffer more than this by default
     */
    @Override
    public final int maxInFlight() {
        return requests().maxInFlight();
    }

    /**
     * Finishes what is in flight and waiting until {@code deadlineNanoTime}; a retry that could only
     * start after it is cut at once. At the deadline, whatever is left is completed with
     * {@link DropReason#SHUTDOWN} (attempts on the wire are cancelled). Then stops the transport and
     * joins its threads. Returns once every request handed to this exporter has been completed (at
     * most about half a second after the deadline, while the transport reports the cancelled
     * attempts). Later calls return at once.
     *
     * @param deadlineNanoTime the {@link System#nanoTime()} by which to be done
     */
    @Override
    public final void shutdown(long deadlineNanoTime) {
        Spool spool = requests().spool();
        if (spool != null) {
            spool.beginClose(); // no new replays while the stage drains
        }
        if (requests().shutdown(deadlineNanoTime)) {
            if (spool != null) {
                spool.close(deadlineNanoTime); // writes what the drain spooled, then frees the directory
            }
            stopTransport(deadlineNanoTime);
        }
    }

    /**
     * With a spool ({@code spool(SpoolOptions)} on the builder): requests of {@code signal} may now
     * be spooled, and their fate, and that of the records of that signal found from an earlier
     * process, is reported to {@code ledger}. Without one: nothing.
     *
     * @param signal the signal the engine publishes
     * @param ledger where that engine counts spooled items
     * @throws IllegalStateException if a ledger for {@code signal} is bound already
     */
    @Override
    public final void bindSpool(Signal signal, SpoolLedger ledger) {
        Spool spool = requests().spool();
        if (spool != null) {
            spool.bind(signal, ledger);
        }
    }

    /** @return whether this exporter has an on-disk spool */
    public final boolean spoolEnabled() {
        return requests().spool() != null;
    }

    /** @return requests in an attempt or waiting for a retry (at most {@code maxInFlight}) */
    public final int inFlightRequests() {
        return requests().inFlight();
    }

    /** @return requests waiting for a free in-flight slot */
    public final int waitingRequests() {
        return requests().waiting();
    }

    /** @return in-flight requests whose retry timer is armed (between a retryable failure and the next attempt) */
    public final int retriesPending() {
        return requests().retriesPending();
    }
}
