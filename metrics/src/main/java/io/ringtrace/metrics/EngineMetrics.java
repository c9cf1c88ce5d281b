package io.ringtrace.metrics;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.DropReason;
import java.util.Locale;

/**
 * Publishes a {@link TraceEngine}'s span pipeline health as observable instruments of the {@value
 * #SCOPE} meter, read from {@link TraceEngine#stats(EngineStats)} at each collection (allocation-free),
 * under the OpenTelemetry semantic conventions for SDK self-observability where they name the
 * quantity:
 * <ul>
 *   <li>{@code otel.sdk.exporter.span.exported} {span}: spans the receiver accepted, and with {@code
 *       error.type} ({@code rejected}, {@code export_failed}, {@code shutdown}) spans lost after the
 *       hand-off to the exporter;</li>
 *   <li>{@code otel.sdk.exporter.span.inflight} {span}: spans handed to the exporter and not yet completed;</li>
 *   <li>{@code otel.sdk.processor.span.queue.size} and {@code .queue.capacity} {span}: the ring's backlog and size;</li>
 *   <li>{@code ringtrace.engine.span.published} {span}: sampled spans handed to the engine;</li>
 *   <li>{@code ringtrace.engine.span.dropped} {span} with {@code error.type} ({@code ring_full},
 *       {@code pool_exhausted}, {@code span_too_large}, {@code invalid_span}): spans lost before export;</li>
 *   <li>{@code ringtrace.engine.export.requests} and {@code ringtrace.engine.export.requests.failed} {request};</li>
 *   <li>{@code ringtrace.engine.memory.off_heap} By: off-heap bytes the engine holds.</li>
 * </ul>
 * The export latency histogram stays in {@link EngineStats#exportLatency()}.
 */
public final class EngineMetrics {

    /** The instrumentation scope of the engine's instruments. */
    public static final String SCOPE = "io.ringtrace.engine";
    private static final DropReason[] BEFORE_EXPORT = {DropReason.RING_FULL, DropReason.POOL_EXHAUSTED, DropReason.SPAN_TOO_LARGE,
        DropReason.INVALID_SPAN};
    private static final DropReason[] AFTER_HAND_OFF = {DropReason.REJECTED, DropReason.EXPORT_FAILED, DropReason.SHUTDOWN};

    private final TraceEngine engine;
    private final EngineStats stats = new EngineStats();

    private EngineMetrics(TraceEngine engine) {
        this.engine = engine;
    }

    /**
     * Registers the engine's instruments in {@code provider}. Once per engine and provider: a second
     * call registers nothing new (the instruments exist) but its callbacks would report twice.
     *
     * @param provider where to publish; its collections read the engine's counters
     * @param engine the engine to observe (read only; closing it leaves the last values reported)
     */
    public static void register(MeterProvider provider, TraceEngine engine) {
        if (provider == null || engine == null) {
            throw new IllegalArgumentException("provider and engine must not be null");
        }
        new EngineMetrics(engine).registerIn(provider.meter(InstrumentationScope.of(SCOPE)));
    }

    private static Attributes[] errorTypes(DropReason[] reasons) {
        Attributes[] out = new Attributes[reasons.length];
        for (int i = 0; i < reasons.length; i++) {
            out[i] = Attributes.of(SelfMetrics.ERROR_TYPE, reasons[i].name().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private EngineStats refresh() {
        return engine.stats(stats);
    }

    private void registerIn(Meter meter) {
        Attributes[] lostBefore = errorTypes(BEFORE_EXPORT);
        Attributes[] lostAfter = errorTypes(AFTER_HAND_OFF);
        meter.observableLongCounter("otel.sdk.exporter.span.exported").unit("{span}")
                .description("Spans whose export finished; with error.type when they were lost")
                .callback(m -> {
                    refresh();
                    m.record(stats.exported(), Attributes.empty());
                    for (int i = 0; i < AFTER_HAND_OFF.length; i++) {
                        long lost = stats.dropped(AFTER_HAND_OFF[i]);
                        if (lost != 0) {
                            m.record(lost, lostAfter[i]);
                        }
                    }
                }).build();
        meter.observableLongUpDownCounter("otel.sdk.exporter.span.inflight").unit("{span}")
                .description("Spans handed to the exporter, not yet completed")
                .callback(m -> m.record(refresh().requestSpansOutstanding(), Attributes.empty())).build();
        meter.observableLongUpDownCounter("otel.sdk.processor.span.queue.size").unit("{span}")
                .description("Spans in the ring, published and not yet serialized")
                .callback(m -> m.record(refresh().ringBacklog(), Attributes.empty())).build();
        meter.observableLongUpDownCounter("otel.sdk.processor.span.queue.capacity").unit("{span}")
                .description("Slots of the ring")
                .callback(m -> m.record(refresh().ringCapacity(), Attributes.empty())).build();
        meter.observableLongCounter("ringtrace.engine.span.published").unit("{span}")
                .description("Sampled spans handed to the engine")
                .callback(m -> m.record(refresh().published(), Attributes.empty())).build();
        meter.observableLongCounter("ringtrace.engine.span.dropped").unit("{span}")
                .description("Spans lost before export, by reason")
                .callback(m -> {
                    refresh();
                    for (int i = 0; i < BEFORE_EXPORT.length; i++) {
                        long lost = stats.dropped(BEFORE_EXPORT[i]);
                        if (lost != 0) {
                            m.record(lost, lostBefore[i]);
                        }
                    }
                }).build();
        meter.observableLongCounter("ringtrace.engine.export.requests").unit("{request}")
                .description("Span export requests handed to the exporter")
                .callback(m -> m.record(refresh().requestsSent(), Attributes.empty())).build();
        meter.observableLongCounter("ringtrace.engine.export.requests.failed").unit("{request}")
                .description("Span export requests that failed")
                .callback(m -> m.record(refresh().requestsFailed(), Attributes.empty())).build();
        meter.observableLongGauge("ringtrace.engine.memory.off_heap").unit("By")
                .description("Off-heap bytes the engine holds")
                .callback(m -> m.record(refresh().offHeapBytesHeld(), Attributes.empty())).build();
    }
}
