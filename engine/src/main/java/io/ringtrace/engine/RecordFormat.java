package io.ringtrace.engine;

import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.LogSlot;
import io.ringtrace.codec.LogsRequestEncoder;
import io.ringtrace.codec.RecordWriter;
import io.ringtrace.codec.RequestEncoder;
import io.ringtrace.codec.Resource;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanOverflow;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.SpanSlot;
import io.ringtrace.engine.export.Signal;

/**
 * What the generic pipeline ({@link Pipeline}: ring, slots, serializer, request pool) needs to know
 * of one signal's slot format: how to make a slot's flyweight, how big the largest record is (an
 * overflow buffer), where a slot points at its overflow buffer, whether it was marked too large,
 * which records its encoder must never see, and its encoder. One instance per engine; the
 * producers' claim and publish path never calls it (the ring calls the record's own final {@code
 * reset()} and {@code copyFrom()}); the serializer calls it once or twice per record.
 *
 * @param <R> the signal's record writer
 */
abstract class RecordFormat<R extends RecordWriter<R>> {

    final Signal signal;

    private RecordFormat(Signal signal) {
        this.signal = signal;
    }

    /** @return the flyweight over a slot of {@code area} */
    abstract R flyweight(byte[] area, int base, int slotBytes, SpanOverflow overflow);

    /** @return the most bytes one record within the limits takes: the size of an overflow buffer */
    abstract int maxRecordBytes();

    /** @return the overflow buffer the slot's record moved into, or -1 */
    abstract int overflowIndex(byte[] area, int base);

    /** Clears the slot's pointer to its overflow buffer (the serializer gives the buffer back). */
    abstract void clearOverflowIndex(byte[] area, int base);

    /** @return whether the record outgrew its slot with no overflow buffer free, or its own budget */
    abstract boolean tooLarge(byte[] area, int base);

    /**
     * @return whether the record may take a request buffer: a check cheaper than the encoder's,
     *     made before a buffer is taken for it
     */
    abstract boolean admissible(byte[] area, int base);

    /** @return a new encoder of this signal's requests */
    abstract RequestEncoder encoder(Resource resource, int maxRequestBytes);

    /** @return a record with its own array, of the ring's limits (a pooled flyweight's backing) */
    abstract R standalone();

    /** Spans: {@link SpanSlot}, {@link SpanRecord}, {@link io.ringtrace.codec.TraceRequestEncoder}. */
    static final class Spans extends RecordFormat<SpanRecord> {
        private final SpanLimits limits;

        Spans(SpanLimits limits) {
            super(Signal.TRACES);
            this.limits = limits;
        }

        @Override
        SpanRecord flyweight(byte[] area, int base, int slotBytes, SpanOverflow overflow) {
            return new SpanRecord(limits, area, base, slotBytes, overflow);
        }

        @Override
        int maxRecordBytes() {
            return SpanSlot.maxSpanBytes(limits);
        }

        @Override
        int overflowIndex(byte[] area, int base) {
            return SpanSlot.overflowIndex(area, base);
        }

        @Override
        void clearOverflowIndex(byte[] area, int base) {
            SpanSlot.overflowIndex(area, base, -1);
        }

        @Override
        boolean tooLarge(byte[] area, int base) {
            return SpanSlot.tooLarge(area, base);
        }

        @Override
        boolean admissible(byte[] area, int base) {
            return SpanSlot.hasValidIds(area, base); // a span without ids is a bug, never a request's first span
        }

        @Override
        RequestEncoder encoder(Resource resource, int maxRequestBytes) {
            return new io.ringtrace.codec.TraceRequestEncoder(resource, maxRequestBytes);
        }

        @Override
        SpanRecord standalone() {
            return new SpanRecord(limits);
        }
    }

    /** Log records: {@link LogSlot}, {@link LogRecordWriter}, {@link LogsRequestEncoder}. */
    static final class Logs extends RecordFormat<LogRecordWriter> {
        private final LogLimits limits;

        Logs(LogLimits limits) {
            super(Signal.LOGS);
            this.limits = limits;
        }

        @Override
        LogRecordWriter flyweight(byte[] area, int base, int slotBytes, SpanOverflow overflow) {
            return new LogRecordWriter(limits, area, base, slotBytes, overflow);
        }

        @Override
        int maxRecordBytes() {
            return LogSlot.maxRecordBytes(limits);
        }

        @Override
        int overflowIndex(byte[] area, int base) {
            return LogSlot.overflowIndex(area, base);
        }

        @Override
        void clearOverflowIndex(byte[] area, int base) {
            LogSlot.overflowIndex(area, base, -1);
        }

        @Override
        boolean tooLarge(byte[] area, int base) {
            return LogSlot.tooLarge(area, base);
        }

        @Override
        boolean admissible(byte[] area, int base) {
            return true; // every field of a log record is optional; the encoder checks the rest
        }

        @Override
        RequestEncoder encoder(Resource resource, int maxRequestBytes) {
            return new LogsRequestEncoder(resource, maxRequestBytes);
        }

        @Override
        LogRecordWriter standalone() {
            return new LogRecordWriter(limits);
        }
    }
}
