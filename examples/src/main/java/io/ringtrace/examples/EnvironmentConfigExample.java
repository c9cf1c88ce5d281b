package io.ringtrace.examples;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceContext;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.W3cTraceContext;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.exporter.OtlpExporters;
import io.ringtrace.testkit.OtlpReceiver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Configuration the OpenTelemetry way: everything from the standard {@code OTEL_*} variables, nothing
 * in code. For example, 10% of traces sampled (parent-based: a child follows its parent's decision,
 * including a remote parent's {@code traceparent}), TLS to the collector with a private CA, and an
 * auth header:
 * <pre>
 * OTEL_SERVICE_NAME=checkout
 * OTEL_TRACES_SAMPLER=parentbased_traceidratio
 * OTEL_TRACES_SAMPLER_ARG=0.1
 * OTEL_EXPORTER_OTLP_PROTOCOL=grpc
 * OTEL_EXPORTER_OTLP_ENDPOINT=https://collector.internal:4317
 * OTEL_EXPORTER_OTLP_CERTIFICATE=/etc/ssl/collector-ca.pem
 * OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20&lt;token&gt;
 * </pre>
 * Without {@code OTEL_EXPORTER_OTLP_PROTOCOL} the exporter is OTLP/HTTP ({@code http/protobuf}, the
 * default), which a collector serves on port 4318.
 * Run: {@code java $FLAGS -cp ... io.ringtrace.examples.EnvironmentConfigExample}. Without
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT}, it starts an embedded TLS receiver and points the variables at
 * it (endpoint, CA file, a made-up token); without {@code OTEL_TRACES_SAMPLER}, it uses the 10%
 * parent-based sampler above.
 */
public final class EnvironmentConfigExample {

    static final Utf8Constant CHECKOUT = Utf8Constant.of("POST /checkout");
    static final Utf8Constant CHARGE_CARD = Utf8Constant.of("charge card");
    static final Utf8Constant CART_ITEMS = Utf8Constant.of("cart.items");

    private EnvironmentConfigExample() {}

    /**
     * Builds an engine and its exporter from the variables alone.
     *
     * @param env variable names to values (the process environment, or a map in tests)
     * @return the running engine
     */
    public static TraceEngine build(Map<String, String> env) {
        // OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL picks the transport; _ENDPOINT, _HEADERS, _CERTIFICATE, ... configure it
        SpanExporter exporter = OtlpExporters.fromEnvironment(env);
        return TraceEngine.builder()
                .fromEnvironment(env::get)         // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER[_ARG], OTEL_BSP_*
                .exporter(exporter)
                .build();
    }

    /**
     * What {@link #run} did.
     *
     * @param rootTraces root spans started (new traces)
     * @param sampledRootTraces of those, sampled by the ratio sampler
     * @param remoteSampledTraces requests continuing a sampled remote {@code traceparent} (always sampled)
     * @param stats the engine's counters after close
     */
    public record Result(int rootTraces, int sampledRootTraces, int remoteSampledTraces, EngineStats stats) {}

    /**
     * Handles {@code requests} requests, each a SERVER span with a child: every fourth one continues a
     * sampled remote parent (as if its {@code traceparent} said {@code -01}), the others start new
     * traces. Then closes the engine.
     *
     * @param engine an engine, e.g. from {@link #build(Map)}
     * @param requests how many requests to simulate
     * @return the counts and the engine's stats after close
     */
    public static Result run(TraceEngine engine, int requests) {
        Tracer tracer = engine.tracer(InstrumentationScope.of("io.ringtrace.examples.config"));
        TraceContext remote = new TraceContext();
        StringBuilder header = new StringBuilder(W3cTraceContext.TRACEPARENT_LENGTH);
        int roots = 0;
        int sampledRoots = 0;
        int remoteSampled = 0;
        for (int i = 0; i < requests; i++) {
            Span request;
            if (i % 4 == 3) {
                header.setLength(0);
                W3cTraceContext.writeTraceParent(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L + i, 0x00f067aa0ba902b7L,
                        TraceContext.SAMPLED_FLAG, header);
                W3cTraceContext.parseTraceParent(header, remote);
                request = tracer.start(CHECKOUT, SpanKind.SERVER, remote);
                remoteSampled++;
            } else {
                request = tracer.start(CHECKOUT, SpanKind.SERVER);
                roots++;
                if (request.isSampled()) {
                    sampledRoots++;
                }
            }
            request.attribute(CART_ITEMS, 1 + i % 5);
            Span charge = tracer.start(CHARGE_CARD, SpanKind.CLIENT); // child: follows the request's decision
            charge.end();
            request.end();
        }
        engine.close(Duration.ofSeconds(10));
        return new Result(roots, sampledRoots, remoteSampled, engine.stats(new EngineStats()));
    }

    /**
     * @param args unused
     * @throws InterruptedException if interrupted while waiting for the receiver
     */
    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent("OTEL_TRACES_SAMPLER", "parentbased_traceidratio");
        env.putIfAbsent("OTEL_TRACES_SAMPLER_ARG", "0.1");
        env.putIfAbsent("OTEL_SERVICE_NAME", "checkout");
        OtlpReceiver receiver = null;
        if (env.get("OTEL_EXPORTER_OTLP_ENDPOINT") == null && env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == null) {
            receiver = OtlpReceiver.builder().tls().start();
            env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"); // the embedded receiver is the test kit's gRPC one
            env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
            env.put("OTEL_EXPORTER_OTLP_CERTIFICATE", receiver.certificates().caCertificate().toString());
            env.put("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20example-token");
            System.out.println("no OTEL_EXPORTER_OTLP_ENDPOINT: sending to an embedded TLS receiver at " + receiver.endpoint());
        }
        try {
            Result result = run(build(env), 4_000);
            System.out.printf("sampler %s=%s: %d of %d new traces sampled; %d of %d requests with a sampled"
                            + " traceparent continued; %d spans published, %d exported, %d dropped%n",
                    env.get("OTEL_TRACES_SAMPLER"), env.get("OTEL_TRACES_SAMPLER_ARG"), result.sampledRootTraces(),
                    result.rootTraces(), result.remoteSampledTraces(), result.remoteSampledTraces(),
                    result.stats().published(), result.stats().exported(), result.stats().droppedTotal());
            if (receiver != null) {
                receiver.awaitSpanCount(result.stats().exported(), Duration.ofSeconds(5));
                System.out.printf("the receiver got %d spans over TLS, authorization header %s%n", receiver.spanCount(),
                        receiver.lastHeaders() != null && "Bearer example-token".equals(receiver.lastHeaders().get(
                                io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER)))
                                ? "present" : "MISSING");
            }
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
    }
}
