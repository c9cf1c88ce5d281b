package io.ringtrace.engine;

import io.ringtrace.engine.ops.OperabilityOptions;
import io.ringtrace.codec.Resource;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanSlot;
import io.ringtrace.engine.export.SpanExporter;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Configures and starts a {@link TraceEngine}. Every setter validates its argument at once
 * ({@link IllegalArgumentException} naming the setting); {@link #build()} checks the combination and
 * starts the engine. Defaults follow the OpenTelemetry batch span processor where one applies,
 * except the ring size and the batch size, chosen by measurement (see their constants).
 *
 * <table>
 *   <caption>Settings, defaults and environment variables</caption>
 *   <tr><th>setting</th><th>default</th><th>variable ({@link #fromEnvironment()})</th></tr>
 *   <tr><td>{@link #ringSize(int)}</td><td>{@value #DEFAULT_RING_SIZE}</td>
 *       <td>{@code OTEL_BSP_MAX_QUEUE_SIZE}, rounded up to a power of two; the ring may take at most
 *       three quarters of the maximum heap</td></tr>
 *   <tr><td>{@link #maxExportBatchSize(int)}</td><td>{@value #DEFAULT_MAX_EXPORT_BATCH_SIZE}</td>
 *       <td>{@code OTEL_BSP_MAX_EXPORT_BATCH_SIZE}</td></tr>
 *   <tr><td>{@link #scheduleDelay(Duration)}</td><td>5 s</td><td>{@code OTEL_BSP_SCHEDULE_DELAY} (ms)</td></tr>
 *   <tr><td>{@link #sampler(Sampler)}</td><td>{@code parentbased_always_on}</td>
 *       <td>{@code OTEL_TRACES_SAMPLER}, {@code OTEL_TRACES_SAMPLER_ARG}</td></tr>
 *   <tr><td>{@link #resource(Resource)}</td><td>{@code service.name=unknown_service:java}</td>
 *       <td>{@code OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES}</td></tr>
 *   <tr><td>{@link #disabled(boolean)}</td><td>false</td><td>{@code OTEL_SDK_DISABLED}</td></tr>
 *   <tr><td>{@link #maxRequestBytes(int)}</td><td>{@value #DEFAULT_MAX_REQUEST_BYTES} (1 MiB)</td><td>-</td></tr>
 *   <tr><td>{@link #requestBuffers(int)}</td><td>the exporter's {@link SpanExporter#maxInFlight()} + 1, at
 *       least {@value #DEFAULT_REQUEST_BUFFERS}</td><td>-</td></tr>
 *   <tr><td>{@link #overloadPolicy(OverloadPolicy)}</td><td>{@link OverloadPolicy#DROP}</td><td>-</td></tr>
 *   <tr><td>{@link #waitStrategy(WaitStrategyType)}</td><td>{@link WaitStrategyType#SLEEPING}</td><td>-</td></tr>
 *   <tr><td>{@link #spanLimits(SpanLimits)}</td><td>{@link SpanLimits#defaults()}</td><td>-</td></tr>
 *   <tr><td>{@link #slotBytes(int)}</td><td>{@value #DEFAULT_SLOT_BYTES}</td><td>-</td></tr>
 *   <tr><td>{@link #overflowBuffers(int)}</td><td>{@value #DEFAULT_OVERFLOW_BUFFERS}</td><td>-</td></tr>
 *   <tr><td>{@link #spansPerThread(int)}</td><td>{@value #DEFAULT_SPANS_PER_THREAD}</td><td>-</td></tr>
 *   <tr><td>{@link #name(String)}</td><td>{@code "default"}</td><td>-</td></tr>
 *   <tr><td>{@link #operability(OperabilityOptions)}</td><td>{@link OperabilityOptions#defaults()}</td><td>-</td></tr>
 * </table>
 *
 * <p>Not thread-safe; build once.
 */
public final class TraceEngineBuilder {

    /**
     * Default ring size (slots): 16,384 slots of 512 B hold 33 ms of spans at 500k spans/s for ~9.8 MB
     * of heap. Chosen by measurement against 8,192 (bench/README.md: end to end over gRPC at 500k
     * spans/s with 4096-span requests it dropped a third as many spans).
     */
    public static final int DEFAULT_RING_SIZE = 16384;
    /** Largest ring size accepted. */
    public static final int MAX_RING_SIZE = PipelineSettings.MAX_RING_SIZE;
    /**
     * Default maximum spans per export request: 4096, not the OpenTelemetry SDK's 512. A request
     * costs the transport a few KB of objects whatever its size, so bigger requests cut the pipeline's
     * allocation per span (measured end to end at 500k spans/s: 2.9 B/span and 2 GC cycles in 60 s
     * against 10.2 B/span and 8 cycles with 512); at lower rates the schedule delay seals requests
     * earlier. Typical spans of ~250 B fill the default 1 MiB request at about this count.
     */
    public static final int DEFAULT_MAX_EXPORT_BATCH_SIZE = 4096;
    /**
     * Default maximum serialized size of one export request: 1 MiB, a quarter of gRPC's default 4 MiB
     * message limit and room for 4096 spans of 256 B. Each request buffer needs ~2.13x this, and
     * Chronicle touches (zeroes) off-heap memory when it allocates it, so the pool is resident at
     * once: 4 or 5 x ~2.2 MB with the defaults (see {@link #requestBuffers(int)}; measured: a 64 MiB
     * {@code Bytes.allocateDirect} raises the process RSS by 64 MiB).
     */
    public static final int DEFAULT_MAX_REQUEST_BYTES = PipelineSettings.DEFAULT_MAX_REQUEST_BYTES;
    /** Largest request size accepted: 64 MiB. */
    public static final int MAX_REQUEST_BYTES = PipelineSettings.MAX_REQUEST_BYTES;
    /**
     * Fewest off-heap request buffers by default. The default is the exporter's {@link
     * SpanExporter#maxInFlight()} + 1 (so the serializer has a buffer to fill while every request the
     * exporter allows is in flight), and at least this: 5 with the OTLP exporters' 4 in flight.
     */
    public static final int DEFAULT_REQUEST_BUFFERS = PipelineSettings.DEFAULT_REQUEST_BUFFERS;
    /** Largest number of request buffers accepted. */
    public static final int MAX_REQUEST_BUFFERS = PipelineSettings.MAX_REQUEST_BUFFERS;
    /** Default schedule delay (batch linger) ({@code OTEL_BSP_SCHEDULE_DELAY}'s default). */
    public static final Duration DEFAULT_SCHEDULE_DELAY = Duration.ofMillis(5000);
    /** Default bytes per ring slot: a typical span (name, a dozen attributes, an event) fits. */
    public static final int DEFAULT_SLOT_BYTES = SpanSlot.DEFAULT_SLOT_BYTES;
    /** Default number of overflow buffers, for spans bigger than a slot. */
    public static final int DEFAULT_OVERFLOW_BUFFERS = 64;
    /** Largest number of overflow buffers accepted. */
    public static final int MAX_OVERFLOW_BUFFERS = PipelineSettings.MAX_OVERFLOW_BUFFERS;
    /** Default number of pooled span flyweights per thread (maximum open spans per thread). */
    public static final int DEFAULT_SPANS_PER_THREAD = 32;

    String name = "default";
    Resource resource;
    /** Ring, slots, batching, request buffers, overload and wait strategy: validated there. */
    final PipelineSettings pipeline = new PipelineSettings(EnvironmentConfig.BSP_MAX_QUEUE_SIZE, DEFAULT_RING_SIZE,
            DEFAULT_SLOT_BYTES, DEFAULT_OVERFLOW_BUFFERS, DEFAULT_MAX_EXPORT_BATCH_SIZE, DEFAULT_SCHEDULE_DELAY);
    Sampler sampler = Sampler.parentBased(Sampler.alwaysOn());
    SpanLimits spanLimits = SpanLimits.defaults();
    int spansPerThread = DEFAULT_SPANS_PER_THREAD;
    SpanExporter exporter;
    boolean disabled;
    SpanPoolListener spanPoolListener;
    OperabilityOptions operability = OperabilityOptions.defaults();

    TraceEngineBuilder() {}

    /**
     * @param name the engine's name, used in thread names ({@code ringtrace-serializer-<name>}), logs
     *     and JFR events; letters, digits, {@code . _ -}, 1 to 64 chars
     * @return this
     */
    public TraceEngineBuilder name(String name) {
        this.name = PipelineSettings.checkName(name);
        return this;
    }

    /**
     * @param resource the resource every exported span belongs to
     * @return this
     */
    public TraceEngineBuilder resource(Resource resource) {
        this.resource = Objects.requireNonNull(resource, "resource");
        return this;
    }

    /**
     * @param slots number of ring slots: a power of two in [2, {@value #MAX_RING_SIZE}]; each slot
     *     takes {@link #slotBytes(int)} of one pre-allocated array (see the memory bound in {@link
     *     TraceEngine}); {@link #build()} rejects a ring of more than 2 GiB, or that would take more
     *     than three quarters of the maximum heap
     * @return this
     */
    public TraceEngineBuilder ringSize(int slots) {
        pipeline.ringSize(slots);
        return this;
    }

    /**
     * @param policy what {@code Span.end()} does when the ring is full
     * @return this
     */
    public TraceEngineBuilder overloadPolicy(OverloadPolicy policy) {
        pipeline.overloadPolicy(policy);
        return this;
    }

    /**
     * @param spans maximum spans per export request, at least 1 (a batch is built in a request
     *     buffer, not in the ring, so it may exceed the ring size)
     * @return this
     */
    public TraceEngineBuilder maxExportBatchSize(int spans) {
        pipeline.maxExportBatchSize(spans);
        return this;
    }

    /**
     * @param bytes maximum serialized size of one export request, in [{@value
     *     io.ringtrace.codec.TraceRequestEncoder#MIN_REQUEST_BYTES}, {@value #MAX_REQUEST_BYTES}]; a single span larger
     *     than that is dropped as {@code SPAN_TOO_LARGE}
     * @return this
     */
    public TraceEngineBuilder maxRequestBytes(int bytes) {
        pipeline.maxRequestBytes(bytes);
        return this;
    }

    /**
     * @param delay the longest a partial batch waits before it is sealed and exported, counted from
     *     its first span; zero seals whenever the serializer has caught up with the ring; at most 1 hour
     * @return this
     */
    public TraceEngineBuilder scheduleDelay(Duration delay) {
        pipeline.scheduleDelay(delay);
        return this;
    }

    /**
     * @param buffers number of off-heap request buffers in [1, 1024]: one is being filled while the
     *     others are in flight, so the exporter has at most {@code buffers - 1} requests in flight
     *     while the serializer fills the next. Default: the exporter's {@link
     *     SpanExporter#maxInFlight()} + 1, at least {@value #DEFAULT_REQUEST_BUFFERS}. A value at or
     *     below the exporter's {@code maxInFlight()} is accepted (less memory) and {@link #build()}
     *     logs a warning: while that many requests are in flight the serializer has no buffer to fill
     * @return this
     */
    public TraceEngineBuilder requestBuffers(int buffers) {
        pipeline.requestBuffers(buffers);
        return this;
    }

    /**
     * @param type how the serializer waits for spans; see {@link WaitStrategyType} for the trade-off
     * @return this
     */
    public TraceEngineBuilder waitStrategy(WaitStrategyType type) {
        pipeline.waitStrategy(type);
        return this;
    }

    /**
     * @param sampler decides at span start which spans are recorded
     * @return this
     */
    public TraceEngineBuilder sampler(Sampler sampler) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        return this;
    }

    /**
     * @param limits per-span limits; they size every ring slot and pooled span
     * @return this
     */
    public TraceEngineBuilder spanLimits(SpanLimits limits) {
        this.spanLimits = Objects.requireNonNull(limits, "spanLimits");
        return this;
    }

    /**
     * @param bytes bytes per ring slot: a power of two in [{@value SpanSlot#MIN_SLOT_BYTES}, {@value
     *     SpanSlot#MAX_SLOT_BYTES}]; the slot holds a {@value SpanSlot#HEADER_BYTES}-byte header and
     *     the span's texts, attributes, events and links in wire form. A span bigger than its slot
     *     moves into an overflow buffer ({@link #overflowBuffers(int)}): one more copy of the span
     *     and a claim on a shared pool, so size the slot for the typical span
     * @return this
     */
    public TraceEngineBuilder slotBytes(int bytes) {
        pipeline.slotBytes(bytes, SpanSlot.isValidSlotBytes(bytes),
                "[" + SpanSlot.MIN_SLOT_BYTES + ", " + SpanSlot.MAX_SLOT_BYTES + "]");
        return this;
    }

    /**
     * @param buffers overflow buffers for spans bigger than a slot, in [0, {@value
     *     #MAX_OVERFLOW_BUFFERS}]; each takes {@code SpanSlot.maxSpanBytes(spanLimits)} bytes of heap
     *     (~8.3 KB with the default limits), so any span within the limits fits one. A buffer is held
     *     from the moment a span outgrows its slot until the serializer has encoded it; a span that
     *     finds none free is dropped whole and counted {@code SPAN_TOO_LARGE}, never sent cut
     * @return this
     */
    public TraceEngineBuilder overflowBuffers(int buffers) {
        pipeline.overflowBuffers(buffers);
        return this;
    }

    /**
     * @param spans maximum open spans per thread in the span API, in [1, 4096]; beyond it
     *     {@code start()} returns a no-op span, counted as {@code POOL_EXHAUSTED} if it was sampled
     * @return this
     */
    public TraceEngineBuilder spansPerThread(int spans) {
        if (spans < 1 || spans > 4096) {
            throw new IllegalArgumentException("spansPerThread must be in [1, 4096], got " + spans);
        }
        this.spansPerThread = spans;
        return this;
    }

    /**
     * @param exporter where sealed requests go; required unless the engine is disabled. The engine
     *     owns it: it shuts it down on close, at once if the engine is disabled, and before a failing
     *     {@link #build()} throws.
     * @return this
     */
    public TraceEngineBuilder exporter(SpanExporter exporter) {
        this.exporter = Objects.requireNonNull(exporter, "exporter");
        return this;
    }

    /**
     * @param listener told about each per-thread span pool when it is created (e.g. an open-span leak
     *     detector), or null for none
     * @return this
     */
    public TraceEngineBuilder spanPoolListener(SpanPoolListener listener) {
        this.spanPoolListener = listener;
        return this;
    }

    /**
     * @param disabled true builds a no-op engine: no thread, no memory, no-op spans, claims return
     *     {@link TraceEngine#DISABLED} (as {@code OTEL_SDK_DISABLED=true} does); an exporter given
     *     anyway is shut down by {@link #build()}
     * @return this
     */
    public TraceEngineBuilder disabled(boolean disabled) {
        this.disabled = disabled;
        return this;
    }

    /**
     * Applies the standard OpenTelemetry variables that are set (see the table above); settings not
     * set keep their current value. For each, a system property with the OpenTelemetry name
     * ({@code otel.bsp.schedule.delay}) wins over the environment variable, as in the OpenTelemetry
     * SDK's autoconfiguration. {@code OTEL_BSP_EXPORT_TIMEOUT} and {@code OTEL_EXPORTER_OTLP_*}
     * belong to the exporter.
     *
     * @return this
     * @throws IllegalArgumentException naming the variable, if a value is invalid
     */
    public TraceEngineBuilder fromEnvironment() {
        return fromEnvironment(io.ringtrace.engine.config.OtelConfiguration.system());
    }

    /**
     * {@link #fromEnvironment()} with the variables read from {@code variables} (e.g. a map's
     * {@code get}), for tests and for programs that keep their configuration elsewhere.
     *
     * @param variables returns a variable's value by its name ({@code OTEL_...}), or null
     * @return this
     */
    public TraceEngineBuilder fromEnvironment(Function<String, String> variables) {
        EnvironmentConfig.apply(Objects.requireNonNull(variables, "variables"), this);
        return this;
    }

    /**
     * Validates the configuration, allocates the ring and the request buffers, and starts the
     * serializer thread.
     *
     * <p>The engine owns the exporter from here on: a running engine shuts it down on close; a
     * disabled engine, which never exports, shuts it down at once; and a {@code build()} that throws
     * has shut it down before it throws (there is no engine left to close).
     *
     * @return the running engine (or the no-op engine, if disabled)
     * @throws IllegalStateException if no exporter was set (and the engine is not disabled), or if a
     *     JVM flag that the off-heap buffers need is missing (the message names it: see the README's
     *     "JVM flags")
     * @throws IllegalArgumentException if {@code ringSize x slotBytes} passes 2 GiB (one Java array),
     *     or the ring would take more than three quarters of the maximum heap ({@code
     *     Runtime.maxMemory()}): {@code ringSize x (slotBytes + 56)} plus the overflow buffers
     *     ({@code overflowBuffers x (SpanSlot.maxSpanBytes(spanLimits) + 24)}); the message names the
     *     settings, the bytes needed and the heap
     */
    public TraceEngine build() {
        if (!disabled && exporter == null) {
            throw new IllegalStateException("an exporter is required: call exporter(...) (or disabled(true))");
        }
        TraceEngine engine;
        try {
            if (!disabled) {
                pipeline.checkForBuild(name, exporter, SpanSlot.maxSpanBytes(spanLimits), spanLimits);
            }
            if (resource == null) {
                resource = EnvironmentConfig.defaultResource(null, null);
            }
            engine = new TraceEngine(this);
        } catch (RuntimeException | Error e) {
            PipelineSettings.shutDownUnused(exporter, e);
            throw e;
        }
        if (disabled) {
            PipelineSettings.shutDownUnused(exporter, null); // a disabled engine never exports: free its channel and threads now
            return engine;
        }
        engine.startOperability(operability); // MBean, monitor, JFR hook; if it fails, it closes the engine (and exporter)
        return engine;
    }

    /**
     * @param ringSize the ring's slots
     * @param slotBytes bytes per slot
     * @param overflowBuffers overflow buffers
     * @param limits the span limits that size each overflow buffer
     * @return the heap the ring takes: the slots, a flyweight and the ring's reference to it per
     *     slot, and the overflow buffers
     */
    static long ringHeapBytes(int ringSize, int slotBytes, int overflowBuffers, SpanLimits limits) {
        return RingSlots.heapBytes(ringSize, slotBytes, overflowBuffers, SpanSlot.maxSpanBytes(limits));
    }

    /**
     * What the engine shows about itself: the JMX MBean {@code io.ringtrace:type=Engine,name=<name>},
     * the GC and memory monitor, JFR drop-burst events and the open-span leak detector (off by
     * default). See {@code engine/README.md}, "Operability".
     *
     * @param options the options (default {@link OperabilityOptions#defaults()})
     * @return this
     */
    public TraceEngineBuilder operability(OperabilityOptions options) {
        this.operability = java.util.Objects.requireNonNull(options, "operability");
        return this;
    }
}
