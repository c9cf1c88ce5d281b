package io.ringtrace.bench.load;

import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.bench.logs.AsyncLog4j2;
import io.ringtrace.bench.logs.LogShape;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.log4j2.RingtraceAppender;
import java.time.Duration;
import java.util.Map;
import org.apache.logging.log4j.ThreadContext;

/**
 * Log4j2's asynchronous garbage-free logger into ringtrace's appender under load: two thread-context
 * entries and {@code logger.info(body)} per call; Log4j2's background thread maps each event into a
 * slot of a {@link LogEngine} ({@link LogSystems#engine}). Log4j2's own ring blocks the caller when
 * full; the engine's ring counts what it drops under {@code DROP}.
 */
final class Log4j2RingtraceSystem implements LoadSystem {

    private final DiscardingSpanExporter discarding;
    private final LogEngine engine;
    private final AsyncLog4j2 log4j2;
    private final org.apache.logging.log4j.Logger logger;
    private final EngineReadings readings;

    /** @param spec the run: transport, ring size, batch, policy */
    Log4j2RingtraceSystem(RunSpec spec) {
        LogShape.applyLog4j2Flags(); // in-process runs; a forked run JVM has them as flags already
        discarding = spec.noTransport() ? new DiscardingSpanExporter() : null;
        engine = LogSystems.engine(spec, discarding);
        RingtraceAppender appender = RingtraceAppender.newBuilder().setName("ringtrace").setLogEngine(engine).build();
        log4j2 = new AsyncLog4j2(appender, LogShape.LOGGER);
        logger = log4j2.logger();
        readings = new EngineReadings(engine, "ringtrace logs", "records");
    }

    @Override
    public String name() {
        return LogSystems.LOG4J2_RINGTRACE;
    }

    @Override
    public boolean publish() {
        ThreadContext.put(LogShape.KEY_ORDER, LogShape.ORDER);
        ThreadContext.put(LogShape.KEY_TIER, LogShape.TIER);
        logger.info(LogShape.BODY);
        return true;
    }

    @Override
    public void close(Duration deadline) {
        log4j2.stop(); // drains Log4j2's ring into the appender, which then flushes the engine
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
