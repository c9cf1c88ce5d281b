package io.ringtrace.metrics;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;
import java.util.Locale;

/**
 * A provider's own health as instruments of the {@value #SCOPE} meter, read from its {@link
 * MetricsStats} at each collection, under the OpenTelemetry semantic conventions for SDK
 * self-observability where they name the quantity:
 * <ul>
 *   <li>{@code otel.sdk.exporter.metric_data_point.exported} {data_point}: points the receiver
 *       accepted, and with {@code error.type} ({@code rejected}, {@code export_failed}, {@code
 *       shutdown}) those lost after the hand-off;</li>
 *   <li>{@code otel.sdk.metric_reader.collection.duration} s, a histogram: each collection;</li>
 *   <li>{@code ringtrace.metrics.data_point.dropped} {data_point}: not handed over (no buffer in time, too large);</li>
 *   <li>{@code ringtrace.metrics.export.requests} {request}: completed requests, failed ones with
 *       {@code error.type=failed};</li>
 *   <li>{@code ringtrace.metrics.series.overflowed} {lookup}, {@code ringtrace.metrics.measurement.refused}
 *       {measurement}, {@code ringtrace.metrics.callback.failed} {callback}.</li>
 * </ul>
 * Allocation-free at collection.
 */
final class SelfMetrics {

    static final String SCOPE = "io.ringtrace.metrics";
    static final Utf8Constant ERROR_TYPE = Utf8Constant.of("error.type");
    /** Upper bounds for collection durations, in seconds: 100 us to 10 s. */
    private static final double[] DURATION_BOUNDARIES = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
        0.5, 1, 2.5, 5, 10};
    private static final DropReason[] AFTER_HAND_OFF = {DropReason.REJECTED, DropReason.EXPORT_FAILED, DropReason.SHUTDOWN};

    private final MeterProvider provider;
    private final MetricsStats stats = new MetricsStats();
    private final Attributes[] reasons = new Attributes[AFTER_HAND_OFF.length];
    private final Attributes failed = Attributes.of(ERROR_TYPE, "failed");
    private final Histogram.Bound collectionDuration;

    SelfMetrics(MeterProvider provider) {
        this.provider = provider;
        for (int i = 0; i < AFTER_HAND_OFF.length; i++) {
            reasons[i] = Attributes.of(ERROR_TYPE, AFTER_HAND_OFF[i].name().toLowerCase(Locale.ROOT));
        }
        Meter meter = provider.meter(InstrumentationScope.of(SCOPE));
        meter.observableLongCounter("otel.sdk.exporter.metric_data_point.exported").unit("{data_point}")
                .description("Metric data points whose export finished; with error.type when they were lost")
                .callback(m -> {
                    refresh();
                    m.record(stats.pointsExported(), Attributes.empty());
                    for (int i = 0; i < AFTER_HAND_OFF.length; i++) {
                        long lost = stats.pointsDropped(AFTER_HAND_OFF[i]);
                        if (lost != 0) {
                            m.record(lost, reasons[i]);
                        }
                    }
                }).build();
        meter.observableLongCounter("ringtrace.metrics.data_point.dropped").unit("{data_point}")
                .description("Metric data points a collection could not hand to the exporter")
                .callback(m -> m.record(refresh().pointsDroppedBeforeExport(), Attributes.empty())).build();
        meter.observableLongCounter("ringtrace.metrics.export.requests").unit("{request}")
                .description("Metric export requests the exporter completed; with error.type when they failed")
                .callback(m -> {
                    refresh();
                    m.record(stats.requestsSucceeded(), Attributes.empty());
                    m.record(stats.requestsFailed(), failed);
                }).build();
        meter.observableLongCounter("ringtrace.metrics.series.overflowed").unit("{lookup}")
                .description("Lookups of new attribute sets sent to an instrument's overflow series")
                .callback(m -> m.record(refresh().seriesOverflowed(), Attributes.empty())).build();
        meter.observableLongCounter("ringtrace.metrics.measurement.refused").unit("{measurement}")
                .description("Measurements refused: negative counter increments, NaN, infinities")
                .callback(m -> m.record(refresh().measurementsRefused(), Attributes.empty())).build();
        meter.observableLongCounter("ringtrace.metrics.callback.failed").unit("{callback}")
                .description("Observable instrument callbacks that threw")
                .callback(m -> m.record(refresh().callbacksFailed(), Attributes.empty())).build();
        this.collectionDuration = meter.histogram("otel.sdk.metric_reader.collection.duration").unit("s")
                .description("Duration of each collection: callbacks, aggregation, encoding and hand-off")
                .boundaries(DURATION_BOUNDARIES).build().bind(Attributes.empty());
    }

    private MetricsStats refresh() {
        return provider.stats(stats);
    }

    /** @param nanos how long the collection that just ended took; counted in the next one */
    void collected(long nanos) {
        collectionDuration.record(nanos / 1e9);
    }
}
