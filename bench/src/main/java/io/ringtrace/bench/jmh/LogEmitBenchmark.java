package io.ringtrace.bench.jmh;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.bench.RingtraceShape;
import io.ringtrace.bench.logs.AsyncLog4j2;
import io.ringtrace.bench.logs.LogFile;
import io.ringtrace.bench.logs.LogShape;
import io.ringtrace.bench.sdk.CountingLogExporter;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.Logger;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.log4j2.RingtraceAppender;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.ThreadContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Emit cost of one log record (a string body and two string attributes, keys pre-built where the API
 * has them), one producer thread flat out, each system's pipeline running behind it. Run with
 * {@code -prof gc} for bytes per record: JMH 1.37 counts the bytes every thread of the JVM allocated,
 * so the score includes the pipeline's own threads (serializer, Log4j2's background thread, the
 * SDK's worker), not only the producer. Each variant runs in a fork of its own, so Log4j2's system
 * properties reach only its two variants. Each trial prints a {@code [delivery]} line and its
 * tear-down fails the run if a variant that must not lose records lost one.
 *
 * <ul>
 *   <li>{@link #otelSdk}: OpenTelemetry's logs SDK 1.68, {@code SdkLoggerProvider} with a
 *       {@code BatchLogRecordProcessor} (defaults: queue 2,048, batch 512, 1 s) and an exporter that
 *       counts and discards. Its queue drops when full, as it does in production: the score is read
 *       with the drop share it prints (not an error).</li>
 *   <li>{@link #ringtraceLogger}: ringtrace's logger API, {@code logger.atInfo().body(..).attribute(..)
 *       .attribute(..).emit()} into a {@code LogEngine} (defaults but {@link OverloadPolicy#BLOCK}) whose
 *       serializer encodes every record into OTLP requests that an exporter completes at once. BLOCK:
 *       the producer waits for a free slot, so the score includes backpressure and nothing is dropped
 *       (checked).</li>
 *   <li>{@link #log4j2Ringtrace}: Log4j2 2.26 asynchronous logger ({@code AsyncLoggerContextSelector}),
 *       garbage-free mode, {@code RingtraceClock}, into the {@link RingtraceAppender} writing into a
 *       {@code LogEngine} as above (BLOCK). The attributes are the two thread-context entries put
 *       before each call. Log4j2's own ring blocks when full (its default queue-full policy), so no
 *       record is dropped anywhere (checked).</li>
 *   <li>{@link #log4j2File}: the same asynchronous garbage-free logger writing a formatted line
 *       (ISO-8601 time, level, thread, logger, both context entries, message) to a
 *       {@code RandomAccessFile} appender in a temporary directory: the reference. Every line is
 *       counted in the file at tear-down (checked), then the file is deleted.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class LogEmitBenchmark {

    static final String BODY = LogShape.BODY;
    static final String KEY_ORDER = LogShape.KEY_ORDER;
    static final String KEY_TIER = LogShape.KEY_TIER;
    static final String ORDER = LogShape.ORDER;
    static final String TIER = LogShape.TIER;
    static final String LOGGER = LogShape.LOGGER;

    /** OpenTelemetry's logs SDK with its batch processor and a counting, discarding exporter. */
    @State(Scope.Benchmark)
    public static class OtelSdk {
        final AttributeKey<String> order = AttributeKey.stringKey(KEY_ORDER);
        final AttributeKey<String> tier = AttributeKey.stringKey(KEY_TIER);
        final CountingLogExporter exporter = new CountingLogExporter();
        SdkLoggerProvider provider;
        io.opentelemetry.api.logs.Logger logger;
        long published;
        long startNanos;

        /** Builds the provider. */
        @Setup(Level.Trial)
        public void start() {
            provider = SdkLoggerProvider.builder()
                    .setResource(Resource.getDefault())
                    .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter).build())
                    .build();
            logger = provider.get(LOGGER);
            startNanos = System.nanoTime();
        }

        /** Flushes, prints the delivery (the SDK's drops included) and shuts the provider down. */
        @TearDown(Level.Trial)
        public void stop() {
            provider.forceFlush().join(30, TimeUnit.SECONDS);
            DeliveryReport.print("otel-sdk logs", published, exporter.exported(), System.nanoTime() - startNanos);
            provider.shutdown().join(30, TimeUnit.SECONDS);
            if (exporter.exported() == 0) {
                throw new IllegalStateException("the logs SDK exported nothing");
            }
        }
    }

    /** A ringtrace log engine (BLOCK) with an exporter that completes every request at once. */
    @State(Scope.Benchmark)
    public static class Ringtrace {
        final Utf8Constant order = Utf8Constant.of(KEY_ORDER);
        final Utf8Constant tier = Utf8Constant.of(KEY_TIER);
        DiscardingSpanExporter exporter;
        LogEngine engine;
        Logger logger;
        long published;
        long startNanos;

        /** Starts the engine. */
        @Setup(Level.Trial)
        public void start() {
            exporter = new DiscardingSpanExporter();
            engine = blockingEngine(exporter);
            logger = engine.logger(InstrumentationScope.of(LOGGER));
            startNanos = System.nanoTime();
        }

        /** Flushes, checks that every record was exported, and closes the engine. */
        @TearDown(Level.Trial)
        public void stop() {
            closeAndCheck("ringtrace logger", engine, exporter, published, startNanos);
        }
    }

    /** Log4j2's asynchronous logger into the ringtrace appender, which writes into a BLOCK log engine. */
    @State(Scope.Benchmark)
    public static class Log4j2Ringtrace {
        DiscardingSpanExporter exporter;
        LogEngine engine;
        AsyncLog4j2 log4j2;
        org.apache.logging.log4j.Logger logger;
        long published;
        long startNanos;

        /** Starts the engine and the Log4j2 context. */
        @Setup(Level.Trial)
        public void start() {
            exporter = new DiscardingSpanExporter();
            engine = blockingEngine(exporter);
            RingtraceAppender appender = RingtraceAppender.newBuilder().setName("ringtrace").setLogEngine(engine).build();
            log4j2 = new AsyncLog4j2(appender, LOGGER);
            logger = log4j2.logger();
            startNanos = System.nanoTime();
        }

        /** Stops Log4j2 (draining its ring), then checks that every event was exported. */
        @TearDown(Level.Trial)
        public void stop() {
            log4j2.stop();
            closeAndCheck("log4j2 async + ringtrace appender", engine, exporter, published, startNanos);
        }
    }

    /** Log4j2's asynchronous logger writing formatted lines to a file in a temporary directory. */
    @State(Scope.Benchmark)
    public static class Log4j2File {
        LogFile file;
        AsyncLog4j2 log4j2;
        org.apache.logging.log4j.Logger logger;
        long published;
        long startNanos;

        /**
         * Creates the file's directory and starts the Log4j2 context.
         *
         * @throws IOException if the directory cannot be created
         */
        @Setup(Level.Trial)
        public void start() throws IOException {
            file = LogFile.createTemporary();
            log4j2 = new AsyncLog4j2(file.appender("file"), LOGGER);
            logger = log4j2.logger();
            startNanos = System.nanoTime();
        }

        /**
         * Stops Log4j2 (draining its ring and closing the file), checks every event is a line in the
         * file, and deletes it.
         *
         * @throws IOException if the file cannot be read or deleted
         */
        @TearDown(Level.Trial)
        public void stop() throws IOException {
            log4j2.stop();
            long lines = file.countLines();
            DeliveryReport.print("log4j2 async + file", published, lines, System.nanoTime() - startNanos);
            file.delete();
            if (lines != published) {
                throw new IllegalStateException("log4j2 wrote " + lines + " lines for " + published + " events");
            }
        }
    }

    /**
     * (a) OpenTelemetry's logs SDK.
     *
     * @param sdk the provider and its logger
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
            ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS})
    public void otelSdk(OtelSdk sdk) {
        sdk.logger.logRecordBuilder().setSeverity(Severity.INFO).setSeverityText("INFO").setBody(BODY)
                .setAttribute(sdk.order, ORDER).setAttribute(sdk.tier, TIER).emit();
        sdk.published++;
    }

    /**
     * (b) ringtrace's logger API.
     *
     * @param ringtrace the engine and its logger
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
            ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS})
    public void ringtraceLogger(Ringtrace ringtrace) {
        ringtrace.logger.atInfo().body(BODY).attribute(ringtrace.order, ORDER).attribute(ringtrace.tier, TIER).emit();
        ringtrace.published++;
    }

    /**
     * (c) Log4j2 asynchronous garbage-free logger with the ringtrace appender.
     *
     * @param log4j2 the context and its logger
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
            ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS,
            LogShape.ASYNC_SELECTOR, LogShape.THREADLOCALS, LogShape.GC_FREE_CONTEXT, LogShape.CLOCK})
    public void log4j2Ringtrace(Log4j2Ringtrace log4j2) {
        ThreadContext.put(KEY_ORDER, ORDER);
        ThreadContext.put(KEY_TIER, TIER);
        log4j2.logger.info(BODY);
        log4j2.published++;
    }

    /**
     * (d) Log4j2 asynchronous garbage-free logger writing a formatted line to a file: the reference.
     *
     * @param log4j2 the context and its logger
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
            ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS,
            LogShape.ASYNC_SELECTOR, LogShape.THREADLOCALS, LogShape.GC_FREE_CONTEXT, LogShape.CLOCK})
    public void log4j2File(Log4j2File log4j2) {
        ThreadContext.put(KEY_ORDER, ORDER);
        ThreadContext.put(KEY_TIER, TIER);
        log4j2.logger.info(BODY);
        log4j2.published++;
    }

    static LogEngine blockingEngine(DiscardingSpanExporter exporter) {
        return LogEngine.builder()
                .resource(RingtraceShape.resource())
                .overloadPolicy(OverloadPolicy.BLOCK)
                .exporter(exporter)
                .build();
    }

    /** Flushes and closes the engine, prints the delivery, and fails unless every record was exported. */
    static void closeAndCheck(String system, LogEngine engine, DiscardingSpanExporter exporter, long published,
            long startNanos) {
        engine.flush(Duration.ofSeconds(30));
        EngineStats stats = engine.stats(new EngineStats());
        DeliveryReport.print(system, published, exporter.exportedSpans(), System.nanoTime() - startNanos);
        System.out.printf("[delivery] %s: engine published %,d, exported %,d, dropped %,d%n",
                system, stats.published(), stats.exported(), stats.droppedTotal());
        engine.close(Duration.ofSeconds(30));
        if (published == 0 || exporter.exportedSpans() != published || stats.droppedTotal() != 0) {
            throw new IllegalStateException(system + ": " + published + " records emitted, "
                    + exporter.exportedSpans() + " exported, " + stats.droppedTotal() + " dropped");
        }
    }
}
