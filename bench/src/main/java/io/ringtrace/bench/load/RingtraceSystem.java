package io.ringtrace.bench.load;

import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.bench.RingtraceShape;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.sdk.SdkShape;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.TraceEngineBuilder;
import io.ringtrace.engine.Tracer;
import io.ringtrace.opentelemetry.RingtraceOpenTelemetry;
import io.ringtrace.opentelemetry.sdk.RingtraceSpanProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * ringtrace with its defaults (ring 8192, overload policy DROP, batch 512, 1 MiB requests, unless
 * the run says otherwise), publishing through the span API ({@code tracer.start} ... {@code end()})
 * or the ring API ({@code tryClaim}, or {@code claim} under the BLOCK policy; fill; {@code publish}),
 * exporting with its OTLP/gRPC or OTLP/HTTP exporter (defaults: 4 requests in flight, retries on) or,
 * with transport {@code none}, with {@link DiscardingSpanExporter} (the serializer still encodes every span into
 * off-heap OTLP requests; the exporter completes each at once). With {@code --api=otel-processor} or
 * {@code otel-api} the producer makes the SDK column's OpenTelemetry API calls ({@link SdkShape}):
 * through the SDK with {@link RingtraceSpanProcessor} in place of its {@code BatchSpanProcessor}, or
 * through {@link RingtraceOpenTelemetry} on the same engine.
 */
final class RingtraceSystem implements LoadSystem {

    private final TraceEngine engine;
    private final Tracer tracer;
    /** The OpenTelemetry API's tracer for the {@code otel-*} APIs, else null. */
    private final io.opentelemetry.api.trace.Tracer otelTracer;
    /** The SDK's provider for {@code otel-processor} (closed with the engine), else null. */
    private final SdkTracerProvider sdkProvider;
    private final boolean ringApi;
    /** Ring API with the caller's own times: start and end come from {@link #givenStart}, no clock read. */
    private final boolean givenTimes;
    /** The caller's time source for {@link #givenTimes}: advances 1 us per span (like timestamps of incoming events). */
    private long givenStart;
    private final boolean block;
    private final boolean withEvent;
    private final DiscardingSpanExporter discardingExporter;
    private final EngineReadings readings;
    private final String name;
    /** The exporter's spool directory, null without a spool. */
    private final Path spoolDir;
    /** True when {@link #spoolDir} is a temporary directory this run created (deleted at close). */
    private final boolean spoolDirTemporary;

    /** @param spec the run: api, ring size, transport, batch, policy and request bytes are used */
    RingtraceSystem(RunSpec spec) {
        name = spec.system();
        spoolDirTemporary = spec.spool().equals(RunSpec.SPOOL_TEMP);
        spoolDir = spec.spool().isEmpty() || spec.noTransport() ? null : spoolDirectory(spec.spool());
        givenTimes = spec.api().equals(RunSpec.RING_GIVEN_TIMES);
        ringApi = givenTimes || spec.api().equals("ring");
        block = spec.policy().equals("block");
        withEvent = spec.events() == 1;
        TraceEngineBuilder builder = TraceEngine.builder()
                .resource(RingtraceShape.resource())
                .overloadPolicy(block ? OverloadPolicy.BLOCK : OverloadPolicy.DROP);
        if (spec.ringSize() != 0) {
            builder.ringSize(spec.ringSize());
        }
        if (spec.batch() != 0) {
            builder.maxExportBatchSize(spec.batch());
        }
        if (spec.maxRequestBytes() != 0) {
            builder.maxRequestBytes(spec.maxRequestBytes());
        }
        discardingExporter = spec.noTransport() ? new DiscardingSpanExporter() : null;
        builder.exporter(RingtraceTransport.exporter(spec, spoolDir, discardingExporter));
        if (spec.api().equals(RunSpec.OTEL_PROCESSOR)) {
            RingtraceSpanProcessor processor = RingtraceSpanProcessor.builder(builder).resource(SdkShape.resource()).build();
            sdkProvider = SdkTracerProvider.builder().setResource(SdkShape.resource()).addSpanProcessor(processor).build();
            otelTracer = sdkProvider.get(SpanShape.SCOPE_NAME, SpanShape.SCOPE_VERSION);
            engine = processor.engine();
        } else {
            engine = builder.build();
            sdkProvider = null;
            otelTracer = spec.api().equals(RunSpec.OTEL_API)
                    ? RingtraceOpenTelemetry.create(engine).getTracer(SpanShape.SCOPE_NAME, SpanShape.SCOPE_VERSION)
                    : null;
        }
        tracer = engine.tracer(RingtraceShape.SCOPE);
        readings = new EngineReadings(engine, "ringtrace", "spans");
        givenStart = engine.nowEpochNanos();
    }

    /** @return {@code dir}, or a fresh temporary directory for {@value RunSpec#SPOOL_TEMP} */
    private static Path spoolDirectory(String dir) {
        try {
            return dir.equals(RunSpec.SPOOL_TEMP) ? Files.createTempDirectory("ringtrace-load-spool") : Path.of(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary spool directory", e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean publish() {
        if (otelTracer != null) {
            SdkShape.recordSpan(otelTracer, withEvent);
            return true; // a full ring is counted in the engine's stats, as with the span API
        }
        if (ringApi) {
            // BLOCK waits for a free slot; DROP fails at once (both counted by the engine)
            long sequence = block ? engine.claim() : engine.tryClaim();
            if (sequence < 0) {
                return false; // ring full (or closed): the engine counts it
            }
            try {
                if (givenTimes) {
                    long start = givenStart += 1_000;
                    RingtraceShape.fillGiven(engine.record(sequence), start, start + 500, withEvent);
                } else {
                    RingtraceShape.fillLive(engine.record(sequence), engine, withEvent);
                }
            } finally {
                engine.publish(sequence); // a claimed slot is always published
            }
            return true;
        }
        RingtraceShape.recordSpan(tracer, withEvent);
        return true; // the span API never refuses at the call; a full ring is counted in the stats
    }

    @Override
    public void close(Duration deadline) {
        if (sdkProvider != null) {
            sdkProvider.shutdown().join(deadline.toMillis(), TimeUnit.MILLISECONDS); // closes the processor's engine
        }
        engine.close(deadline);
        if (spoolDirTemporary && spoolDir != null) {
            deleteTree(spoolDir); // what close() spooled is reported by the stats, not kept for a next run
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("warning: could not delete the temporary spool " + dir + ": " + e);
        }
    }

    @Override
    public long spooled() {
        if (spoolDir == null) {
            return -1;
        }
        return readings.spooled();
    }

    @Override
    public long exported() {
        return discardingExporter == null ? -1 : discardingExporter.exportedSpans();
    }

    @Override
    public long countedDrops() {
        return readings.countedDrops();
    }

    @Override
    public ExportLatency exportLatency() {
        return readings.exportLatency();
    }

    @Override
    public Map<String, Long> counters() {
        return readings.counters(spoolDir != null);
    }
}
