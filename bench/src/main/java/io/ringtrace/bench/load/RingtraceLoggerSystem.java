package io.ringtrace.bench.load;

import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.bench.logs.LogShape;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.Logger;
import java.time.Duration;
import java.util.Map;

/**
 * ringtrace's logger API under load: {@code logger.atInfo().body(..).attribute(K, v).attribute(K, v)
 * .emit()} with pre-encoded keys, into a {@link LogEngine} ({@link LogSystems#engine}). The call never
 * refuses: a full ring under {@code DROP} is counted by the engine.
 */
final class RingtraceLoggerSystem implements LoadSystem {

    private final Utf8Constant order = Utf8Constant.of(LogShape.KEY_ORDER);
    private final Utf8Constant tier = Utf8Constant.of(LogShape.KEY_TIER);
    private final DiscardingSpanExporter discarding;
    private final LogEngine engine;
    private final Logger logger;
    private final EngineReadings readings;

    /** @param spec the run: transport, ring size, batch, policy */
    RingtraceLoggerSystem(RunSpec spec) {
        discarding = spec.noTransport() ? new DiscardingSpanExporter() : null;
        engine = LogSystems.engine(spec, discarding);
        logger = engine.logger(InstrumentationScope.of(LogShape.LOGGER));
        readings = new EngineReadings(engine, "ringtrace logs", "records");
    }

    @Override
    public String name() {
        return LogSystems.RINGTRACE_LOGGER;
    }

    @Override
    public boolean publish() {
        logger.atInfo().body(LogShape.BODY).attribute(order, LogShape.ORDER).attribute(tier, LogShape.TIER).emit();
        return true;
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
