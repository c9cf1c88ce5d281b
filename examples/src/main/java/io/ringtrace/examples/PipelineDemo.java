package io.ringtrace.examples;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Resource;
import io.ringtrace.codec.SpanFlags;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.StatusCode;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.Ids;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceContext;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.exporter.OtlpExporters;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.exporter.OtlpGrpcSpanExporterBuilder;
import io.ringtrace.exporter.OtlpHttpSpanExporter;
import io.ringtrace.exporter.OtlpHttpSpanExporterBuilder;
import io.ringtrace.exporter.SpoolOptions;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import io.ringtrace.testkit.RecordingReceiver;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The README's main command: embeds the engine, publishes spans from several threads through both
 * producer APIs, exports them over OTLP (OTLP/HTTP, the default, or OTLP/gRPC), prints spans/s, drops
 * and export latency every second, and ends with a summary that says whether every span arrived.
 *
 * <p>Each unit of work of a producer thread is a small request handler that makes three spans:
 * <pre>
 * SERVER GET /orders/{id}     span API, root: string, long, double and boolean attributes
 *   CLIENT SELECT orders      span API, nested (child of the thread's current span): an event with an
 *                             attribute; every 64th has an ERROR status
 *   CLIENT cache get          ring API: recorded after the fact into a claimed slot, child of the request
 * </pre>
 *
 * <p>Where the spans go: without {@code OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT} (and without
 * {@code --endpoint}) to an embedded OTLP receiver on a free 127.0.0.1 port that decodes every request
 * with the official OTLP classes; at the end the demo compares what it received with what the engine
 * says it exported. The transport is the one {@code OtlpExporters} picks: OTLP/HTTP ({@code
 * http/protobuf}) to the test kit's HTTP receiver unless {@code OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL=grpc}
 * asks for OTLP/gRPC (then its gRPC receiver). With an endpoint variable set, to that collector (the
 * other {@code OTEL_EXPORTER_OTLP_*} variables apply too: over OTLP/HTTP to {@code <endpoint>/v1/traces},
 * or over gRPC with the protocol variable), and "arrived" means acknowledged by it.
 *
 * <p>Exit code: 0 if every published span is accounted for ({@code published = exported + dropped},
 * nothing in flight after close) and the embedded receiver got exactly the exported spans; 1 if not;
 * 2 for bad flags or configuration (an {@code OTEL_*} variable or {@code --endpoint} the builders
 * reject: their message is printed, without a stack trace). Flags: {@code --help}.
 */
public final class PipelineDemo {

    static final InstrumentationScope SCOPE =
            InstrumentationScope.builder("io.ringtrace.examples.demo").version("1.0").build();
    static final Utf8Constant GET_ORDER = Utf8Constant.of("GET /orders/{id}");
    static final Utf8Constant SELECT_ORDERS = Utf8Constant.of("SELECT orders");
    static final Utf8Constant CACHE_GET = Utf8Constant.of("cache get");
    static final Utf8Constant CONNECT = Utf8Constant.of("demo start");
    static final Utf8Constant ROWS_FETCHED = Utf8Constant.of("rows fetched");
    static final Utf8Constant HTTP_METHOD = Utf8Constant.of("http.request.method");
    static final Utf8Constant HTTP_ROUTE = Utf8Constant.of("http.route");
    static final Utf8Constant ORDER_ID = Utf8Constant.of("order.id");
    static final Utf8Constant ORDER_TOTAL = Utf8Constant.of("order.total");
    static final Utf8Constant CACHE_HIT = Utf8Constant.of("cache.hit");
    static final Utf8Constant DB_SYSTEM = Utf8Constant.of("db.system");
    static final Utf8Constant DB_ROWS = Utf8Constant.of("db.rows");
    static final Utf8Constant CACHE_KEY = Utf8Constant.of("cache.key");
    /** Spans per unit of work: request, query, cache get. */
    static final int SPANS_PER_UNIT = 3;

    private PipelineDemo() {}

    /**
     * @param args flags, see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(run(System.out, System.getenv(), args));
    }

    /**
     * Runs the demo.
     *
     * @param out where to print
     * @param env the environment ({@code OTEL_*} variables)
     * @param args flags
     * @return the exit code: 0 every span accounted for (and received, with the embedded receiver),
     *     1 not, 2 bad flags or configuration
     */
    public static int run(PrintStream out, Map<String, String> env, String... args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            out.println(DemoOptions.HELP);
            return 2;
        }
        if (options.help) {
            out.println(DemoOptions.HELP);
            return 0;
        }
        boolean external = options.endpoint != null || hasValue(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                || hasValue(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
        boolean http;
        try {
            // OTLP/HTTP, the default, unless OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL says grpc
            http = OtlpExporters.isHttp(env);
        } catch (IllegalArgumentException badProtocol) {
            return badConfiguration(out, badProtocol);
        }
        // the embedded receiver speaks the transport the environment selects
        OtlpHttpReceiver httpReceiver = !external && http ? OtlpHttpReceiver.builder().countOnly().start() : null;
        OtlpReceiver grpcReceiver = !external && !http ? OtlpReceiver.builder().countOnly().start() : null;
        RecordingReceiver<?, ?> receiver = httpReceiver != null ? httpReceiver : grpcReceiver;
        try {
            SpanExporter transport = null;
            String target;
            TimedSpanExporter timed;
            TraceEngine engine;
            try {
                if (http) {
                    OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder();
                    if (external) {
                        exporter.fromEnvironment(env);
                        if (options.endpoint != null) {
                            exporter.endpoint(options.endpoint);
                        }
                    } else {
                        exporter.endpoint(httpReceiver.tracesUrl());
                        exporter.spool(SpoolOptions.fromEnvironment(env::get)); // RINGTRACE_SPOOL_DIR, if set
                    }
                    OtlpHttpSpanExporter httpExporter = exporter.build();
                    transport = httpExporter;
                    target = httpExporter.endpoint().toString();
                } else {
                    OtlpGrpcSpanExporterBuilder exporter = OtlpGrpcSpanExporter.builder();
                    if (external) {
                        exporter.fromEnvironment(env);
                        if (options.endpoint != null) {
                            exporter.endpoint(options.endpoint);
                        }
                    } else {
                        exporter.endpoint(grpcReceiver.endpoint());
                        exporter.spool(SpoolOptions.fromEnvironment(env::get)); // RINGTRACE_SPOOL_DIR, if set
                    }
                    OtlpGrpcSpanExporter grpcExporter = exporter.build();
                    transport = grpcExporter;
                    target = grpcExporter.target();
                }
                timed = new TimedSpanExporter(transport);
                engine = TraceEngine.builder()
                        .name("demo")
                        .resource(Resource.builder().attribute("service.name", "ringtrace-demo").build())
                        .fromEnvironment(env::get) // OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, OTEL_BSP_* if set
                        .ringSize(options.ringSize)
                        .slotBytes(options.slotBytes)
                        .overloadPolicy(options.policy)
                        .exporter(timed)
                        .build();
            } catch (IllegalArgumentException badConfiguration) {
                if (transport != null) {
                    transport.shutdown(System.nanoTime()); // a second shutdown (by the engine) returns at once
                }
                return badConfiguration(out, badConfiguration);
            }
            out.printf("ringtrace demo: %,d spans, %d threads, %s, policy %s, ring %d slots -> %s %s%s%n", options.spans,
                    options.threads, options.rate == 0 ? "as fast as possible" : String.format("%,d spans/s offered", options.rate),
                    options.policy, options.ringSize, http ? "OTLP/HTTP" : "OTLP/gRPC",
                    external ? "" : "to the embedded OTLP receiver at ", target);
            return runWith(out, options, engine, timed, receiver);
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    /**
     * The builders' messages name the variable or flag and what it accepts: that is all the user
     * needs, so no stack trace.
     */
    private static int badConfiguration(PrintStream out, IllegalArgumentException e) {
        out.println("error: " + e.getMessage());
        out.println("(check the OTEL_* variables and --endpoint; --help lists the flags)");
        return 2;
    }

    private static int runWith(PrintStream out, DemoOptions options, TraceEngine engine, TimedSpanExporter timed,
                               RecordingReceiver<?, ?> receiver) {
        Tracer tracer = engine.tracer(SCOPE);
        // Warm-up, not part of the run: one span first (the connection and the first export's
        // class loading take a second or two in a fresh JVM), then the same work flat out with
        // waiting claims so the JIT compiles the whole pipeline. Flushed, so the run starts quiescent.
        long warmupStart = System.nanoTime();
        Span connect = tracer.start(CONNECT);
        connect.end();
        boolean connected = engine.flush(Duration.ofSeconds(30));
        long warmupUnits = options.warmupSpans / SPANS_PER_UNIT;
        if (connected && warmupUnits > 0) {
            awaitAll(startProducers(engine, tracer, OverloadPolicy.BLOCK, options.threads, warmupUnits, 0, 0));
            connected = engine.flush(Duration.ofSeconds(30));
        }
        long warmupSpans = 1 + warmupUnits * SPANS_PER_UNIT;
        out.printf(connected ? "warm-up: connected, %,d %s exported in %.1f s (not part of the run)%n"
                        : "warm-up: %,d %s not acknowledged after %.1f s; going on (what cannot be exported is retried, then counted)%n",
                warmupSpans, warmupSpans == 1 ? "span" : "spans", (System.nanoTime() - warmupStart) / 1e9);
        EngineStats base = engine.stats(new EngineStats()); // the run's numbers are counted from here
        long receivedBase = receiver == null ? 0 : receiver.spanCount();
        TimedSpanExporter.Interval interval = timed.drain(new TimedSpanExporter.Interval());

        long units = (options.spans + SPANS_PER_UNIT - 1) / SPANS_PER_UNIT;
        long startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        // each thread offers rate/threads spans per second, on a fixed schedule from a common start
        double unitPeriodNanos = options.rate == 0 ? 0 : 1e9 * SPANS_PER_UNIT * options.threads / options.rate;
        Producer[] producers = startProducers(engine, tracer, options.policy, options.threads, units, startNanos,
                unitPeriodNanos);

        EngineStats now = new EngineStats();
        EngineStats previous = new EngineStats().copyFrom(base);
        TimedSpanExporter.Interval whole = new TimedSpanExporter.Interval();
        long previousNanos = startNanos;
        boolean producing = true;
        while (producing) {
            try {
                producing = !producers[0].done.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long nanos = System.nanoTime();
            engine.stats(now);
            timed.drain(interval);
            whole.add(interval);
            out.printf("[%5.1fs] published %,11d  %,9.0f spans/s  exported %,11d  dropped %,d  in flight %,7d  "
                            + "spooled %,d  export latency %s%n",
                    (nanos - startNanos) / 1e9, now.published() - base.published(),
                    (now.published() - previous.published()) * 1e9 / Math.max(1, nanos - previousNanos),
                    now.exported() - base.exported(), now.droppedTotal() - base.droppedTotal(), now.inFlight(),
                    now.spooled(), latency(interval));
            previous.copyFrom(now);
            previousNanos = nanos;
        }
        long producedNanos = System.nanoTime() - startNanos;
        long offered = 0;
        long sampled = 0;
        for (Producer producer : producers) {
            offered += producer.offered;
            sampled += producer.sampled;
        }

        long closeStart = System.nanoTime();
        boolean clean = engine.close(Duration.ofSeconds(30));
        long closeNanos = System.nanoTime() - closeStart;
        EngineStats end = engine.stats(new EngineStats());
        whole.add(timed.drain(interval));
        out.printf("closed in %.2f s (%s)%n", closeNanos / 1e9, clean ? "everything published was exported or counted"
                : "some spans could not be exported by the deadline: counted as SHUTDOWN");
        return summary(out, options, offered, sampled, producedNanos, base, end, whole, receiver, receivedBase);
    }

    /** Starts {@code threads} producers sharing {@code units} units of work; they count down a common latch. */
    private static Producer[] startProducers(TraceEngine engine, Tracer tracer, OverloadPolicy policy, int threads,
                                             long units, long startNanos, double unitPeriodNanos) {
        Producer[] producers = new Producer[threads];
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            long share = units / threads + (t < units % threads ? 1 : 0);
            producers[t] = new Producer(engine, tracer, policy, share, t, startNanos, unitPeriodNanos, done);
            Thread thread = new Thread(producers[t], "demo-producer-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        return producers;
    }

    private static void awaitAll(Producer[] producers) {
        try {
            producers[0].done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int summary(PrintStream out, DemoOptions options, long offered, long sampled, long producedNanos,
                               EngineStats base, EngineStats end, TimedSpanExporter.Interval latency,
                               RecordingReceiver<?, ?> receiver, long receivedBase) {
        // the run's share of every counter (the warm-up was quiescent and fully exported before it)
        long published = end.published() - base.published();
        long exported = end.exported() - base.exported();
        long dropped = end.droppedTotal() - base.droppedTotal();
        String reasons = reasons(base, end);
        long spooled = end.spooled() - base.spooled();
        long accounted = exported + dropped + end.inFlight() + spooled;
        boolean holds = accounted == published && end.inFlight() == 0;
        out.println();
        out.println("== summary (the run, without the warm-up) ==");
        out.printf("offered    %,d spans in %.2f s (%,.0f spans/s; 1 in 3 through the ring API, 2 in 3 through the span API)%n",
                offered, producedNanos / 1e9, offered * 1e9 / Math.max(1, producedNanos));
        if (sampled != offered) {
            out.printf("sampled    %,d of them (the sampler from OTEL_TRACES_SAMPLER); unsampled spans are not published%n",
                    sampled);
        }
        out.printf("published  %,d = exported %,d + dropped %,d%s + in flight %,d%s: %s%n", published, exported, dropped,
                reasons, end.inFlight(), spooled == 0 ? "" : String.format(" + spooled %,d (on disk for the next run)", spooled),
                holds ? "holds" : "DOES NOT HOLD (" + accounted + ")");
        out.printf("export     %,d requests, %,d bytes, %,d retries, %,d failed; latency %s%n",
                end.requestsSent() - base.requestsSent(), end.bytesSent() - base.bytesSent(),
                end.retries() - base.retries(), end.requestsFailed() - base.requestsFailed(), latency(latency));
        out.printf("slots      %,d of %,d exported spans outgrew their %,d-byte slot (%.1f%%) and were copied to an"
                        + " overflow buffer%n", end.spansOverflowed() - base.spansOverflowed(), exported, options.slotBytes,
                100.0 * (end.spansOverflowed() - base.spansOverflowed()) / Math.max(1, exported));
        boolean received = true;
        if (receiver != null) {
            try {
                receiver.awaitSpanCount(receivedBase + exported, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long got = receiver.spanCount() - receivedBase;
            received = got == exported;
            out.printf("receiver   %,d spans, each request decoded with the official OTLP classes: %s%n", got,
                    received ? "equals exported" : "DIFFERS from exported");
        } else {
            out.println("receiver   an external collector: exported = acknowledged by it");
        }
        boolean ok = holds && received && sampled == published;
        if (ok && dropped == 0) {
            out.printf("RESULT: every span arrived (%,d published, %,d %s)%n", published, exported,
                    receiver != null ? "received" : "acknowledged");
        } else if (ok) {
            out.printf("RESULT: %,d of %,d spans arrived; the other %,d were dropped and counted%s (%s)%n", exported,
                    published, dropped, reasons,
                    options.policy == OverloadPolicy.DROP ? "try a lower --rate or --policy=block" : "see the reasons");
        } else {
            out.println("RESULT: FAILED: spans are unaccounted for (see above)");
        }
        return ok ? 0 : 1;
    }

    private static String reasons(EngineStats base, EngineStats end) {
        StringBuilder s = new StringBuilder();
        for (DropReason reason : DropReason.values()) {
            long count = end.dropped(reason) - base.dropped(reason);
            if (count > 0) {
                s.append(s.length() == 0 ? " (" : ", ").append(reason).append(' ').append(String.format("%,d", count));
            }
        }
        return s.length() == 0 ? "" : s.append(')').toString();
    }

    private static String latency(TimedSpanExporter.Interval interval) {
        if (interval.count == 0) {
            return "- (no request completed)";
        }
        return "p50 " + millis(interval.percentileNanos(50)) + " p99 " + millis(interval.percentileNanos(99)) + " max "
                + millis(interval.maxNanos) + " (" + interval.count + (interval.count == 1 ? " request)" : " requests)");
    }

    private static String millis(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }

    private static boolean hasValue(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }

    /** One producer thread: units of work on a fixed schedule (or flat out), three spans each. */
    private static final class Producer implements Runnable {
        private final TraceEngine engine;
        private final Tracer tracer;
        private final boolean block;
        private final long units;
        private final long firstOrderId;
        private final long startNanos;
        private final double unitPeriodNanos;
        final CountDownLatch done;
        /** Spans offered and sampled, written by this thread, read after {@code done} (happens-before). */
        long offered;
        long sampled;

        Producer(TraceEngine engine, Tracer tracer, OverloadPolicy policy, long units, int index, long startNanos,
                 double unitPeriodNanos, CountDownLatch done) {
            this.engine = engine;
            this.tracer = tracer;
            this.block = policy == OverloadPolicy.BLOCK;
            this.units = units;
            this.firstOrderId = (long) index << 40;
            this.startNanos = startNanos;
            this.unitPeriodNanos = unitPeriodNanos;
            this.done = done;
        }

        @Override
        public void run() {
            try {
                for (long u = 0; u < units; u++) {
                    if (unitPeriodNanos > 0) {
                        waitUntil(startNanos + (long) (u * unitPeriodNanos));
                    }
                    handleOrder(firstOrderId + u);
                }
            } finally {
                done.countDown();
            }
        }

        /**
         * Parks until the unit's intended start; never spins: on a small machine a spinning producer
         * takes the CPU the serializer, the exporter and the embedded receiver need. A late wake-up
         * is caught up by the fixed schedule (the next units start at once).
         */
        private static void waitUntil(long intendedNanos) {
            long remaining;
            while ((remaining = intendedNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(remaining);
            }
        }

        /** The unit of work: a request span, a nested query span (span API), a cache span (ring API). */
        private void handleOrder(long orderId) {
            Span request = tracer.start(GET_ORDER, SpanKind.SERVER); // a root span: no current span on this thread
            request.attribute(HTTP_METHOD, "GET")
                    .attribute(HTTP_ROUTE, "/orders/{id}")
                    .attribute(ORDER_ID, orderId)
                    .attribute(ORDER_TOTAL, 10.0 + (orderId & 1023) / 100.0)
                    .attribute(CACHE_HIT, (orderId & 3) != 0);

            Span query = tracer.start(SELECT_ORDERS, SpanKind.CLIENT); // nested: child of request
            query.attribute(DB_SYSTEM, "postgresql").attribute(DB_ROWS, orderId & 7);
            query.addEvent(ROWS_FETCHED).eventAttribute(DB_ROWS, orderId & 7);
            if ((orderId & 63) == 0) {
                query.status(StatusCode.ERROR, "deadlock detected");
            }
            boolean querySampled = query.isSampled(); // a Span reference is only valid until end()
            query.end();

            long cacheStart = engine.nowEpochNanos();
            cacheGet(request, cacheStart, orderId);
            boolean requestSampled = request.isSampled();
            request.end();
            offered += SPANS_PER_UNIT;
            sampled += (requestSampled ? 2 : 0) + (querySampled ? 1 : 0); // the cache span follows the request
        }

        /** The ring API: the cache lookup is over, so claim a slot now, fill it, publish it. */
        private void cacheGet(Span parent, long startEpochNanos, long orderId) {
            if (!parent.isSampled()) {
                return; // the ring API follows the parent's sampling decision by hand
            }
            long sequence = block ? engine.claim() : engine.tryClaim(); // a failed claim is counted by the engine
            if (sequence < 0) {
                return;
            }
            try {
                engine.record(sequence)
                        .scope(SCOPE)
                        .traceId(parent.traceIdHigh(), parent.traceIdLow())
                        .spanId(Ids.randomSpanId())
                        .parentSpanId(parent.spanId())
                        .traceFlags(SpanFlags.of(TraceContext.SAMPLED_FLAG, false)) // a local parent
                        .name(CACHE_GET)
                        .kind(SpanKind.CLIENT)
                        .startEpochNanos(startEpochNanos)
                        .endEpochNanos(engine.nowEpochNanos())
                        .attribute(CACHE_KEY, orderId)
                        .attribute(CACHE_HIT, (orderId & 3) != 0);
            } finally {
                engine.publish(sequence); // always, exactly once
            }
        }
    }
}
