package io.ringtrace.bench.load;

import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.bench.RingtraceShape;
import io.ringtrace.bench.logs.LogShape;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.LogEngineBuilder;
import io.ringtrace.engine.OverloadPolicy;
import java.util.List;
import java.util.Locale;

/**
 * The load tool's log systems ({@code --signal=logs}), each emitting the {@link LogShape typical
 * record} per call: {@value #OTEL_LOGS_SDK} (OpenTelemetry's logs SDK), {@value #RINGTRACE_LOGGER}
 * (ringtrace's logger API), {@value #LOG4J2_RINGTRACE} (Log4j2's asynchronous garbage-free logger
 * into ringtrace's appender) and {@value #LOG4J2_FILE} (the same logger writing lines to a file: the
 * reference); and, when named, {@value #RINGTRACE_LOGGER_EMPTY} (the logger API's floor: a record
 * with no body and no attribute). Creates them, builds their ringtrace log engine, and says what the
 * JVMs running them need and how the report describes them.
 */
final class LogSystems {

    /** OpenTelemetry's logs SDK: {@code BatchLogRecordProcessor} + OTLP exporter. */
    static final String OTEL_LOGS_SDK = "otel-logs-sdk";
    /** ringtrace's logger API on a {@code LogEngine}. */
    static final String RINGTRACE_LOGGER = "ringtrace-logger";
    /** Log4j2 asynchronous garbage-free logger + {@code RingtraceAppender}. */
    static final String LOG4J2_RINGTRACE = "log4j2-ringtrace";
    /** Log4j2 asynchronous garbage-free logger + a {@code RandomAccessFile} appender. */
    static final String LOG4J2_FILE = "log4j2-file";
    /**
     * ringtrace's logger API with an empty record ({@code logger.atInfo().emit()}): the floor under
     * {@value #RINGTRACE_LOGGER}'s records, run only when {@code --systems} names it.
     */
    static final String RINGTRACE_LOGGER_EMPTY = "ringtrace-logger-empty";
    /** The log systems a run has unless {@code --systems} names others, in report order. */
    static final List<String> DEFAULTS = List.of(OTEL_LOGS_SDK, RINGTRACE_LOGGER, LOG4J2_RINGTRACE, LOG4J2_FILE);
    /** Every log system, in report order. */
    static final List<String> ALL = List.of(OTEL_LOGS_SDK, RINGTRACE_LOGGER, RINGTRACE_LOGGER_EMPTY, LOG4J2_RINGTRACE,
            LOG4J2_FILE);

    private LogSystems() {
    }

    /**
     * @param spec a run of a log system
     * @return the system, started
     */
    static LoadSystem create(RunSpec spec) {
        switch (spec.system()) {
            case OTEL_LOGS_SDK:
                return new OtelLogsSdkSystem(spec);
            case RINGTRACE_LOGGER:
                return new RingtraceLoggerSystem(spec);
            case RINGTRACE_LOGGER_EMPTY:
                return new RingtraceEmptyLogSystem(spec);
            case LOG4J2_RINGTRACE:
                return new Log4j2RingtraceSystem(spec);
            case LOG4J2_FILE:
                return new Log4j2FileSystem(spec);
            default:
                throw new IllegalArgumentException("unknown log system '" + spec.system() + "': expected one of " + ALL);
        }
    }

    /** @return whether the system runs Log4j2, whose flags its JVM needs ({@link LogShape#log4j2Flags()}) */
    static boolean usesLog4j2(String system) {
        return system.equals(LOG4J2_RINGTRACE) || system.equals(LOG4J2_FILE);
    }

    /** @return whether the system exports to the receiver (the file reference writes a file) */
    static boolean exportsToReceiver(String system) {
        return !system.equals(LOG4J2_FILE);
    }

    /**
     * The log engine of the ringtrace log systems: the run's ring size, overload policy and batch
     * size, otherwise the defaults, and the run's transport ({@link RingtraceTransport}).
     *
     * @param spec the run
     * @param discarding the exporter for transport {@code none} (null otherwise)
     * @return the started engine
     */
    static LogEngine engine(RunSpec spec, DiscardingSpanExporter discarding) {
        LogEngineBuilder builder = LogEngine.builder()
                .resource(RingtraceShape.resource())
                .overloadPolicy(spec.policy().equals("block") ? OverloadPolicy.BLOCK : OverloadPolicy.DROP);
        if (spec.ringSize() != 0) {
            builder.ringSize(spec.ringSize());
        }
        if (spec.batch() != 0) {
            builder.maxExportBatchSize(spec.batch());
        }
        if (spec.maxRequestBytes() != 0) {
            builder.maxRequestBytes(spec.maxRequestBytes());
        }
        return builder.exporter(RingtraceTransport.exporter(spec, null, discarding)).build();
    }

    /**
     * @param ringSize the ring option
     * @param batch the batch option (0: defaults)
     * @param policy the overload policy option
     * @return the report's lines on how each log system was configured
     */
    static String describe(int ringSize, int batch, String policy) {
        String batchText = batch == 0 ? "512 (default)" : Integer.toString(batch); // the SDK's
        String engineBatchText = batch == 0 ? LogEngineBuilder.DEFAULT_MAX_EXPORT_BATCH_SIZE + " (default)"
                : Integer.toString(batch);
        return "- log record: INFO, string body `" + LogShape.BODY + "`, 2 string attributes (`" + LogShape.KEY_ORDER
                + "`, `" + LogShape.KEY_TIER + "`; Log4j2: thread-context entries put before each call), logger `"
                + LogShape.LOGGER + "` as the scope, the same on every system\n"
                + "- `" + OTEL_LOGS_SDK + "`: OpenTelemetry logs SDK, `SdkLoggerProvider` + `BatchLogRecordProcessor` (batch "
                + batchText + ", queue " + RunSpec.sdkQueueSize(batch) + ", 1 s delay) + its OTLP exporter (default sender);"
                + " a full queue drops, silently\n"
                + "- `" + RINGTRACE_LOGGER + "`: `logger.atInfo().body(..).attribute(K, v).attribute(K, v).emit()` (pre-encoded keys)"
                + " into a `LogEngine`, ring "
                + (ringSize == 0 ? LogEngineBuilder.DEFAULT_RING_SIZE + " (default)" : Integer.toString(ringSize))
                + " slots, batch " + engineBatchText + ", overload policy "
                + policy.toUpperCase(Locale.ROOT) + "\n"
                + "- `" + RINGTRACE_LOGGER_EMPTY + "` (when named): `logger.atInfo().emit()`, no body and no attribute, into"
                + " such a `LogEngine`: the claim, the level's prepared start, one clock reading and the publish under every"
                + " record of the logger API\n"
                + "- `" + LOG4J2_RINGTRACE + "`: Log4j2 asynchronous logger (its own ring blocks when full, its default), "
                + "garbage-free (`" + String.join(" ", LogShape.log4j2Flags()) + "`), `logger.info(body)` into "
                + "`RingtraceAppender` over such a `LogEngine`\n"
                + "- `" + LOG4J2_FILE + "`: the same Log4j2 setup writing a formatted line (ISO-8601 time, level, thread, logger,"
                + " both context entries, message) to a `RandomAccessFile` appender in a temporary directory (deleted after the"
                + " run); \"delivered\" is the appender's count in the window and the file's lines over the whole run\n";
    }
}
