package io.ringtrace.opentelemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.engine.TraceCorrelation;

/**
 * Log correlation with OpenTelemetry: a {@link TraceCorrelation} that reads OpenTelemetry's current
 * span ({@code Span.current()}, from {@code Context.current()} on the emitting thread) and writes
 * its trace id, span id and trace flags into the record. It sees every span the OpenTelemetry API
 * made current: spans of {@link RingtraceOpenTelemetry}, of the SDK (with or without the
 * {@code RingtraceSpanProcessor}), of the Java agent, and remote parents put in the context by a
 * propagator.
 *
 * <pre>{@code
 * LogEngine logs = LogEngine.builder()
 *         .exporter(OtlpExporters.fromEnvironment(OtelConfiguration.system(), Signal.LOGS)) // OTLP/HTTP unless ..._PROTOCOL=grpc
 *         .correlation(new OpenTelemetryCorrelation())
 *         .build();
 * }</pre>
 * ({@link io.ringtrace.engine.LogEngineBuilder#correlation}). The Log4j2 appender takes it as {@code traceCorrelation="io.ringtrace.opentelemetry.OpenTelemetryCorrelation"}.
 *
 * <p>Cost per record: nothing is allocated with OpenTelemetry's default context storage (a
 * thread-local read and a look-up in the context's small array). A {@link RingtraceOpenTelemetry}
 * span's ids are read as the {@code long}s it keeps; any other span context's ids are parsed from
 * the hex strings it holds, char by char, without copying them. A context storage wrapper
 * installed by someone else (e.g. an agent's) may allocate in {@code Context.current()}; that is
 * outside this class.
 */
public final class OpenTelemetryCorrelation implements TraceCorrelation {

    /** Stateless: one instance serves every engine and thread. */
    public OpenTelemetryCorrelation() {}

    @Override
    public boolean correlate(LogRecordWriter record) {
        SpanContext context = Span.current().getSpanContext(); // the invalid span when none is current
        if (context instanceof RingtraceSpanContext) {
            RingtraceSpanContext ours = (RingtraceSpanContext) context;
            if (!ours.isValid()) {
                return false;
            }
            record.traceId(ours.traceIdHigh(), ours.traceIdLow()).spanId(ours.spanIdValue())
                    .traceFlags(ours.traceFlagsByte() & 0xFF);
            return true;
        }
        if (!context.isValid()) {
            return false;
        }
        String traceId = context.getTraceId(); // the context's own string: SDK contexts keep it, no copy
        long high = OtelIds.hexLong(traceId, 0);
        long low = OtelIds.hexLong(traceId, 16);
        long spanId = OtelIds.hexLong(context.getSpanId(), 0);
        if ((high == 0 && low == 0) || spanId == 0) {
            return false; // not hex after all: never write a half-valid context
        }
        record.traceId(high, low).spanId(spanId).traceFlags(context.getTraceFlags().asByte() & 0xFF);
        return true;
    }
}
