package io.ringtrace.bench.probe;

import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.WaitStrategyType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures what each {@link WaitStrategyType} costs, to choose the default (not a unit test: a
 * {@code main} whose numbers are quoted, with this command, in {@link WaitStrategyType}'s javadoc):
 * one producer publishes a typical span through the ring API at a paced rate; the probe reports the
 * producer's claim+fill+publish latency percentiles, and the serializer thread's CPU time per second
 * under that load and while idle.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java &lt;ringtrace.jvm.flags from the root pom&gt; -cp bench/target/benchmarks.jar \
 *     io.ringtrace.bench.probe.WaitStrategyProbe [spansPerSecond] [seconds]
 * </pre>
 */
public final class WaitStrategyProbe {

    private static final InstrumentationScope SCOPE = InstrumentationScope.builder("probe").version("1.0").build();
    private static final Utf8Constant NAME = Utf8Constant.of("GET /orders/{id}");
    private static final Utf8Constant ROUTE = Utf8Constant.of("http.route");
    private static final Utf8Constant STATUS = Utf8Constant.of("http.status_code");
    private static final Utf8Constant RATIO = Utf8Constant.of("ratio");
    private static final Utf8Constant CACHED = Utf8Constant.of("cached");

    private WaitStrategyProbe() {}

    /**
     * @param args {@code [spansPerSecond (200000)] [seconds (3)]}
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (WaitStrategyType type : WaitStrategyType.values()) {
            DiscardingSpanExporter exporter = new DiscardingSpanExporter();
            TraceEngine engine = TraceEngine.builder().name("probe").exporter(exporter).waitStrategy(type).build();
            Thread serializer = Probes.threadNamed("ringtrace-serializer-probe");
            StringBuilder route = new StringBuilder(32);
            run(engine, rate, 2, route, null); // warm-up
            long[] latencies = new long[rate * seconds];
            long cpu0 = threads.getThreadCpuTime(serializer.getId());
            long wall0 = System.nanoTime();
            run(engine, rate, seconds, route, latencies);
            long loadCpu = threads.getThreadCpuTime(serializer.getId()) - cpu0;
            long loadWall = System.nanoTime() - wall0;
            engine.flush(Duration.ofSeconds(10));
            Thread.sleep(200);
            long idle0 = threads.getThreadCpuTime(serializer.getId());
            Thread.sleep(1000);
            long idleCpu = threads.getThreadCpuTime(serializer.getId()) - idle0;
            engine.close(Duration.ofSeconds(10));
            Arrays.sort(latencies);
            System.out.printf("%-9s rate=%d/s producer claim+fill+publish p50=%dns p99=%dns p99.9=%dns max=%dns"
                            + "  serializer cpu: %.1f%% of a core under load, %.2f%% idle  (exported=%d)%n",
                    type, rate, pct(latencies, 0.5), pct(latencies, 0.99), pct(latencies, 0.999),
                    latencies[latencies.length - 1], 100.0 * loadCpu / loadWall, 100.0 * idleCpu / 1e9, exporter.exportedSpans());
        }
    }

    private static void run(TraceEngine engine, int rate, int seconds, StringBuilder route, long[] latencies) {
        long interval = 1_000_000_000L / rate;
        long next = System.nanoTime();
        long total = (long) rate * seconds;
        for (long i = 0; i < total; i++) {
            next += interval;
            long now;
            while ((now = System.nanoTime()) < next) {
                if (next - now > 20_000) {
                    LockSupport.parkNanos(next - now - 10_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            route.setLength(0);
            route.append("/orders/").append(i & 1023);
            long start = System.nanoTime();
            publish(engine, i + 1, route);
            long took = System.nanoTime() - start;
            if (latencies != null) {
                latencies[(int) i] = took;
            }
        }
    }

    /** One typical span (name, 4 attributes) through the ring API, waiting for a slot. */
    private static void publish(TraceEngine engine, long spanId, CharSequence route) {
        long seq = engine.claim();
        if (seq < 0) {
            return;
        }
        try {
            engine.record(seq).scope(SCOPE).traceId(spanId * 0x9E3779B97F4A7C15L, ~spanId).spanId(spanId)
                    .name(NAME).kind(SpanKind.SERVER)
                    .startEpochNanos(1_700_000_000_000_000_000L + spanId)
                    .endEpochNanos(1_700_000_000_000_001_000L + spanId)
                    .attribute(ROUTE, route).attribute(STATUS, 200L).attribute(RATIO, 0.5).attribute(CACHED, true);
        } finally {
            engine.publish(seq);
        }
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }
}
