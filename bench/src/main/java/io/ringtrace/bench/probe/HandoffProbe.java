package io.ringtrace.bench.probe;

import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.Ids;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.WaitStrategyType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A developer's probe of the producer-to-serializer hand-off (not a unit test, and not where the
 * project's numbers come from: those are the bench module's): P producers publish a typical span
 * (name, 4 attributes, 1 event) through the span API or the ring API, flat out or at a paced total
 * rate, into an engine whose exporter completes each sealed request at once. Prints spans
 * delivered per second, spans refused (ring full), each call's own duration (p50/p99/p99.9) and the
 * serializer's CPU share, after the round trip of one cache line between two fresh threads (which
 * says where the scheduler put those two, not the producer and the serializer: it reads ~60 ns or
 * ~480 ns on a 2-vCPU VM, and the hand-off's p50 does not follow it). It compares variants quickly on
 * one machine: a 2-vCPU VM drifts from one round to the next, so alternate the variants run by run
 * and repeat rounds ({@code probe.rounds}).
 *
 * <pre>
 * java &lt;ringtrace.jvm.flags&gt; [-Dprobe.ring=8192] [-Dprobe.wait=SLEEPING] [-Dprobe.small=true] [-Dprobe.rounds=1]
 *     [-Dprobe.limits=maxEvents,maxLinks,textBytes,attributeBytes,eventBytes,linkBytes]
 *     [-Dprobe.slowlog=true] -cp bench/target/benchmarks.jar io.ringtrace.bench.probe.HandoffProbe
 *     span|ring|noop producers spansPerSecond(0 = flat out) seconds
 * </pre>
 * {@code noop} times an empty call (the floor of pacing and timing); {@code probe.small} uses small
 * span limits (a smaller slot), {@code probe.limits} the given ones (to set the slot's size against
 * the tail); {@code probe.slowlog} prints the gaps between calls slower than 2 us. After each round
 * it prints what one {@code System.nanoTime()} costs then (it stayed ~30 ns in slow rounds too).
 */
public final class HandoffProbe {

    private static final InstrumentationScope SCOPE = InstrumentationScope.builder("probe").version("1.0").build();
    private static final Utf8Constant NAME = Utf8Constant.of("GET /api/orders");
    private static final Utf8Constant METHOD = Utf8Constant.of("http.request.method");
    private static final Utf8Constant PATH = Utf8Constant.of("url.path");
    private static final Utf8Constant STATUS = Utf8Constant.of("http.response.status_code");
    private static final Utf8Constant CACHE_HIT = Utf8Constant.of("cache.hit");
    private static final Utf8Constant EVENT = Utf8Constant.of("cache.lookup");

    private static final boolean SLOW_LOG = Boolean.getBoolean("probe.slowlog");

    private HandoffProbe() {}

    /** The defaults, or {@code probe.small}'s small limits, or {@code probe.limits}' given ones. */
    private static SpanLimits probeLimits() {
        String spec = System.getProperty("probe.limits"); // maxEvents,maxLinks,textBytes,attributeBytes,eventBytes,linkBytes
        if (spec != null) {
            String[] v = spec.split(",");
            return SpanLimits.builder().maxEvents(Integer.parseInt(v[0])).maxLinks(Integer.parseInt(v[1]))
                    .textBytes(Integer.parseInt(v[2])).attributeBytes(Integer.parseInt(v[3]))
                    .eventBytes(Integer.parseInt(v[4])).linkBytes(Integer.parseInt(v[5])).build();
        }
        if (Boolean.getBoolean("probe.small")) {
            return SpanLimits.builder().maxAttributes(16).maxEvents(4).maxLinks(2).maxAttributesPerEvent(4)
                    .maxAttributesPerLink(4).textBytes(128).attributeBytes(256).eventBytes(128).linkBytes(64).build();
        }
        return SpanLimits.defaults();
    }

    /**
     * @param args {@code span|ring producers spansPerSecond seconds}
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        boolean ringApi = args.length > 0 && args[0].equals("ring");
        boolean noop = args.length > 0 && args[0].equals("noop"); // the machine's floor: pacing and timing only
        int producers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long rate = args.length > 2 ? Long.parseLong(args[2]) : 0;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        DiscardingSpanExporter exporter = new DiscardingSpanExporter();
        TraceEngine engine = TraceEngine.builder().name("probe").exporter(exporter).ringSize(Integer.getInteger("probe.ring", 8192))
                .spanLimits(probeLimits())
                .waitStrategy(WaitStrategyType.valueOf(System.getProperty("probe.wait", "SLEEPING"))).build();
        Tracer tracer = engine.tracer(SCOPE);
        Thread serializer = Probes.threadNamed("ringtrace-serializer-probe");
        System.out.printf("cross-core round trip (two threads bouncing a volatile): %d ns%n", pingPongNanos());

        int rounds = 1 + Integer.getInteger("probe.rounds", 1); // round 0 warms up
        for (int round = 0; round < rounds; round++) {
            boolean measured = round >= 1;
            int runSeconds = measured ? seconds : 3;
            long[][] latencies = new long[producers][];
            AtomicLong refused = new AtomicLong();
            CyclicBarrier start = new CyclicBarrier(producers + 1);
            Thread[] workers = new Thread[producers];
            long perProducerRate = rate / producers;
            long[][] slowAt = new long[producers][100_000];
            int[] slowCount = new int[producers];
            for (int p = 0; p < producers; p++) {
                int index = p;
                workers[p] = new Thread(() -> {
                    long[] took = new long[4_000_000];
                    Arrays.fill(took, 1); // touch every page now: a first-touch page fault would show as latency
                    int n = 0;
                    long failed = 0;
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    long begin = System.nanoTime();
                    long end = begin + runSeconds * 1_000_000_000L;
                    long interval = perProducerRate == 0 ? 0 : 1_000_000_000L / perProducerRate;
                    long next = begin + index * (interval / Math.max(1, producers));
                    while (true) {
                        long now = System.nanoTime();
                        if (interval > 0) {
                            next += interval;
                            while ((now = System.nanoTime()) < next) {
                                if (next - now > 60_000) {
                                    LockSupport.parkNanos(next - now - 50_000);
                                } else {
                                    Thread.onSpinWait();
                                }
                            }
                        }
                        if (now >= end) {
                            break;
                        }
                        long t0 = System.nanoTime();
                        boolean ok = noop || (ringApi ? publishRing(engine) : publishSpan(tracer));
                        long t1 = System.nanoTime();
                        if (!ok) {
                            failed++;
                        }
                        if (n < took.length) {
                            took[n++] = t1 - t0;
                        }
                        if (SLOW_LOG && measured && t1 - t0 > 2_000 && slowCount[index] < slowAt[index].length) {
                            slowAt[index][slowCount[index]++] = t0; // when slow calls happen (periodic? -Dprobe.slowlog)
                        }
                    }
                    latencies[index] = Arrays.copyOf(took, n);
                    refused.addAndGet(failed);
                }, "probe-producer-" + p);
                workers[p].start();
            }
            EngineStats before = new EngineStats();
            engine.stats(before);
            long cpu0 = threads.getThreadCpuTime(serializer.getId());
            start.await();
            long wall0 = System.nanoTime();
            for (Thread worker : workers) {
                worker.join();
            }
            long wall = System.nanoTime() - wall0;
            long cpu = threads.getThreadCpuTime(serializer.getId()) - cpu0;
            EngineStats after = new EngineStats();
            engine.stats(after);
            if (!measured) {
                continue;
            }
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            long consumed = after.exported() - before.exported();
            System.out.printf("%s producers=%d rate=%s: delivered %,.0f spans/s, calls %,d, refused %,d (%.1f%%),"
                            + " call p50=%dns p90=%dns p99=%dns p99.9=%dns, serializer cpu %.0f%%%n",
                    noop ? "noop" : ringApi ? "ring" : "span", producers, rate == 0 ? "max" : Long.toString(rate),
                    consumed * 1e9 / wall, all.length, refused.get(), 100.0 * refused.get() / Math.max(1, all.length),
                    pct(all, 0.5), pct(all, 0.9), pct(all, 0.99), pct(all, 0.999), 100.0 * cpu / wall);
            System.out.printf("  after the round, one System.nanoTime() costs %.1f ns%n", clockReadNanos());
            if (SLOW_LOG) {
                long[] at = Arrays.copyOf(slowAt[0], slowCount[0]);
                StringBuilder gaps = new StringBuilder("slow calls (>2us) of producer 0: " + at.length + ", gaps us:");
                for (int i = 1; i < Math.min(at.length, 200); i++) {
                    gaps.append(' ').append((at[i] - at[i - 1]) / 1000);
                }
                System.out.println(gaps);
            }
        }
        engine.close(Duration.ofSeconds(10));
    }

    /** Mean cost of one clock read right now: on a VM it can change with the host's clock source state. */
    private static double clockReadNanos() {
        long sum = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 1_000_000; i++) {
            sum += System.nanoTime();
        }
        long took = System.nanoTime() - start;
        if (sum == 42) {
            System.out.print(""); // keeps the loop
        }
        return took / 1e6;
    }

    private static volatile long ball;

    /**
     * @return the median time of a round trip of one cache line between this thread and another
     *     (each waits for the other's write, then writes): on a VM it changes with where the
     *     hypervisor runs the two vCPUs, and the hand-off's cost follows it
     */
    private static long pingPongNanos() throws InterruptedException {
        int rounds = 200_000;
        Thread other = new Thread(() -> {
            for (long i = 1; i < 2L * rounds; i += 2) {
                while (ball != i) {
                    Thread.onSpinWait();
                }
                ball = i + 1;
            }
        });
        ball = 0;
        other.start();
        long[] trips = new long[rounds / 1000];
        long start = System.nanoTime();
        for (long i = 0; i < 2L * rounds; i += 2) {
            ball = i + 1;
            while (ball != i + 2) {
                Thread.onSpinWait();
            }
            if ((i / 2) % 1000 == 999) {
                long now = System.nanoTime();
                trips[(int) (i / 2 / 1000)] = (now - start) / 1000;
                start = now;
            }
        }
        other.join();
        Arrays.sort(trips);
        return trips[trips.length / 2];
    }

    private static boolean publishSpan(Tracer tracer) {
        Span span = tracer.start(NAME, SpanKind.SERVER);
        span.attribute(METHOD, "GET");
        span.attribute(PATH, "/api/orders/1234");
        span.attribute(STATUS, 200L);
        span.attribute(CACHE_HIT, true);
        span.addEvent(EVENT);
        span.end();
        return true;
    }

    private static boolean publishRing(TraceEngine engine) {
        long seq = engine.tryClaim();
        if (seq < 0) {
            return false;
        }
        try {
            long now = engine.nowEpochNanos();
            engine.record(seq).scope(SCOPE).traceId(Ids.randomTraceIdHigh(), Ids.randomTraceIdLow())
                    .spanId(Ids.randomSpanId()).traceFlags(1).name(NAME).kind(SpanKind.SERVER).startEpochNanos(now)
                    .attribute(METHOD, "GET").attribute(PATH, "/api/orders/1234").attribute(STATUS, 200L)
                    .attribute(CACHE_HIT, true).addEvent(EVENT, now).endEpochNanos(now + 1000);
        } finally {
            engine.publish(seq);
        }
        return true;
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }
}
