package io.ringtrace.bench.jmh;

import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.bench.RingtraceShape;
import io.ringtrace.bench.logs.LogShape;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.Logger;
import io.ringtrace.engine.OverloadPolicy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The logger API's producer side without backpressure: each invocation emits a burst of {@value
 * #BURST} records (the {@link LogEmitBenchmark} shape: string body, two string attributes, INFO) into
 * a drained 16,384-slot ring, so no claim ever waits for the serializer, and the score is the
 * producer's own cost per record (claim, write, publish, with the serializer reading the slots on
 * the other core as in production). {@link LogEmitBenchmark#ringtraceLogger} runs flat out under
 * BLOCK instead, where the slower of producer and serializer sets the score. Between bursts, outside
 * the timing, the engine is flushed. The ring is under {@code DROP}: a drop would mean a full ring,
 * and fails the run at tear-down.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 300)
@Measurement(iterations = 300)
@Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
        ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS})
public class LogBurstBenchmark {

    /** Records per burst: a quarter of the ring. */
    static final int BURST = 4096;

    private static final InstrumentationScope SCOPE = InstrumentationScope.of(LogShape.LOGGER);
    private final Utf8Constant order = Utf8Constant.of(LogShape.KEY_ORDER);
    private final Utf8Constant tier = Utf8Constant.of(LogShape.KEY_TIER);
    private DiscardingSpanExporter exporter;
    private LogEngine engine;
    private Logger logger;

    /** Starts the engine: 16,384 slots, DROP. */
    @Setup(Level.Trial)
    public void start() {
        exporter = new DiscardingSpanExporter();
        engine = LogEngine.builder().resource(RingtraceShape.resource()).ringSize(16384)
                .overloadPolicy(OverloadPolicy.DROP).exporter(exporter).build();
        logger = engine.logger(SCOPE);
    }

    /** Drains the ring before each burst, outside the timing. */
    @Setup(Level.Invocation)
    public void drain() {
        if (!engine.flush(Duration.ofSeconds(30))) {
            throw new IllegalStateException("the engine did not drain in 30 s");
        }
    }

    /** Closes the engine; fails the run if a record was dropped. */
    @TearDown(Level.Trial)
    public void stop() {
        engine.flush(Duration.ofSeconds(30));
        EngineStats stats = engine.stats(new EngineStats());
        engine.close(Duration.ofSeconds(30));
        System.out.printf("[delivery] logger bursts: published %,d, exported %,d, dropped %,d%n",
                stats.published(), stats.exported(), stats.droppedTotal());
        if (stats.published() == 0 || stats.droppedTotal() != 0) {
            throw new IllegalStateException("dropped " + stats.droppedTotal() + " of " + stats.published());
        }
    }

    /**
     * The ring's share of {@link #loggerBurst}: one burst of {@value #BURST} ring-API claims and
     * publishes of a record with only a time, severity and scope (the claim resets the slot); the
     * score is per record.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void ringClaimPublishBurst() {
        for (int i = 0; i < BURST; i++) {
            long seq = engine.tryClaim();
            if (seq >= 0) {
                try {
                    engine.record(seq).scope(SCOPE).timestamp(i + 1).severityNumber(9);
                } finally {
                    engine.publish(seq);
                }
            }
        }
    }

    /** One burst of {@value #BURST} records through the logger API; the score is per record. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void loggerBurst() {
        for (int i = 0; i < BURST; i++) {
            logger.atInfo().body(LogShape.BODY).attribute(order, LogShape.ORDER).attribute(tier, LogShape.TIER).emit();
        }
    }
}
