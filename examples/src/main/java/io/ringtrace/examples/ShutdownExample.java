package io.ringtrace.examples;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.testkit.OtlpReceiver;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Shutting down without losing spans, and reading the engine's counters.
 * <ul>
 *   <li>{@link TraceEngine#flush(Duration)}: everything published before the call is exported and
 *       acknowledged by the receiver (or the deadline passes); the engine keeps running.
 *   <li>{@link TraceEngine#close(Duration)}: stops accepting spans, drains the ring, exports, stops the
 *       threads and frees the off-heap buffers. What it cannot export by the deadline is counted as
 *       dropped with reason {@link DropReason#SHUTDOWN}, never lost silently.
 *   <li>{@link TraceEngine#stats(EngineStats)}: fills a snapshot you keep (no allocation); at any
 *       quiescent point {@code published = exported + dropped + inFlight}.
 * </ul>
 * In an application, close the engine from a shutdown hook (see {@link #main}) or from the
 * framework's stop callback.
 *
 * <p>Run: {@code java $FLAGS -cp ... io.ringtrace.examples.ShutdownExample [endpoint]} (no endpoint:
 * an embedded receiver).
 */
public final class ShutdownExample {

    static final Utf8Constant SETTLE_TRADE = Utf8Constant.of("settle trade");
    static final Utf8Constant TRADE_ID = Utf8Constant.of("trade.id");

    private ShutdownExample() {}

    /**
     * What {@link #run} observed.
     *
     * @param flushed whether {@code flush} completed in time
     * @param afterFlush counters right after the flush
     * @param closedClean what {@code close} returned: true if nothing published before it was lost to its
     *     deadline (false: some spans were counted as SHUTDOWN)
     * @param afterClose counters after close
     */
    public record Result(boolean flushed, EngineStats afterFlush, boolean closedClean, EngineStats afterClose) {}

    /**
     * Publishes {@code spans} spans, flushes, prints the counters, publishes as many again, closes and
     * prints the final counters.
     *
     * @param engine a running engine
     * @param spans spans per phase
     * @param flushTimeout deadline of the flush
     * @param closeTimeout deadline of the close
     * @param out where to print
     * @return what was observed
     */
    public static Result run(TraceEngine engine, int spans, Duration flushTimeout, Duration closeTimeout,
                             PrintStream out) {
        Tracer tracer = engine.tracer(InstrumentationScope.of("io.ringtrace.examples.shutdown"));
        publish(tracer, 0, spans);
        boolean flushed = engine.flush(flushTimeout);
        EngineStats afterFlush = engine.stats(new EngineStats());
        out.println((flushed ? "flushed: " : "flush timed out: ") + describe(afterFlush));

        publish(tracer, spans, spans);
        boolean clean = engine.close(closeTimeout);
        EngineStats afterClose = engine.stats(new EngineStats());
        out.println((clean ? "closed in time, nothing lost to the deadline: " : "closed, some spans could not be exported by the deadline: ")
                + describe(afterClose));
        return new Result(flushed, afterFlush, clean, afterClose);
    }

    private static void publish(Tracer tracer, long first, int spans) {
        for (long i = first; i < first + spans; i++) {
            Span span = tracer.start(SETTLE_TRADE);
            span.attribute(TRADE_ID, i);
            span.end();
        }
    }

    /**
     * @param stats a snapshot
     * @return the snapshot as one line, with the accounting check
     */
    static String describe(EngineStats stats) {
        long accounted = stats.exported() + stats.droppedTotal() + stats.inFlight();
        StringBuilder line = new StringBuilder(256)
                .append("published ").append(stats.published())
                .append(" = exported ").append(stats.exported())
                .append(" + dropped ").append(stats.droppedTotal());
        for (DropReason reason : DropReason.values()) {
            if (stats.dropped(reason) > 0) {
                line.append(" (").append(reason).append(' ').append(stats.dropped(reason)).append(')');
            }
        }
        line.append(" + in flight ").append(stats.inFlight())
                .append(accounted == stats.published() ? " [holds]" : " [DOES NOT HOLD: " + accounted + "]")
                .append("; requests ").append(stats.requestsSent())
                .append(", bytes ").append(stats.bytesSent())
                .append(", retries ").append(stats.retries())
                .append(", off-heap held ").append(stats.offHeapBytesHeld());
        if (stats.exportLatency().count() > 0) { // the engine's histogram: bucket upper bounds, at most 2x the truth
            line.append("; export latency p50 <= ").append(stats.exportLatency().percentileNanos(50) / 1_000)
                    .append(" us, p99 <= ").append(stats.exportLatency().percentileNanos(99) / 1_000)
                    .append(" us over ").append(stats.exportLatency().count()).append(" requests");
        }
        return line.toString();
    }

    /**
     * @param args optional OTLP endpoint; without one, an embedded receiver is started
     */
    public static void main(String[] args) {
        OtlpReceiver receiver = args.length == 0 ? OtlpReceiver.builder().countOnly().start() : null;
        String endpoint = receiver != null ? receiver.endpoint() : args[0];
        TraceEngine engine = TraceEngine.builder()
                .exporter(OtlpGrpcSpanExporter.builder().endpoint(endpoint).build())
                .build();
        // the application's own exit path: close with a deadline from a shutdown hook (idempotent,
        // so closing earlier, as run() does, is fine too)
        Thread hook = new Thread(() -> engine.close(Duration.ofSeconds(5)), "close-ringtrace");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            // 5,000 spans per phase fit the default ring (16,384 slots) even before the first export is
            // acknowledged, so nothing is dropped as RING_FULL (the overload policy is DROP by default)
            run(engine, 5_000, Duration.ofSeconds(10), Duration.ofSeconds(10), System.out);
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
    }
}
