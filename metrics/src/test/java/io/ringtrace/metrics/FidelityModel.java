package io.ringtrace.metrics;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link EncodingFidelityTest}'s own model of what was recorded, and the request protobuf-java
 * builds from it with the official classes: the expected side of the byte comparison.
 */
final class FidelityModel {

    private FidelityModel() {}

    /** The expected state of one series, kept by the test independently of the instruments. */
    static final class Model {
        final Map<String, Object> attrs;
        final Attributes attributes;
        long longValue;
        double doubleValue;
        boolean recorded;
        long count;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long[] buckets;
        /** Exponential histograms: the values of the interval. */
        final List<Double> values = new ArrayList<>();
        /** Observable counters: the total reported at the previous collection. */
        long previousLong;
        double previousDouble;

        Model(Map<String, Object> attrs, Attributes attributes, int buckets) {
            this.attrs = attrs;
            this.attributes = attributes;
            this.buckets = new long[buckets];
        }
    }

    static final class InstrumentModel {
        final InstrumentKind kind;
        final String name;
        final String description;
        final String unit;
        Object instrument;
        final double[] boundaries;
        /** Exponential histograms: buckets per sign and starting scale. */
        int maxBuckets;
        int maxScale;
        final Map<Attributes, Model> series = new LinkedHashMap<>();
        /** Series in the order the instrument created them: first recording. */
        final List<Model> created = new ArrayList<>();

        InstrumentModel(InstrumentKind kind, String name, String description, String unit, Object instrument, double[] boundaries) {
            this.kind = kind;
            this.name = name;
            this.description = description;
            this.unit = unit;
            this.instrument = instrument;
            this.boundaries = boundaries;
        }
    }

    static ExportMetricsServiceRequest expected(Resource resource, List<InstrumentationScope> scopes,
            List<List<InstrumentModel>> models, boolean delta, long start, long previous, long now) throws Exception {
        ResourceMetrics.Builder rm = ResourceMetrics.newBuilder()
                .setResource(io.opentelemetry.proto.resource.v1.Resource.parseFrom(resource.toProtobuf()))
                .setSchemaUrl(resource.schemaUrl());
        for (int m = 0; m < scopes.size(); m++) {
            ScopeMetrics.Builder sm = ScopeMetrics.newBuilder()
                    .setScope(io.opentelemetry.proto.common.v1.InstrumentationScope.parseFrom(scopes.get(m).toProtobuf()))
                    .setSchemaUrl(scopes.get(m).schemaUrl());
            for (InstrumentModel im : models.get(m)) {
                Metric metric = metric(im, delta, start, previous, now);
                if (metric != null) {
                    sm.addMetrics(metric);
                }
            }
            if (sm.getMetricsCount() > 0) {
                rm.addScopeMetrics(sm);
            }
        }
        ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
        if (rm.getScopeMetricsCount() > 0) {
            request.addResourceMetrics(rm);
        }
        return request.build();
    }

    private static Metric metric(InstrumentModel im, boolean deltaPreference, long start, long previous, long now) {
        Metric.Builder metric = Metric.newBuilder().setName(im.name).setDescription(im.description).setUnit(im.unit);
        boolean delta = im.kind.delta(deltaPreference ? TemporalityPreference.DELTA : TemporalityPreference.CUMULATIVE);
        AggregationTemporality temporality = delta ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
        long pointStart = delta ? previous : start;
        int points = 0;
        switch (im.kind) {
            case OBSERVABLE_LONG_COUNTER:
            case OBSERVABLE_DOUBLE_COUNTER:
            case OBSERVABLE_LONG_UP_DOWN_COUNTER: {
                Sum.Builder sum = Sum.newBuilder().setAggregationTemporality(temporality).setIsMonotonic(im.kind.monotonic);
                for (Model s : im.created) {
                    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setStartTimeUnixNano(pointStart).setTimeUnixNano(now)
                            .addAllAttributes(keyValues(s.attrs));
                    if (im.kind.doublePoints()) {
                        p.setAsDouble(delta ? s.doubleValue - s.previousDouble : s.doubleValue);
                        s.previousDouble = s.doubleValue;
                    } else {
                        p.setAsInt(delta ? s.longValue - s.previousLong : s.longValue);
                        s.previousLong = s.longValue;
                    }
                    sum.addDataPoints(p);
                    points++;
                }
                metric.setSum(sum);
                break;
            }
            case OBSERVABLE_LONG_GAUGE:
            case OBSERVABLE_DOUBLE_GAUGE: {
                Gauge.Builder gauge = Gauge.newBuilder();
                for (Model s : im.created) {
                    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setTimeUnixNano(now).addAllAttributes(keyValues(s.attrs));
                    if (im.kind.doublePoints()) {
                        p.setAsDouble(s.doubleValue);
                    } else {
                        p.setAsInt(s.longValue);
                    }
                    gauge.addDataPoints(p);
                    points++;
                }
                metric.setGauge(gauge);
                break;
            }
            case LONG_COUNTER:
            case DOUBLE_COUNTER:
            case LONG_UP_DOWN_COUNTER: {
                Sum.Builder sum = Sum.newBuilder().setAggregationTemporality(temporality).setIsMonotonic(im.kind.monotonic);
                for (Model s : im.created) {
                    boolean isLong = im.kind != InstrumentKind.DOUBLE_COUNTER;
                    boolean zero = isLong ? s.longValue == 0 : s.doubleValue == 0;
                    if (delta && zero) {
                        continue;
                    }
                    if (!s.recorded) {
                        continue;
                    }
                    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setStartTimeUnixNano(pointStart).setTimeUnixNano(now)
                            .addAllAttributes(keyValues(s.attrs));
                    if (isLong) {
                        p.setAsInt(s.longValue);
                    } else {
                        p.setAsDouble(s.doubleValue);
                    }
                    sum.addDataPoints(p);
                    points++;
                }
                metric.setSum(sum);
                break;
            }
            case LONG_GAUGE:
            case DOUBLE_GAUGE: {
                Gauge.Builder gauge = Gauge.newBuilder();
                for (Model s : im.created) {
                    if (!s.recorded) {
                        continue;
                    }
                    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setTimeUnixNano(now).addAllAttributes(keyValues(s.attrs));
                    if (im.kind == InstrumentKind.LONG_GAUGE) {
                        p.setAsInt(s.longValue);
                    } else {
                        p.setAsDouble(s.doubleValue);
                    }
                    gauge.addDataPoints(p);
                    points++;
                }
                metric.setGauge(gauge);
                break;
            }
            case EXPONENTIAL_HISTOGRAM: {
                ExponentialHistogram.Builder h = ExponentialHistogram.newBuilder().setAggregationTemporality(temporality);
                for (Model s : im.created) {
                    if (!s.recorded || (delta && s.count == 0)) {
                        continue;
                    }
                    ExponentialHistogramDataPoint.Builder p = ExponentialHistogramDataPoint.newBuilder().setStartTimeUnixNano(pointStart)
                            .setTimeUnixNano(now).setCount(s.count).setSum(s.doubleValue).addAllAttributes(keyValues(s.attrs));
                    ExponentialModel.fill(p, s.values, im.maxBuckets, im.maxScale);
                    if (s.count > 0) {
                        p.setMin(s.min).setMax(s.max);
                    }
                    h.addDataPoints(p);
                    points++;
                }
                metric.setExponentialHistogram(h);
                break;
            }
            default: {
                io.opentelemetry.proto.metrics.v1.Histogram.Builder h = io.opentelemetry.proto.metrics.v1.Histogram.newBuilder()
                        .setAggregationTemporality(temporality);
                for (Model s : im.created) {
                    if (!s.recorded || (delta && s.count == 0)) {
                        continue;
                    }
                    HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().setStartTimeUnixNano(pointStart).setTimeUnixNano(now)
                            .setCount(s.count).setSum(s.doubleValue).addAllAttributes(keyValues(s.attrs));
                    for (long b : s.buckets) {
                        p.addBucketCounts(b);
                    }
                    for (double b : im.boundaries) {
                        p.addExplicitBounds(b);
                    }
                    if (s.count > 0) {
                        p.setMin(s.min).setMax(s.max);
                    }
                    h.addDataPoints(p);
                    points++;
                }
                metric.setHistogram(h);
            }
        }
        return points == 0 ? null : metric.build();
    }

    private static List<KeyValue> keyValues(Map<String, Object> attrs) {
        List<KeyValue> list = new ArrayList<>();
        for (Map.Entry<String, Object> e : attrs.entrySet()) {
            Object v = e.getValue();
            AnyValue.Builder any = AnyValue.newBuilder();
            if (v instanceof String) {
                any.setStringValue((String) v);
            } else if (v instanceof Long) {
                any.setIntValue((Long) v);
            } else if (v instanceof Double) {
                any.setDoubleValue((Double) v);
            } else {
                any.setBoolValue((Boolean) v);
            }
            list.add(KeyValue.newBuilder().setKey(e.getKey()).setValue(any).build());
        }
        return list;
    }
}
