package io.ringtrace.bench.jmh;

import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.bench.logs.LogShape;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.LogFillFloor;
import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.LogRecordStart;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.Utf8Constant;
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
 * The log slot writer alone: one thread fills log ring slots of one shared {@code byte[]} in
 * sequence with the {@link LogEmitBenchmark} record (INFO, string body, two string attributes), as
 * the logger API does between its claim and its publish, with no ring and no serializer. Two ways to
 * begin a record: {@link #fromStart} (the logger API's: one block copy of a prepared start, one
 * time for both timestamps) and {@link #fromSetters} (a reset and a setter per field, as a ring-API
 * producer writes it); the difference is what the prepared start saves per record. {@link
 * #fillFloor} writes {@link #fromStart}'s bytes with no check at all ({@link LogFillFloor}): the
 * format's floor, so the distance to it is the writer's checks and bookkeeping.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
        ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS})
public class LogSlotFillBenchmark {

    /** Ring slots: 1024 x 512 B stay in a core's L2 cache, the default 16,384 x 512 B (8 MiB) do not. */
    @Param({"1024", "16384"})
    public int slotCount;

    private static final int SLOT_BYTES = 512;
    private static final InstrumentationScope SCOPE = InstrumentationScope.of(LogShape.LOGGER);
    private static final Utf8Constant INFO = Utf8Constant.of("INFO");
    private final Utf8Constant order = Utf8Constant.of(LogShape.KEY_ORDER);
    private final Utf8Constant tier = Utf8Constant.of(LogShape.KEY_TIER);
    private final LogRecordStart info = LogRecordStart.of(LogLimits.defaults(), SCOPE, 9, INFO);
    private byte[] area;
    private LogRecordWriter[] slots;
    private int mask;
    private long sequence;
    private long time = 1_700_000_000_000_000_000L;

    /** Builds the slots over one area, as the engine's ring does. */
    @Setup
    public void setUp() {
        area = new byte[slotCount * SLOT_BYTES];
        mask = slotCount - 1;
        slots = new LogRecordWriter[slotCount];
        for (int i = 0; i < slotCount; i++) {
            slots[i] = new LogRecordWriter(LogLimits.defaults(), area, i * SLOT_BYTES, SLOT_BYTES, NoOverflow.INSTANCE);
        }
    }

    /** @return the record begun from the prepared start, then body and attributes */
    @Benchmark
    public LogRecordWriter fromStart() {
        long now = time += 1_000;
        return slots[(int) (sequence++ & mask)].start(info, now)
                .body(LogShape.BODY).attribute(order, LogShape.ORDER).attribute(tier, LogShape.TIER);
    }

    /**
     * @return the length of the same record's bytes written by {@link LogFillFloor}, with no check:
     *     the floor of the format under {@link #fromStart}
     */
    @Benchmark
    public int fillFloor() {
        long now = time += 1_000;
        int slot = (int) (sequence++ & mask);
        return LogFillFloor.fill(area, slot * SLOT_BYTES, SLOT_BYTES, info, now, LogShape.BODY,
                order, LogShape.ORDER, tier, LogShape.TIER);
    }

    /** @return the record reset, then written field by field */
    @Benchmark
    public LogRecordWriter fromSetters() {
        long now = time += 1_000;
        return slots[(int) (sequence++ & mask)].reset().scope(SCOPE).timestamp(now).observedTimestamp(now)
                .severityNumber(9).severityText(INFO)
                .body(LogShape.BODY).attribute(order, LogShape.ORDER).attribute(tier, LogShape.TIER);
    }
}
