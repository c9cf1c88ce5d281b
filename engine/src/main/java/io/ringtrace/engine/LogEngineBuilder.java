package io.ringtrace.engine;

import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.LogSlot;
import io.ringtrace.codec.Resource;
import io.ringtrace.codec.SpanSlot;
import io.ringtrace.engine.config.OtelConfiguration;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.ops.OperabilityOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Configures and starts a {@link LogEngine}. Every setter validates its argument at once
 * ({@link IllegalArgumentException} naming the setting); {@link #build()} checks the combination and
 * starts the engine. Defaults follow the OpenTelemetry batch log record processor where one applies,
 * except the ring size and the batch size, which are the span engine's, chosen by measurement (see
 * their constants). The {@code OTEL_BLRP_*} variables, when set, override the defaults as the
 * {@code OTEL_BSP_*} ones do for spans.
 *
 * <table>
 *   <caption>Settings, defaults and environment variables</caption>
 *   <tr><th>setting</th><th>default</th><th>variable ({@link #fromEnvironment()})</th></tr>
 *   <tr><td>{@link #ringSize(int)}</td><td>{@value #DEFAULT_RING_SIZE}</td>
 *       <td>{@code OTEL_BLRP_MAX_QUEUE_SIZE}, rounded up to a power of two</td></tr>
 *   <tr><td>{@link #maxExportBatchSize(int)}</td><td>{@value #DEFAULT_MAX_EXPORT_BATCH_SIZE}</td>
 *       <td>{@code OTEL_BLRP_MAX_EXPORT_BATCH_SIZE}</td></tr>
 *   <tr><td>{@link #scheduleDelay(Duration)}</td><td>1 s</td><td>{@code OTEL_BLRP_SCHEDULE_DELAY} (ms)</td></tr>
 *   <tr><td>{@link #exportTimeout(Duration)}</td><td>30 s</td><td>{@code OTEL_BLRP_EXPORT_TIMEOUT} (ms)</td></tr>
 *   <tr><td>{@link #disabled(boolean)}</td><td>false</td>
 *       <td>{@code OTEL_SDK_DISABLED=true}, {@code OTEL_LOGS_EXPORTER=none} ({@code otlp}: the exporter given)</td></tr>
 *   <tr><td>{@link #resource(Resource)}</td><td>{@code service.name=unknown_service:java}</td>
 *       <td>{@code OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES}</td></tr>
 *   <tr><td>{@link #maxRequestBytes(int)}</td><td>1 MiB</td><td>-</td></tr>
 *   <tr><td>{@link #requestBuffers(int)}</td><td>the exporter's {@code maxInFlight()} + 1, at least 4</td><td>-</td></tr>
 *   <tr><td>{@link #overloadPolicy(OverloadPolicy)}</td><td>{@link OverloadPolicy#DROP}</td><td>-</td></tr>
 *   <tr><td>{@link #waitStrategy(WaitStrategyType)}</td><td>{@link WaitStrategyType#SLEEPING}</td><td>-</td></tr>
 *   <tr><td>{@link #logLimits(LogLimits)}</td><td>{@link LogLimits#defaults()}</td><td>-</td></tr>
 *   <tr><td>{@link #slotBytes(int)}</td><td>{@value #DEFAULT_SLOT_BYTES}</td><td>-</td></tr>
 *   <tr><td>{@link #overflowBuffers(int)}</td><td>{@value #DEFAULT_OVERFLOW_BUFFERS}</td><td>-</td></tr>
 *   <tr><td>{@link #traceEngine(TraceEngine)}</td><td>none</td><td>-</td></tr>
 *   <tr><td>{@link #correlation(TraceCorrelation)}</td><td>none</td><td>-</td></tr>
 *   <tr><td>{@link #name(String)}</td><td>{@code "logs"}</td><td>-</td></tr>
 *   <tr><td>{@link #operability(OperabilityOptions)}</td><td>MBean and JFR events, no GC monitor</td><td>-</td></tr>
 * </table>
 *
 * <p>Not thread-safe; build once.
 */
public final class LogEngineBuilder {

    /**
     * Default ring size (slots): the span engine's ({@link TraceEngineBuilder#DEFAULT_RING_SIZE}),
     * not the SDK's queue of 2,048. 16,384 slots of 512 B hold 33 ms of records at 500k records/s,
     * for {@code 16,384 x (512 + 56)} = 9.3 MB of heap (with the 64 overflow buffers, 9,740,624 B;
     * 8,192 slots: 5,087,568 B). Log records come in bursts (a request's log lines, an error storm)
     * that a smaller ring cannot absorb: the span engine dropped a third as many spans with it as with
     * 8,192 at 500k/s end to end.
     */
    public static final int DEFAULT_RING_SIZE = TraceEngineBuilder.DEFAULT_RING_SIZE;
    /**
     * Default maximum records per export request: the span engine's 4096
     * ({@link TraceEngineBuilder#DEFAULT_MAX_EXPORT_BATCH_SIZE}), not the SDK's 512. A request costs
     * the transport a few KB of objects whatever its size, so bigger requests cut the allocation per
     * record, and fewer requests per second keep the exporter's in-flight slots free for bursts. It
     * costs no memory: the request buffers are sized by {@link #maxRequestBytes(int)}, not by the
     * record count (5 x 2,228,288 B off-heap with an OTLP exporter and 1 MiB requests, whatever the
     * batch; 4096 records of ~250 B fill 1 MiB, bigger records seal a request at that size first),
     * and at lower rates the schedule delay seals requests earlier.
     */
    public static final int DEFAULT_MAX_EXPORT_BATCH_SIZE = TraceEngineBuilder.DEFAULT_MAX_EXPORT_BATCH_SIZE;
    /** Default schedule delay ({@code OTEL_BLRP_SCHEDULE_DELAY}'s default). */
    public static final Duration DEFAULT_SCHEDULE_DELAY = Duration.ofMillis(1000);
    /** Default export timeout ({@code OTEL_BLRP_EXPORT_TIMEOUT}'s default): what {@link LogEngine#close()} waits. */
    public static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofMillis(30_000);
    /** Default bytes per ring slot: a log line of a few hundred characters with a few attributes fits. */
    public static final int DEFAULT_SLOT_BYTES = 512;
    /** Default number of overflow buffers, for records bigger than a slot. */
    public static final int DEFAULT_OVERFLOW_BUFFERS = 64;

    String name = "logs";
    Resource resource;
    /** Ring, slots, batching, request buffers, overload and wait strategy: validated there. */
    final PipelineSettings pipeline = new PipelineSettings(EnvironmentConfig.BLRP_MAX_QUEUE_SIZE, DEFAULT_RING_SIZE,
            DEFAULT_SLOT_BYTES, DEFAULT_OVERFLOW_BUFFERS, DEFAULT_MAX_EXPORT_BATCH_SIZE, DEFAULT_SCHEDULE_DELAY);
    LogLimits logLimits = LogLimits.defaults();
    Duration exportTimeout = DEFAULT_EXPORT_TIMEOUT;
    SpanExporter exporter;
    TraceEngine traceEngine;
    TraceCorrelation correlation;
    boolean disabled;
    /** The MBean and JFR events; no GC monitor (the span engine's watches the same JVM) and no leak detector. */
    OperabilityOptions operability = OperabilityOptions.builder().gcMonitor(false).build();

    LogEngineBuilder() {}

    /**
     * @param name the engine's name, in its thread's name ({@code ringtrace-logs-serializer-<name>}),
     *     logs and JFR events; letters, digits, {@code . _ -}, 1 to 64 chars
     * @return this
     */
    public LogEngineBuilder name(String name) {
        this.name = PipelineSettings.checkName(name);
        return this;
    }

    /** @param resource the resource every exported record belongs to @return this */
    public LogEngineBuilder resource(Resource resource) {
        this.resource = Objects.requireNonNull(resource, "resource");
        return this;
    }

    /**
     * @param slots number of ring slots: a power of two in [2, 2^24]; each takes {@link
     *     #slotBytes(int)} of one array; {@link #build()} rejects more than 2 GiB of slots or three
     *     quarters of the maximum heap
     * @return this
     */
    public LogEngineBuilder ringSize(int slots) {
        pipeline.ringSize(slots);
        return this;
    }

    /** @param policy what the logger API does when the ring is full ({@code DROP}: counted) @return this */
    public LogEngineBuilder overloadPolicy(OverloadPolicy policy) {
        pipeline.overloadPolicy(policy);
        return this;
    }

    /** @param records maximum records per export request, at least 1 @return this */
    public LogEngineBuilder maxExportBatchSize(int records) {
        pipeline.maxExportBatchSize(records);
        return this;
    }

    /**
     * @param bytes maximum serialized size of one export request, in [1024, 64 MiB]; a record alone
     *     larger is dropped as {@code SPAN_TOO_LARGE}
     * @return this
     */
    public LogEngineBuilder maxRequestBytes(int bytes) {
        pipeline.maxRequestBytes(bytes);
        return this;
    }

    /** @param delay the longest a partial batch waits before it is exported, in [0, 1h] @return this */
    public LogEngineBuilder scheduleDelay(Duration delay) {
        pipeline.scheduleDelay(delay);
        return this;
    }

    /**
     * @param timeout how long {@link LogEngine#close()} waits for what was published to be exported
     *     (the exporter's own per-request timeout is {@code OTEL_EXPORTER_OTLP_TIMEOUT}); in [0, 1h]
     * @return this
     */
    public LogEngineBuilder exportTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "exportTimeout");
        if (timeout.isNegative() || timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("exportTimeout must be in [0, 1h], got " + timeout);
        }
        this.exportTimeout = timeout;
        return this;
    }

    /**
     * @param buffers off-heap request buffers in [1, 1024]; default the exporter's {@code
     *     maxInFlight()} + 1, at least 4
     * @return this
     */
    public LogEngineBuilder requestBuffers(int buffers) {
        pipeline.requestBuffers(buffers);
        return this;
    }

    /** @param type how the serializer waits for records (see {@link WaitStrategyType}) @return this */
    public LogEngineBuilder waitStrategy(WaitStrategyType type) {
        pipeline.waitStrategy(type);
        return this;
    }

    /** @param limits per-record limits; they size every overflow buffer @return this */
    public LogEngineBuilder logLimits(LogLimits limits) {
        this.logLimits = Objects.requireNonNull(limits, "logLimits");
        return this;
    }

    /**
     * @param bytes bytes per ring slot: a power of two in [{@value SpanSlot#MIN_SLOT_BYTES}, {@value
     *     SpanSlot#MAX_SLOT_BYTES}]; a {@value LogSlot#HEADER_BYTES}-byte header and the record's
     *     texts, body and attributes in wire form. A bigger record moves into an overflow buffer
     * @return this
     */
    public LogEngineBuilder slotBytes(int bytes) {
        pipeline.slotBytes(bytes, SpanSlot.isValidSlotBytes(bytes),
                "[" + SpanSlot.MIN_SLOT_BYTES + ", " + SpanSlot.MAX_SLOT_BYTES + "]");
        return this;
    }

    /**
     * @param buffers overflow buffers for records bigger than a slot, in [0, 65536]; each takes
     *     {@code LogSlot.maxRecordBytes(logLimits)} bytes of heap (6,760 with the default limits); a
     *     record that finds none free is dropped whole as {@code SPAN_TOO_LARGE}
     * @return this
     */
    public LogEngineBuilder overflowBuffers(int buffers) {
        pipeline.overflowBuffers(buffers);
        return this;
    }

    /**
     * @param exporter where sealed requests go (an OTLP exporter for {@code Signal.LOGS}); required
     *     unless disabled. The engine owns it: it shuts it down on close, at once if disabled, and
     *     before a failing {@link #build()} throws
     * @return this
     */
    public LogEngineBuilder exporter(SpanExporter exporter) {
        this.exporter = Objects.requireNonNull(exporter, "exporter");
        return this;
    }

    /**
     * @param engine the span engine whose current span (on the emitting thread) the logger API puts
     *     into each record: trace id, span id, trace flags; null for none
     * @return this
     */
    public LogEngineBuilder traceEngine(TraceEngine engine) {
        this.traceEngine = engine;
        return this;
    }

    /**
     * A further source of the current trace context, asked when the {@link #traceEngine} has no
     * current span on the emitting thread (or there is no span engine): e.g. the interop module's
     * {@code OpenTelemetryCorrelation}, which reads OpenTelemetry's current span.
     *
     * @param source the source, or null for none
     * @return this
     */
    public LogEngineBuilder correlation(TraceCorrelation source) {
        this.correlation = source;
        return this;
    }

    /**
     * @param disabled true builds a no-op engine: no thread, no memory, claims return {@link
     *     LogEngine#DISABLED}, the logger API does nothing; an exporter given anyway is shut down by
     *     {@link #build()}
     * @return this
     */
    public LogEngineBuilder disabled(boolean disabled) {
        this.disabled = disabled;
        return this;
    }

    /**
     * What the engine shows about itself: the JMX MBean {@code io.ringtrace:type=Engine,name=<name>}
     * (the same attributes as the span engine's, counting log records) and JFR events; by default
     * without the GC and memory monitor, which the span engine runs for the JVM. The open-span leak
     * detector has nothing to watch here.
     *
     * @param options the options
     * @return this
     */
    public LogEngineBuilder operability(OperabilityOptions options) {
        this.operability = Objects.requireNonNull(options, "operability");
        return this;
    }

    /**
     * Applies the standard OpenTelemetry variables that are set (see the table above), through the
     * one resolver ({@link OtelConfiguration}): a system property ({@code otel.blrp.schedule.delay})
     * wins over the variable.
     *
     * @return this
     * @throws IllegalArgumentException naming the variable, if a value is invalid
     */
    public LogEngineBuilder fromEnvironment() {
        return fromEnvironment(OtelConfiguration.system());
    }

    /**
     * {@link #fromEnvironment()} with the variables read from {@code variables}.
     *
     * @param variables returns a variable's value by its name ({@code OTEL_...}), or null
     * @return this
     */
    public LogEngineBuilder fromEnvironment(Function<String, String> variables) {
        EnvironmentConfig.apply(Objects.requireNonNull(variables, "variables"), this);
        return this;
    }

    /**
     * Validates the configuration, allocates the ring and the request buffers, and starts the
     * serializer thread.
     *
     * @return the running engine (or the no-op engine, if disabled)
     * @throws IllegalStateException if no exporter was set (and the engine is not disabled), or a
     *     JVM flag the off-heap buffers need is missing
     * @throws IllegalArgumentException if the ring passes 2 GiB or three quarters of the maximum heap
     */
    public LogEngine build() {
        if (!disabled && exporter == null) {
            throw new IllegalStateException("an exporter is required: call exporter(...) (or disabled(true))");
        }
        LogEngine engine;
        try {
            if (!disabled) {
                pipeline.checkForBuild(name, exporter, LogSlot.maxRecordBytes(logLimits), logLimits);
            }
            if (resource == null) {
                resource = EnvironmentConfig.defaultResource(null, null);
            }
            engine = new LogEngine(this);
        } catch (RuntimeException | Error e) {
            PipelineSettings.shutDownUnused(exporter, e);
            throw e;
        }
        if (disabled) {
            PipelineSettings.shutDownUnused(exporter, null);
            return engine;
        }
        engine.startOperability(operability); // MBean, JFR hook; if it fails, it closes the engine (and exporter)
        return engine;
    }
}
