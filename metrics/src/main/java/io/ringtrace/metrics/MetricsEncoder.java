package io.ringtrace.metrics;

import io.ringtrace.codec.RequestBufferViews;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Encodes one collection as OTLP {@code ExportMetricsServiceRequest}s straight into off-heap request
 * buffers, back to front ({@link BackwardWriter}): the collector walks scopes, instruments and
 * series last to first, so each request lists them first to last, and every length prefix is
 * written once, minimal, as protobuf-java writes it. The resource and each scope are encoded once
 * (at build) and copied.
 *
 * <p>Levels open lazily at their first point, so an instrument or scope without points this
 * collection costs nothing. When the next point would not fit into {@code maxRequestBytes}
 * (with room kept for every header still to be written), the request is sealed and handed to the
 * sink, and the walk goes on in a new request that opens the same scope and metric again. A point
 * is dropped, and counted, only if no buffer is available or the point alone is larger than a
 * request.
 *
 * <pre>
 * ExportMetricsServiceRequest  0A len ResourceMetrics
 *   ResourceMetrics            0A len Resource | 12 len ScopeMetrics ... | 1A schema_url
 *   ScopeMetrics               0A len InstrumentationScope | 12 len Metric ... | 1A schema_url
 *   Metric                     0A name | 12 description | 1A unit | 2A gauge / 3A sum / 4A histogram / 52 exponential
 *   Sum                        0A len NumberDataPoint ... | 10 temporality | 18 is_monotonic
 *   Histogram                  0A len HistogramDataPoint ... | 10 temporality
 *   ExponentialHistogram       0A len ExponentialHistogramDataPoint ... | 10 temporality
 * </pre>
 * Single-threaded (the provider serializes collections); allocation-free.
 */
final class MetricsEncoder {

    /** Where sealed requests go, and where their buffers come from. */
    interface Sink {
        /** @return a free off-heap buffer of at least {@code maxRequestBytes}, or null if none is available in time */
        Bytes<?> take();

        /** A complete request of {@code points} data points, between the buffer's read position and read limit. */
        void sealed(Bytes<?> buffer, int points);

        /** A buffer taken and not used. */
        void unused(Bytes<?> buffer);
    }

    /** One exemplar field: tag, length 46, time (9), as_double (9), span_id (10), trace_id (18). */
    private static final int EXEMPLAR_FIELD_BYTES = 2 + 46;
    /** Aggregation temporality values on the wire. */
    private static final int DELTA = 1;
    private static final int CUMULATIVE = 2;

    private final byte[] resourceBody;
    private final byte[] resourceSchemaUrl;
    private final int maxRequestBytes;
    private final int requestReserve;
    private final BackwardWriter w = new BackwardWriter();
    /** The request buffers' views, made once per buffer. */
    private final RequestBufferViews views = new RequestBufferViews();

    private Sink sink;
    private Bytes<?> buffer;
    /** The sink had no buffer: the rest of this collection's points are dropped. */
    private boolean noBuffer;
    private Meter scope;
    private Instrument metric;
    private int reserve;
    private boolean scopeOpen;
    private boolean metricOpen;
    private int scopeEnd;
    private int metricEnd;
    private int requestPoints;
    private int scopePoints;
    private int metricPoints;
    private long collectionPoints;
    private long droppedPoints;

    MetricsEncoder(byte[] resourceBody, String resourceSchemaUrl, int maxRequestBytes) {
        this.resourceBody = resourceBody;
        this.resourceSchemaUrl = resourceSchemaUrl.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.maxRequestBytes = maxRequestBytes;
        this.requestReserve = textField(this.resourceSchemaUrl) + 6 + resourceBody.length + 6;
    }

    int maxRequestBytes() {
        return maxRequestBytes;
    }

    private static int textField(byte[] utf8) {
        return utf8.length == 0 ? 0 : 1 + BackwardWriter.varintSize(utf8.length) + utf8.length;
    }

    // ------------------------------------------------------------------------ the walk

    void beginCollection(Sink sink) {
        this.sink = sink;
        this.noBuffer = false;
        this.collectionPoints = 0;
        this.droppedPoints = 0;
    }

    void beginScope(Meter meter) {
        scope = meter;
    }

    void beginMetric(Instrument instrument) {
        metric = instrument;
        reserve = requestReserve + textField(scope.schemaUrlUtf8) + 6 + scope.scopeBody.length + 6
                + 6 + 4 + instrument.descriptorFieldsSize() + 6;
    }

    void endMetric() {
        if (metricOpen) {
            closeMetric();
        }
        metric = null;
    }

    void endScope() {
        if (scopeOpen) {
            closeScope();
        }
        scope = null;
    }

    void endCollection() {
        if (buffer != null) {
            if (requestPoints > 0) {
                seal();
            } else {
                Bytes<?> b = buffer;
                buffer = null;
                sink.unused(b);
            }
        }
        sink = null;
    }

    /** @return points written into requests by this collection */
    long collectionPoints() {
        return collectionPoints;
    }

    /** @return points this collection dropped: no buffer in time, or larger than a request */
    long droppedPoints() {
        return droppedPoints;
    }

    // ------------------------------------------------------------------------ points

    /** {@code NumberDataPoint} with {@code as_int}. */
    void longPoint(Attributes attributes, long startNanos, long nowNanos, long value) {
        byte[] attrs = attributes.numberPointFields();
        if (!room(attrs.length + 9 + (nowNanos != 0 ? 9 : 0) + (startNanos != 0 ? 9 : 0))) {
            return;
        }
        int end = w.pos;
        w.putBytes(attrs); // attributes (7)
        w.fixed64Field(0x31, value); // as_int (6, sfixed64)
        times(startNanos, nowNanos);
        pointDone(end);
    }

    /** {@code NumberDataPoint} with {@code as_double}. */
    void doublePoint(Attributes attributes, long startNanos, long nowNanos, double value) {
        byte[] attrs = attributes.numberPointFields();
        if (!room(attrs.length + 9 + (nowNanos != 0 ? 9 : 0) + (startNanos != 0 ? 9 : 0))) {
            return;
        }
        int end = w.pos;
        w.putBytes(attrs); // attributes (7)
        w.fixed64Field(0x21, Double.doubleToRawLongBits(value)); // as_double (4)
        times(startNanos, nowNanos);
        pointDone(end);
    }

    /** {@code HistogramDataPoint}; min and max only when {@code count > 0}. */
    void histogramPoint(Attributes attributes, long startNanos, long nowNanos, long count, double sum, double min,
            double max, long[] counts, byte[] packedBoundaries, long[] exemplars, int exemplarCount) {
        byte[] attrs = attributes.histogramPointFields();
        int buckets = counts.length;
        int size = (startNanos != 0 ? 9 : 0) + (nowNanos != 0 ? 9 : 0) + (count != 0 ? 9 : 0) + 9
                + 1 + BackwardWriter.varintSize(8L * buckets) + 8 * buckets
                + (packedBoundaries.length == 0 ? 0 : textField(packedBoundaries))
                + attrs.length + (count != 0 ? 18 : 0) + EXEMPLAR_FIELD_BYTES * exemplarCount;
        if (!room(size)) {
            return;
        }
        int end = w.pos;
        if (count != 0) {
            w.fixed64Field(0x61, Double.doubleToRawLongBits(max)); // max (12)
            w.fixed64Field(0x59, Double.doubleToRawLongBits(min)); // min (11)
        }
        w.putBytes(attrs); // attributes (9)
        exemplars(exemplars, exemplarCount, 0x42); // HistogramDataPoint.exemplars (8)
        if (packedBoundaries.length != 0) {
            w.bytesField(0x3A, packedBoundaries); // explicit_bounds (7, packed double)
        }
        for (int b = buckets - 1; b >= 0; b--) {
            w.putFixed64(counts[b]);
        }
        w.putVarint(8L * buckets);
        w.putByte(0x32); // bucket_counts (6, packed fixed64)
        w.fixed64Field(0x29, Double.doubleToRawLongBits(sum)); // sum (5, optional: always set)
        if (count != 0) {
            w.fixed64Field(0x21, count); // count (4, fixed64)
        }
        times(startNanos, nowNanos);
        pointDone(end);
    }

    /** {@code ExponentialHistogramDataPoint}; min and max only when {@code count > 0}; both bucket ranges always. */
    void exponentialHistogramPoint(Attributes attributes, long startNanos, long nowNanos, ExponentialPoint p, long[] exemplars,
            int exemplarCount) {
        byte[] attrs = attributes.exponentialPointFields();
        int positive = bucketsSize(p.positiveOffset, p.positiveCounts, p.positiveLength);
        int negative = bucketsSize(p.negativeOffset, p.negativeCounts, p.negativeLength);
        int size = attrs.length + (startNanos != 0 ? 9 : 0) + (nowNanos != 0 ? 9 : 0) + (p.count != 0 ? 9 + 18 : 0) + 9
                + 1 + 5 + (p.zeroCount != 0 ? 9 : 0)
                + 1 + BackwardWriter.varintSize(positive) + positive + 1 + BackwardWriter.varintSize(negative) + negative
                + EXEMPLAR_FIELD_BYTES * exemplarCount;
        if (!room(size)) {
            return;
        }
        int end = w.pos;
        if (p.count != 0) {
            w.fixed64Field(0x69, Double.doubleToRawLongBits(p.max)); // max (13)
            w.fixed64Field(0x61, Double.doubleToRawLongBits(p.min)); // min (12)
        }
        exemplars(exemplars, exemplarCount, 0x5A); // exemplars (11)
        buckets(p.negativeOffset, p.negativeCounts, p.negativeLength, 0x4A); // negative (9)
        buckets(p.positiveOffset, p.positiveCounts, p.positiveLength, 0x42); // positive (8)
        if (p.zeroCount != 0) {
            w.fixed64Field(0x39, p.zeroCount); // zero_count (7, fixed64)
        }
        if (p.scale != 0) {
            w.putVarint(zigZag(p.scale));
            w.putByte(0x30); // scale (6, sint32)
        }
        w.fixed64Field(0x29, Double.doubleToRawLongBits(p.sum)); // sum (5, optional: always set)
        if (p.count != 0) {
            w.fixed64Field(0x21, p.count); // count (4, fixed64)
        }
        times(startNanos, nowNanos);
        w.putBytes(attrs); // attributes (1)
        pointDone(end);
    }

    /** sint32 on the wire: ZigZag, then a varint of the 32-bit result. */
    private static long zigZag(long value) {
        int v = (int) value;
        return ((v << 1) ^ (v >> 31)) & 0xFFFFFFFFL;
    }

    private static int bucketsSize(long offset, long[] counts, int length) {
        int size = offset != 0 ? 1 + BackwardWriter.varintSize(zigZag(offset)) : 0;
        if (length > 0) {
            int packed = 0;
            for (int i = 0; i < length; i++) {
                packed += BackwardWriter.varintSize(counts[i]);
            }
            size += 1 + BackwardWriter.varintSize(packed) + packed;
        }
        return size;
    }

    /** {@code ExponentialHistogramDataPoint.Buckets}: offset (1, sint32), bucket_counts (2, packed uint64). */
    private void buckets(long offset, long[] counts, int length, int tag) {
        int end = w.pos;
        if (length > 0) {
            for (int i = length - 1; i >= 0; i--) {
                w.putVarint(counts[i]);
            }
            w.lengthAndTag(end, 0x12); // bucket_counts (2)
        }
        if (offset != 0) {
            w.putVarint(zigZag(offset));
            w.putByte(0x08); // offset (1)
        }
        w.lengthAndTag(end, tag);
    }

    /** Exemplar messages (5 longs each: trace id high, low, span id, value bits, time), last first. */
    private void exemplars(long[] exemplars, int exemplarCount, int tag) {
        for (int x = exemplarCount - 1; x >= 0; x--) {
            int exemplarEnd = w.pos;
            w.putIdBytes(exemplars[5 * x + 1]);
            w.putIdBytes(exemplars[5 * x]);
            w.putByte(16);
            w.putByte(0x2A); // Exemplar.trace_id (5)
            w.putIdBytes(exemplars[5 * x + 2]);
            w.putByte(8);
            w.putByte(0x22); // Exemplar.span_id (4)
            w.fixed64Field(0x19, exemplars[5 * x + 3]); // Exemplar.as_double (3)
            w.fixed64Field(0x11, exemplars[5 * x + 4]); // Exemplar.time_unix_nano (2)
            w.lengthAndTag(exemplarEnd, tag);
        }
    }

    private void times(long startNanos, long nowNanos) {
        if (nowNanos != 0) {
            w.fixed64Field(0x19, nowNanos); // time_unix_nano (3)
        }
        if (startNanos != 0) {
            w.fixed64Field(0x11, startNanos); // start_time_unix_nano (2)
        }
    }

    private void pointDone(int end) {
        w.lengthAndTag(end, 0x0A); // Sum/Gauge/Histogram.data_points (1)
        metricPoints++;
        scopePoints++;
        requestPoints++;
        collectionPoints++;
    }

    /**
     * Makes room for a point of {@code pointSize} bytes: seals a full request, takes a buffer, opens
     * the levels. @return false if the point is dropped (counted)
     */
    private boolean room(int pointSize) {
        int need = 1 + 5 + pointSize + reserve;
        if (buffer != null && w.pos < need) {
            if (requestPoints == 0) {
                droppedPoints++; // larger than an empty request: can never be sent
                return false;
            }
            seal();
        }
        if (buffer == null) {
            if (noBuffer || !openRequest()) {
                droppedPoints++;
                return false;
            }
            if (w.pos < need) {
                droppedPoints++;
                return false;
            }
        }
        if (!scopeOpen) {
            openScope();
        }
        if (!metricOpen) {
            openMetric();
        }
        return true;
    }

    // ------------------------------------------------------------------------ framing

    private boolean openRequest() {
        Bytes<?> b = sink.take();
        if (b == null) {
            noBuffer = true;
            return false;
        }
        if (b.realCapacity() - b.start() < maxRequestBytes) {
            sink.unused(b);
            throw new IllegalStateException("request buffer of " + b.realCapacity() + " bytes < maxRequestBytes " + maxRequestBytes);
        }
        buffer = b;
        w.reset(views.view(b, maxRequestBytes), maxRequestBytes);
        requestPoints = 0;
        if (resourceSchemaUrl.length != 0) {
            w.bytesField(0x1A, resourceSchemaUrl); // ResourceMetrics.schema_url (3)
        }
        return true;
    }

    private void openScope() {
        scopeEnd = w.pos;
        scopePoints = 0;
        if (scope.schemaUrlUtf8.length != 0) {
            w.bytesField(0x1A, scope.schemaUrlUtf8); // ScopeMetrics.schema_url (3)
        }
        scopeOpen = true;
    }

    private void openMetric() {
        metricEnd = w.pos; // the data message ends where the Metric does (no metadata)
        metricPoints = 0;
        InstrumentKind kind = metric.kind;
        if (!kind.isGauge()) {
            if (kind.dataTag == 0x3A && kind.monotonic) {
                w.putByte(1);
                w.putByte(0x18); // Sum.is_monotonic (3)
            }
            w.putByte(metric.delta ? DELTA : CUMULATIVE);
            w.putByte(0x10); // aggregation_temporality (2)
        }
        metricOpen = true;
    }

    private void closeMetric() {
        metricOpen = false;
        if (metricPoints == 0) {
            w.pos = metricEnd;
            return;
        }
        Instrument m = metric;
        w.lengthAndTag(metricEnd, m.kind.dataTag); // Metric.gauge (5) / sum (7) / histogram (9) / exponential_histogram (10)
        if (m.unitUtf8.length != 0) {
            w.bytesField(0x1A, m.unitUtf8); // unit (3)
        }
        if (m.descriptionUtf8.length != 0) {
            w.bytesField(0x12, m.descriptionUtf8); // description (2)
        }
        if (m.nameUtf8.length != 0) {
            w.bytesField(0x0A, m.nameUtf8); // name (1)
        }
        w.lengthAndTag(metricEnd, 0x12); // ScopeMetrics.metrics (2)
    }

    private void closeScope() {
        scopeOpen = false;
        if (scopePoints == 0) {
            w.pos = scopeEnd;
            return;
        }
        w.bytesField(0x0A, scope.scopeBody); // ScopeMetrics.scope (1)
        w.lengthAndTag(scopeEnd, 0x12); // ResourceMetrics.scope_metrics (2)
    }

    private void seal() {
        if (metricOpen) {
            closeMetric();
        }
        if (scopeOpen) {
            closeScope();
        }
        w.bytesField(0x0A, resourceBody); // ResourceMetrics.resource (1)
        w.lengthAndTag(maxRequestBytes, 0x0A); // ExportMetricsServiceRequest.resource_metrics (1)
        Bytes<?> b = buffer;
        buffer = null;
        b.writePosition(b.start() + maxRequestBytes);
        b.readPosition(b.start() + w.pos);
        sink.sealed(b, requestPoints);
    }
}
