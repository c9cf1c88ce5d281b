package io.ringtrace.bench.jmh;

import io.opentelemetry.exporter.internal.otlp.traces.LowAllocationTraceRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.ringtrace.bench.ByteSink;
import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.bench.RingtraceShape;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.SpanShape.SpanValues;
import io.ringtrace.bench.protobuf.ProtobufBuilders;
import io.ringtrace.bench.sdk.SdkShape;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.TraceRequestEncoder;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Encode one OTLP {@code ExportTraceServiceRequest} of {@value #BATCH} typical spans.
 * Scores are per span ({@code @OperationsPerInvocation}), so {@code gc.alloc.rate.norm} is bytes per
 * span. Siblings in the same run:
 * <ul>
 *   <li>{@code sdkLowAllocationMarshaler}: the OpenTelemetry SDK 1.68's default path
 *       ({@code OtlpGrpcSpanExporter} in {@code MemoryMode.REUSABLE_DATA} marshals with a pooled
 *       {@link LowAllocationTraceRequestMarshaler}), from the SDK's own {@link SpanData};</li>
 *   <li>{@code sdkTraceRequestMarshaler}: the SDK's {@code IMMUTABLE_DATA} path
 *       ({@link TraceRequestMarshaler}, one marshaler tree per request);</li>
 *   <li>{@code protobufBuilders}: the official protobuf-java classes, building the message with
 *       builders and serializing it;</li>
 *   <li>{@code ringtraceEncode}: ringtrace's {@link TraceRequestEncoder} appending 512 filled
 *       {@link SpanRecord}s into off-heap Chronicle memory and sealing the request: the serializer
 *       stage's work. ringtrace encodes attribute and event values into the record's arena when
 *       they are recorded (the publish benchmark pays that), so</li>
 *   <li>{@code ringtraceFillAndEncode} also fills the 512 records from the span values first: an
 *       upper bound that charges the record-time encoding to this column too.</li>
 * </ul>
 * The heap encoders write into a reused {@link ByteSink}, so the sink costs nothing per batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(EncodeBenchmark.BATCH)
@Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
        ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS})
public class EncodeBenchmark {

    /** Spans per request. */
    public static final int BATCH = 512;
    /** Seed of the span values; the same spans on every side. */
    public static final long SEED = 42;
    /** ringtrace's request size cap (the engine default, 4 MiB). */
    static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    private SpanValues[] rows;
    private List<SpanData> sdkSpans;
    private LowAllocationTraceRequestMarshaler lowAllocationMarshaler;
    private ByteSink sink;
    private SpanRecord[] records;
    private TraceRequestEncoder encoder;
    private Bytes<?> buffer;

    /** Builds the inputs once (not measured). */
    @Setup
    public void setUp() {
        rows = SpanShape.values(BATCH, SEED);
        sdkSpans = SdkShape.spanData(rows);
        lowAllocationMarshaler = new LowAllocationTraceRequestMarshaler();
        sink = new ByteSink(256 * 1024);
        records = new SpanRecord[BATCH];
        for (int i = 0; i < BATCH; i++) {
            records[i] = RingtraceShape.fill(new SpanRecord(SpanLimits.defaults()), rows[i]);
        }
        encoder = new TraceRequestEncoder(RingtraceShape.resource(), MAX_REQUEST_BYTES);
        buffer = Bytes.allocateDirect(encoder.requiredCapacity());
    }

    /** Releases the off-heap buffer. */
    @TearDown
    public void tearDown() {
        buffer.releaseLast();
    }

    /**
     * ringtrace: append the filled records and seal one request.
     *
     * @return request size in bytes
     */
    @Benchmark
    public long ringtraceEncode() {
        return encodeRecords();
    }

    /**
     * ringtrace: fill the records from the span values, then encode them.
     *
     * @return request size in bytes
     */
    @Benchmark
    public long ringtraceFillAndEncode() {
        for (int i = 0; i < BATCH; i++) {
            RingtraceShape.fill(records[i], rows[i]);
        }
        return encodeRecords();
    }

    private long encodeRecords() {
        encoder.begin(buffer);
        for (SpanRecord record : records) {
            if (!encoder.append(record)) {
                throw new IllegalStateException("512 typical spans must fit one request");
            }
        }
        Bytes<?> sealed = encoder.seal();
        return sealed.readLimit() - sealed.readPosition();
    }

    /**
     * Encodes the benchmark's request with ringtrace into a fresh byte array (checks only).
     *
     * @return the request bytes
     */
    byte[] ringtraceRequestBytes() {
        encodeRecords();
        byte[] bytes = new byte[(int) buffer.readRemaining()];
        buffer.read(bytes);
        return bytes;
    }

    /**
     * The SDK's default marshaler, reused across requests like the exporter's pool does.
     *
     * @return request size in bytes
     * @throws IOException never (in-memory sink)
     */
    @Benchmark
    public int sdkLowAllocationMarshaler() throws IOException {
        sink.reset();
        lowAllocationMarshaler.initialize(sdkSpans);
        try {
            lowAllocationMarshaler.writeBinaryTo(sink);
        } finally {
            lowAllocationMarshaler.reset();
        }
        return sink.size();
    }

    /**
     * The SDK's immutable-data marshaler, created per request.
     *
     * @return request size in bytes
     * @throws IOException never (in-memory sink)
     */
    @Benchmark
    public int sdkTraceRequestMarshaler() throws IOException {
        sink.reset();
        TraceRequestMarshaler.create(sdkSpans).writeBinaryTo(sink);
        return sink.size();
    }

    /**
     * protobuf-java builders: build the message and serialize it.
     *
     * @return request size in bytes
     * @throws IOException never (in-memory sink)
     */
    @Benchmark
    public int protobufBuilders() throws IOException {
        sink.reset();
        return ProtobufBuilders.encode(rows, sink);
    }
}
