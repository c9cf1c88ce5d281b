package io.ringtrace.bench.jmh;

import io.opentelemetry.sdk.common.Clock;
import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.engine.TraceEngine;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one clock read costs on this machine: the floor under every span's publish cost, for both
 * systems. A span carries a start and an end time (and the typical span one event time), so each
 * span pays two (three) reads whatever else it does; the load tool's service time adds the reads
 * that time the call. On a VM whose clock source is {@code kvm-clock} each read is a vDSO call of
 * ~30 ns, which bounds how much cheaper than the SDK any span API can be there.
 *
 * <ul>
 *   <li>{@code nanoTime}: {@code System.nanoTime()}, what ringtrace's clock and the SDK's anchored
 *       clock read per span.</li>
 *   <li>{@code ringtraceClock}: {@code TraceEngine.nowEpochNanos()} (nanoTime plus a fixed
 *       offset).</li>
 *   <li>{@code sdkClock}: the SDK's {@code Clock.getDefault().nanoTime()}.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
        ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS})
@State(Scope.Benchmark)
public class ClockBenchmark {

    private TraceEngine engine;
    private final Clock sdkClock = Clock.getDefault();

    /** An engine whose clock is read; its exporter is never called (no span is published). */
    @Setup(Level.Trial)
    public void start() {
        engine = TraceEngine.builder().name("clock-bench").exporter(new DiscardingSpanExporter()).build();
    }

    /** Closes the engine. */
    @TearDown(Level.Trial)
    public void stop() {
        engine.close(Duration.ofSeconds(5));
    }

    /** @return one {@code System.nanoTime()} */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    /** @return one read of ringtrace's span clock */
    @Benchmark
    public long ringtraceClock() {
        return engine.nowEpochNanos();
    }

    /** @return one read of the SDK's default clock's nano time */
    @Benchmark
    public long sdkClock() {
        return sdkClock.nanoTime();
    }
}
