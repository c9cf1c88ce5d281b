package io.ringtrace.examples;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Resource;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.exporter.OtlpHttpSpanExporter;
import io.ringtrace.exporter.OtlpHttpSpanExporterBuilder;

/**
 * The minimum: build an engine that exports over OTLP/HTTP (ringtrace's default transport), publish
 * spans, close.
 *
 * <p>Run (with the JVM flags from README.md): {@code java $FLAGS -cp ... io.ringtrace.examples.QuickStart
 * [url] [spans]}; the URL defaults to {@code http://localhost:4318/v1/traces}, an OpenTelemetry
 * Collector's OTLP/HTTP traces path. The code between the {@code README-snippet} markers is the README's
 * embedding snippet, kept identical by {@code ReadmeTest}.
 */
public final class QuickStart {

    private QuickStart() {}

    // README-snippet-begin
    static final Utf8Constant HANDLE_ORDER = Utf8Constant.of("handle order"); // names and keys: encoded once
    static final Utf8Constant ORDER_ID = Utf8Constant.of("order.id");

    static EngineStats publish(String tracesUrl, int spans) {
        TraceEngine engine = TraceEngine.builder()
                .resource(Resource.builder().attribute("service.name", "quickstart").build())
                .exporter(OtlpHttpSpanExporter.builder().endpoint(tracesUrl).build()) // gRPC: OtlpGrpcSpanExporter
                .build();                                        // allocates the ring, starts the serializer
        Tracer tracer = engine.tracer(InstrumentationScope.of("io.ringtrace.examples"));
        for (long i = 0; i < spans; i++) {
            Span span = tracer.start(HANDLE_ORDER);             // a pooled flyweight: no allocation
            span.attribute(ORDER_ID, i);
            span.end();                                          // copied into a ring slot, published
        }
        engine.close();                                          // drains, exports, frees (10 s at most)
        return engine.stats(new EngineStats());
    }
    // README-snippet-end

    /**
     * @param args optional traces URL (default {@code http://localhost:4318/v1/traces}) and span count (default 1000)
     */
    public static void main(String[] args) {
        String endpoint = args.length > 0 ? args[0] : OtlpHttpSpanExporterBuilder.DEFAULT_ENDPOINT;
        int spans = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        EngineStats stats = publish(endpoint, spans);
        System.out.printf("published %d, exported %d to %s, dropped %d (shutdown %d, export failed %d)%n",
                stats.published(), stats.exported(), endpoint, stats.droppedTotal(),
                stats.dropped(DropReason.SHUTDOWN), stats.dropped(DropReason.EXPORT_FAILED));
    }
}
