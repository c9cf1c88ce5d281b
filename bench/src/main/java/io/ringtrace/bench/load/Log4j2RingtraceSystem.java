package io.ringtrace.bench.load;

import io.ringtrace.bench.logs.AsyncLog4j2;
import io.ringtrace.bench.logs.LogShape;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.log4j2.RingtraceAppender;
import java.time.Duration;
import org.apache.logging.log4j.ThreadContext;

/**
 * Log4j2's asynchronous garbage-free logger into ringtrace's appender under load: two thread-context
 * entries and {@code logger.info(body)} per call; Log4j2's background thread maps each event into a
 * slot of a {@link LogEngine} ({@link LogSystems#engine}). Log4j2's own ring blocks the caller when
 * full; the engine's ring counts what it drops under {@code DROP}.
 */
final class Log4j2RingtraceSystem extends LogEngineSystem {

    private final AsyncLog4j2 log4j2;
    private final org.apache.logging.log4j.Logger logger;

    /** @param spec the run: transport, ring size, batch, policy */
    Log4j2RingtraceSystem(RunSpec spec) {
        super(spec);
        LogShape.applyLog4j2Flags(); // before Log4j2 loads (in-process runs; a forked run JVM has them as flags)
        RingtraceAppender appender = RingtraceAppender.newBuilder().setName("ringtrace").setLogEngine(engine).build();
        log4j2 = new AsyncLog4j2(appender, LogShape.LOGGER);
        logger = log4j2.logger();
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
        super.close(deadline);
    }
}
