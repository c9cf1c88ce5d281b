package io.ringtrace.bench.load;

import io.ringtrace.bench.RingtraceShape;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ringtrace with its defaults (ring 8192 unless the run says otherwise, overload policy DROP, batch
 * 512) and its OTLP/gRPC exporter (defaults: 4 calls in flight, retries on), publishing through the
 * span API ({@code tracer.start} ... {@code end()}) or the ring API ({@code tryClaim}, fill,
 * {@code publish}).
 */
final class RingtraceSystem implements TracingSystem {

    private final TraceEngine engine;
    private final Tracer tracer;
    private final boolean ringApi;
    private final EngineStats stats = new EngineStats();

    RingtraceSystem(RunSpec spec) {
        ringApi = spec.api().equals("ring");
        engine = TraceEngine.builder()
                .resource(RingtraceShape.resource())
                .ringSize(spec.ringSize())
                .exporter(OtlpGrpcSpanExporter.builder().endpoint(spec.endpoint()).build())
                .build();
        tracer = engine.tracer(RingtraceShape.SCOPE);
    }

    @Override
    public String name() {
        return RunSpec.RINGTRACE;
    }

    @Override
    public boolean publishSpan() {
        if (ringApi) {
            long sequence = engine.tryClaim();
            if (sequence < 0) {
                return false; // ring full: the engine counts it (RING_FULL)
            }
            try {
                RingtraceShape.fillLive(engine.record(sequence), engine);
            } finally {
                engine.publish(sequence); // a claimed slot is always published
            }
            return true;
        }
        RingtraceShape.recordSpan(tracer);
        return true; // the span API never refuses at the call; a full ring is counted in the stats
    }

    @Override
    public void close(Duration deadline) {
        engine.close(deadline);
        engine.stats(stats);
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("ringtrace published", stats.published());
        counters.put("ringtrace exported", stats.exported());
        for (DropReason reason : DropReason.values()) {
            counters.put("ringtrace dropped " + reason.name().toLowerCase(Locale.ROOT), stats.dropped(reason));
        }
        counters.put("ringtrace requests sent", stats.requestsSent());
        counters.put("ringtrace retries", stats.retries());
        return counters;
    }
}
