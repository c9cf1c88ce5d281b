package io.ringtrace.bench.load;

import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.engine.LogEngine;
import java.time.Duration;
import java.util.Map;

/**
 * What the ringtrace log systems share: a {@link LogEngine} built for the run ({@link
 * LogSystems#engine}), with {@link DiscardingSpanExporter} under transport {@code none}, and the
 * engine's readings (delivered, counted drops, export latency, counters). A subclass says how one
 * record reaches the engine.
 */
abstract class LogEngineSystem implements LoadSystem {

    /** The exporter under transport {@code none}, else null (the receiver counts). */
    final DiscardingSpanExporter discarding;
    final LogEngine engine;
    private final EngineReadings readings;

    /** @param spec the run: transport, ring size, batch, policy */
    LogEngineSystem(RunSpec spec) {
        discarding = spec.noTransport() ? new DiscardingSpanExporter() : null;
        engine = LogSystems.engine(spec, discarding);
        readings = new EngineReadings(engine, "ringtrace logs", "records");
    }

    @Override
    public void close(Duration deadline) {
        engine.close(deadline);
    }

    @Override
    public long exported() {
        return discarding == null ? -1 : discarding.exportedSpans();
    }

    @Override
    public long countedDrops() {
        return readings.countedDrops();
    }

    @Override
    public ExportLatency exportLatency() {
        return readings.exportLatency();
    }

    @Override
    public Map<String, Long> counters() {
        return readings.counters(false);
    }
}
