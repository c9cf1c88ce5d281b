package io.ringtrace.log4j2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.async.AsyncLoggerConfig;
import org.apache.logging.log4j.util.Unbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 0 B per record through the appender in Log4j2's garbage-free mode (the module's tests run with
 * {@code log4j2.enableThreadlocals}, {@code log4j2.enableDirectEncoders} and {@code
 * log4j2.garbagefreeThreadContextMap}, and {@link RingtraceClock}): a parameterized message with
 * primitive parameters ({@link Unbox}), three thread context entries, thread attributes, inside a
 * ringtrace span whose ids the appender reads on the appending thread, through a synchronous logger
 * (the logging thread maps and encodes) and an asynchronous one ({@link AsyncLoggerConfig}: its
 * Disruptor thread maps and encodes), measured with {@code ThreadMXBean#getThreadAllocatedBytes}
 * over {@value #MEASURED} records after {@value #WARM_UP}, the least of {@value #ROUNDS} rounds.
 * The control runs the same loop with a context-key cache of 0 keys, which encodes each key per
 * record, and must be seen allocating.
 */
class GarbageFreeAppenderTest {

    private static final int WARM_UP = 30_000;
    private static final int MEASURED = 20_000;
    private static final int ROUNDS = 3;

    private static final Utf8Constant SPAN_NAME = Utf8Constant.of("request");

    private final TraceEngine traces = TraceEngine.builder().exporter(new InMemorySpanExporter()).build();
    private LoggerContext context;
    private RingtraceAppender appender;
    private EncodingSink sink;

    @AfterEach
    void stop() {
        ThreadContext.clearMap();
        if (context != null) {
            context.stop(10, TimeUnit.SECONDS);
        }
        if (sink != null) {
            sink.close(0);
        }
        traces.close();
    }

    /** A logger context with one logger, {@code async} or not, writing through the appender only. */
    private Logger logger(boolean async, int maxContextKeys) {
        LogLimits limits = LogLimits.defaults();
        sink = new EncodingSink(limits);
        appender = new RingtraceAppender("ringtrace", null, true, sink,
                new LogEventMapper(limits, true, 1024, 16, maxContextKeys), 1000);
        appender.traceEngine(traces);
        appender.start();
        context = TestLoggers.start("gc-" + async + "-" + maxContextKeys, async, appender);
        return context.getLogger("gc-" + async + "-" + maxContextKeys);
    }

    /** Logs {@code count} records and waits until the sink has encoded them all. */
    private void log(Logger logger, int count) {
        long target = sink.encoded + count;
        for (int i = 0; i < count; i++) {
            logger.info("order {} filled {} at {}", "A-17", Unbox.box(i), Unbox.box(101.25d));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sink.encoded < target) {
            if (System.nanoTime() > deadline) { // no message built per turn: this thread is measured
                fail("encoded " + sink.encoded + " of " + target);
            }
            LockSupport.parkNanos(100_000);
        }
        assertEquals(0, sink.refused, "no record refused");
    }

    /** @return bytes allocated per record by the thread that ran the appender, and by the logging thread */
    private double[] measure(boolean async, int maxContextKeys) {
        Logger logger = logger(async, maxContextKeys);
        ThreadContext.put("order.id", "A-17");
        ThreadContext.put("desk", "rates");
        ThreadContext.put("session", "s-1");
        Span span = traces.tracer(InstrumentationScope.of("gc")).start(SPAN_NAME); // current while logging
        log(logger, WARM_UP);
        long appenderThread = sink.publisherThreadId;
        double appending = Double.MAX_VALUE;
        double logging = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) { // the least of the rounds: a JIT recompilation can land in one
            long loggingBefore = ThreadAllocation.current();
            long appendingBefore = ThreadAllocation.of(appenderThread);
            log(logger, MEASURED);
            long appendingAfter = ThreadAllocation.of(appenderThread);
            long loggingAfter = ThreadAllocation.current();
            appending = Math.min(appending, (appendingAfter - appendingBefore) / (double) MEASURED);
            logging = Math.min(logging, (loggingAfter - loggingBefore) / (double) MEASURED);
        }
        span.end();
        return new double[] {appending, logging};
    }

    @Test
    void aSynchronousLoggerThroughTheAppenderAllocatesNothingPerRecord() {
        double[] perRecord = measure(false, 16);
        assertTrue(perRecord[0] < 0.1, "appending thread: " + perRecord[0] + " B per record");
    }

    @Test
    void anAsynchronousLoggerThroughTheAppenderAllocatesNothingPerRecordOnEitherThread() {
        double[] perRecord = measure(true, 16);
        assertTrue(sink.publisherThreadId != Thread.currentThread().getId(), "the Disruptor thread appends");
        assertTrue(perRecord[0] < 0.1, "appending (Disruptor) thread: " + perRecord[0] + " B per record");
        assertTrue(perRecord[1] < 0.1, "logging thread: " + perRecord[1] + " B per record");
    }

    @Test
    void theMeasurementSeesAnAppenderThatAllocates() {
        double[] perRecord = measure(true, 0); // each context key encoded per record: 3 Utf8Constants
        assertTrue(perRecord[0] > 50, "the control must allocate, measured " + perRecord[0] + " B per record");
    }
}
