package io.ringtrace.bench.jmh;

import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.bench.RingtraceShape;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.codec.SlotFillFloor;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.SpanSlot;
import io.ringtrace.engine.Ids;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The slot writer alone: one thread resets and fills ring slots of one shared {@code byte[]} in
 * sequence, as a ring-API producer does between {@code tryClaim} and {@code publish}, with no
 * serializer reading them. What is left is the writer's own instruction cost per span (ids, times,
 * name, 4 attributes, with and without 1 event), without the hand-off's cross-core cache traffic
 * that {@link RingtracePublishBenchmark} and the load tool include; and the floor under it, the same
 * bytes written with no check ({@link SlotFillFloor}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
        ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS})
public class SlotFillBenchmark {

    /** Ring slots: 1024 x 512 B stay in a core's L2 cache, the default 8192 x 512 B (4 MiB) do not. */
    @Param({"1024", "8192"})
    public int slotCount;

    private final int slotBytes = SpanSlot.DEFAULT_SLOT_BYTES;
    private byte[] area;
    private SpanRecord[] slots;
    private int mask;
    private long sequence;
    private long time = 1_700_000_000_000_000_000L;

    /** Builds the slots over one area, as the engine's default ring does. */
    @Setup
    public void setUp() {
        area = new byte[slotCount * slotBytes];
        mask = slotCount - 1;
        slots = new SpanRecord[slotCount];
        for (int i = 0; i < slotCount; i++) {
            slots[i] = new SpanRecord(SpanLimits.defaults(), area, i * slotBytes, slotBytes, NoOverflow.INSTANCE);
        }
    }

    /** @return the filled record: ids, given times, name, 4 attributes */
    @Benchmark
    public SpanRecord fillGiven() {
        long start = time += 1_000;
        SpanRecord record = slots[(int) (sequence++ & mask)].reset();
        return RingtraceShape.fillGiven(record, start, start + 500, false);
    }

    /**
     * The same span's bytes written by {@link SlotFillFloor}: no check, no bookkeeping, what no
     * writer of this format undercuts here. {@link #fillGiven} minus this is the writer's own cost.
     *
     * @return the bytes written
     */
    @Benchmark
    public int fillFloor() {
        long start = time += 1_000;
        int slot = (int) (sequence++ & mask);
        return SlotFillFloor.fill(area, slot * slotBytes, slotBytes, Ids.randomTraceIdHigh(), Ids.randomTraceIdLow(),
                Ids.randomSpanId(), start, start + 500, RingtraceShape.NAME,
                RingtraceShape.METHOD, SpanShape.VALUE_METHOD, RingtraceShape.PATH, SpanShape.VALUE_PATH,
                RingtraceShape.STATUS, SpanShape.VALUE_STATUS, RingtraceShape.CACHE_HIT, SpanShape.VALUE_CACHE_HIT);
    }

    /** @return the record with its header only: ids, given times, name, no attribute */
    @Benchmark
    public SpanRecord fillHeader() {
        long start = time += 1_000;
        SpanRecord record = slots[(int) (sequence++ & mask)].reset();
        return record.scope(RingtraceShape.SCOPE)
                .traceId(start, start + 1)
                .spanId(start + 2)
                .traceFlags(1)
                .name(RingtraceShape.NAME)
                .kind(io.ringtrace.codec.SpanKind.SERVER)
                .startEpochNanos(start)
                .endEpochNanos(start + 500);
    }

    /** @return the record reset only */
    @Benchmark
    public SpanRecord resetOnly() {
        return slots[(int) (sequence++ & mask)].reset();
    }

    /** @return the filled record: ids, given times, name, 4 attributes, 1 event */
    @Benchmark
    public SpanRecord fillGivenWithEvent() {
        long start = time += 1_000;
        SpanRecord record = slots[(int) (sequence++ & mask)].reset();
        return RingtraceShape.fillGiven(record, start, start + 500, true);
    }
}
