package io.ringtrace.exporter;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.codec.RequestBufferViews;
import java.nio.ByteBuffer;
import net.openhft.chronicle.bytes.Bytes;

/**
 * One spool record on its way to the receiver again: its bytes copied out of the segment into a
 * reused off-heap buffer, handed to the export stage like any sealed request, so the same in-flight
 * bound and retry rules apply. The spool keeps a fixed few of these (its replay share) and reuses
 * them; the buffer grows to the largest record replayed and is freed at close.
 *
 * <p>Its completion tells the spool what to do with the record: delivered ({@link #succeeded}) or
 * dropped for good ({@link #failed} with a reason other than {@code SHUTDOWN}) marks it done; a
 * {@code SHUTDOWN}, or the stage handing it to the spool again ({@link #spooled()}), leaves it in
 * the spool for a later attempt, by this process or the next.
 */
final class SpooledRequest implements ExportRequest {

    enum Outcome { DELIVERED, DROPPED, PUT_BACK }

    private final Spool spool;
    private Bytes<?> buffer;
    // the record; set by the spool's thread before the request is handed to the stage
    SpoolSegment segment;
    int recordAt;
    private int items;
    private Signal signal = Signal.TRACES;
    boolean recovered;
    // the completion, read by the spool's thread after it took this request back
    Outcome outcome;
    long rejected;
    DropReason reason;
    /** Whether the stage holds it (between {@link #lend()} and its completion); guarded by this. */
    private boolean lent;

    SpooledRequest(Spool spool) {
        this.spool = spool;
    }

    /**
     * Copies the record at {@code at} of {@code from} into this request's buffer (spool thread).
     *
     * @param views the spool thread's views over its buffers
     */
    void load(SpoolSegment from, int at, RequestBufferViews views) {
        ByteBuffer mapped = from.mapped();
        int length = SpoolRecord.length(mapped, at);
        if (buffer == null || buffer.realCapacity() < length) {
            release();
            buffer = Bytes.allocateDirect(Math.max(64 * 1024, length));
            buffer.singleThreadedCheckDisabled(true); // read by transport threads, written by the spool's
        }
        ByteBuffer view = views.view(buffer, length);
        view.put(0, mapped, at + SpoolRecord.HEADER_BYTES, length);
        buffer.clear();
        buffer.writePosition(length);
        buffer.readPosition(0);
        this.segment = from;
        this.recordAt = at;
        this.items = SpoolRecord.items(mapped, at);
        this.signal = SpoolSignals.of(SpoolRecord.signal(mapped, at));
        this.recovered = from.recovered();
    }

    /** The spool hands it to the stage (again). */
    synchronized void lend() {
        lent = true;
        outcome = null;
        reason = null;
        rejected = 0;
    }

    private synchronized void complete(Outcome how, long rejectedItems, DropReason why) {
        if (!lent) {
            throw new IllegalStateException("spooled request completed twice or while not lent: " + this);
        }
        lent = false;
        outcome = how;
        rejected = rejectedItems;
        reason = why;
        spool.returned(this);
    }

    @Override
    public synchronized Bytes<?> payload() {
        if (!lent) {
            throw new IllegalStateException("spooled request read while not lent: " + this);
        }
        return buffer;
    }

    @Override
    public Signal signal() {
        return signal;
    }

    @Override
    public int spanCount() {
        return items;
    }

    @Override
    public void retrying() {
        spool.replayRetrying(signal);
    }

    @Override
    public void succeeded(long rejectedSpans) {
        complete(Outcome.DELIVERED, rejectedSpans, null);
    }

    @Override
    public void failed(DropReason why) {
        if (why == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
        complete(why == DropReason.SHUTDOWN ? Outcome.PUT_BACK : Outcome.DROPPED, 0, why);
    }

    /** The stage spools it again (the receiver still away): it stays in the spool. */
    @Override
    public void spooled() {
        complete(Outcome.PUT_BACK, 0, null);
    }

    /** Frees the buffer (spool thread, at close or when it must grow). */
    void release() {
        Bytes<?> b = buffer;
        buffer = null;
        if (b != null) {
            b.releaseLast();
        }
    }

    @Override
    public String toString() {
        return "SpooledRequest{" + signal + ", items=" + items + ", record " + recordAt + " of " + segment + "}";
    }
}
