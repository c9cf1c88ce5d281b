package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Builder validation and the OTEL_* environment variables. */
class ConfigurationTest extends LeakCheckingTestBase {

    @Test
    void everyInvalidSettingGetsAClearError() {
        TraceEngineBuilder b = TraceEngine.builder();
        assertMessage(() -> b.ringSize(3), "ringSize must be a power of two");
        assertMessage(() -> b.ringSize(1), "ringSize");
        assertMessage(() -> b.ringSize(1 << 25), "ringSize");
        assertMessage(() -> b.maxExportBatchSize(0), "maxExportBatchSize");
        assertMessage(() -> b.maxRequestBytes(100), "maxRequestBytes");
        assertMessage(() -> b.scheduleDelay(Duration.ofMillis(-1)), "scheduleDelay");
        assertMessage(() -> b.requestBuffers(0), "requestBuffers");
        assertMessage(() -> b.spansPerThread(0), "spansPerThread");
        assertMessage(() -> b.name("has space"), "name");
        assertThrows(NullPointerException.class, () -> b.sampler(null));
        IllegalStateException noExporter = assertThrows(IllegalStateException.class, b::build);
        assertTrue(noExporter.getMessage().contains("exporter is required"));
    }

    @Test
    void requestBuffersDefaultToOneMoreThanTheExporterKeepsInFlight() {
        assertEquals(5, requestBuffersWith(exporterWithMaxInFlight(4), null),
                "4 in flight (the OTLP exporters' default) need a fifth buffer to fill meanwhile");
        assertEquals(9, requestBuffersWith(exporterWithMaxInFlight(8), null));
        assertEquals(TraceEngineBuilder.DEFAULT_REQUEST_BUFFERS, requestBuffersWith(new InMemorySpanExporter(), null),
                "an exporter with one request in flight keeps the floor");
        assertEquals(TraceEngineBuilder.MAX_REQUEST_BUFFERS,
                requestBuffersWith(exporterWithMaxInFlight(TraceEngineBuilder.MAX_REQUEST_BUFFERS), null));
        assertEquals(3, requestBuffersWith(exporterWithMaxInFlight(8), 3), "a value set is kept");
        assertMessage(() -> TraceEngine.builder().exporter(exporterWithMaxInFlight(0)).build(), "maxInFlight() must be >= 1");
    }

    @Test
    void requestBuffersAtOrBelowTheExportersMaxInFlightAreWarnedAboutOnceAtBuild() {
        java.util.logging.Logger engineLog = java.util.logging.Logger.getLogger(TraceEngine.class.getName());
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        engineLog.addHandler(capture);
        try {
            requestBuffersWith(exporterWithMaxInFlight(4), 5);
            requestBuffersWith(exporterWithMaxInFlight(4), null);
            assertEquals(List.of(), warnings, "enough buffers: no warning");

            requestBuffersWith(exporterWithMaxInFlight(4), 4);
            assertEquals(1, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).contains("requestBuffers 4 (requestBuffers(int)) <= the exporter's maxInFlight 4"),
                    warnings.get(0));
            assertTrue(warnings.get(0).contains("set requestBuffers to 5"), warnings.get(0));
        } finally {
            engineLog.removeHandler(capture);
        }
    }

    /**
     * Builds an engine with {@code exporter} (and {@code requestBuffers} if not null) and the
     * smallest request buffers, so that a thousand of them stay small; closes it.
     *
     * @return the request buffers it allocated
     */
    private static int requestBuffersWith(io.ringtrace.engine.export.SpanExporter exporter, Integer requestBuffers) {
        TraceEngineBuilder b = TraceEngine.builder().exporter(exporter)
                .maxRequestBytes(io.ringtrace.codec.TraceRequestEncoder.MIN_REQUEST_BYTES);
        if (requestBuffers != null) {
            b.requestBuffers(requestBuffers);
        }
        try (TraceEngine engine = b.build()) {
            return engine.stats(new EngineStats()).requestBuffers();
        }
    }

    /** An exporter that completes each request at once and reports {@code maxInFlight}. */
    private static io.ringtrace.engine.export.SpanExporter exporterWithMaxInFlight(int maxInFlight) {
        InMemorySpanExporter inner = new InMemorySpanExporter();
        return new io.ringtrace.engine.export.SpanExporter() {
            @Override
            public void export(io.ringtrace.engine.export.ExportRequest request) {
                inner.export(request);
            }

            @Override
            public void shutdown(long deadlineNanoTime) {
                inner.shutdown(deadlineNanoTime);
            }

            @Override
            public int maxInFlight() {
                return maxInFlight;
            }
        };
    }

    @Test
    void slotSettingsAreCheckedAndTheSlotsMustFitOneArray() {
        TraceEngineBuilder b = TraceEngine.builder();
        assertMessage(() -> b.slotBytes(128), "slotBytes");
        assertMessage(() -> b.slotBytes(300), "slotBytes");
        assertMessage(() -> b.slotBytes(128 * 1024), "slotBytes");
        assertMessage(() -> b.overflowBuffers(-1), "overflowBuffers");
        assertMessage(() -> b.overflowBuffers(TraceEngineBuilder.MAX_OVERFLOW_BUFFERS + 1), "overflowBuffers");
        b.slotBytes(256).slotBytes(64 * 1024).overflowBuffers(0); // the bounds are accepted
        TraceEngineBuilder huge = TraceEngine.builder().ringSize(1 << 24).slotBytes(256)
                .exporter(new io.ringtrace.engine.testing.InMemorySpanExporter());
        assertMessage(huge::build, "slotBytes 256");
    }

    @Test
    void environmentVariablesConfigureTheEngine() {
        Map<String, String> env = new HashMap<>();
        env.put("OTEL_BSP_MAX_QUEUE_SIZE", "3000");
        env.put("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "7");
        env.put("OTEL_BSP_SCHEDULE_DELAY", "250");
        env.put("OTEL_TRACES_SAMPLER", "parentbased_traceidratio");
        env.put("OTEL_TRACES_SAMPLER_ARG", "0.25");
        env.put("OTEL_SERVICE_NAME", "checkout");
        env.put("OTEL_RESOURCE_ATTRIBUTES", "service.name=ignored, deployment.environment=prod,team=a%20b%2Cc");
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = closeAfter(TraceEngine.builder().fromEnvironment(env::get).exporter(exporter).build());
        assertEquals(4096, engine.ringSize(), "3000 rounded up to a power of two");
        assertEquals("ParentBased{root:TraceIdRatioBased{0.250000},remoteParentSampled:AlwaysOnSampler,"
                + "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"
                + "localParentNotSampled:AlwaysOffSampler}", engine.sampler().description());
        assertTrue(engine.toString().contains("maxExportBatchSize=7"), engine::toString);
        assertTrue(engine.toString().contains("scheduleDelay=PT0.25S"), engine::toString);
        for (long id = 1; id <= 8; id++) {
            TestSpans.publish(engine, id, "/a");
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(2, exporter.payloads().size(), "batches of 7");
        List<KeyValue> resource = exporter.decodedRequests().get(0).getResourceSpans(0).getResource().getAttributesList();
        Map<String, String> attributes = new HashMap<>();
        resource.forEach(kv -> attributes.put(kv.getKey(), kv.getValue().getStringValue()));
        assertEquals("checkout", attributes.get("service.name"), "OTEL_SERVICE_NAME wins");
        assertEquals("prod", attributes.get("deployment.environment"));
        assertEquals("a b,c", attributes.get("team"), "percent-decoded");
        assertEquals("ringtrace", attributes.get("telemetry.sdk.name"));
    }

    @Test
    void invalidEnvironmentValuesNameTheVariable() {
        assertMessage(() -> env("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "lots"), "OTEL_BSP_MAX_EXPORT_BATCH_SIZE");
        assertMessage(() -> env("OTEL_BSP_MAX_QUEUE_SIZE", "0"), "OTEL_BSP_MAX_QUEUE_SIZE");
        assertMessage(() -> env("OTEL_BSP_SCHEDULE_DELAY", "-5"), "OTEL_BSP_SCHEDULE_DELAY");
        assertMessage(() -> env("OTEL_TRACES_SAMPLER", "jaeger_remote"), "OTEL_TRACES_SAMPLER");
        assertMessage(() -> TraceEngine.builder().fromEnvironment(Map.of("OTEL_TRACES_SAMPLER", "traceidratio",
                "OTEL_TRACES_SAMPLER_ARG", "2")::get), "OTEL_TRACES_SAMPLER_ARG");
        assertMessage(() -> env("OTEL_RESOURCE_ATTRIBUTES", "novalue"), "OTEL_RESOURCE_ATTRIBUTES");
        assertMessage(() -> env("OTEL_RESOURCE_ATTRIBUTES", "k=%zz"), "OTEL_RESOURCE_ATTRIBUTES");
    }

    @Test
    void queueSizesRoundUpToPowersOfTwo() {
        assertEquals(2048, EnvironmentConfig.ringSizeFor(2048));
        assertEquals(4096, EnvironmentConfig.ringSizeFor(2049));
        assertEquals(2, EnvironmentConfig.ringSizeFor(1));
        assertEquals(1 << 24, EnvironmentConfig.ringSizeFor(1 << 24));
    }

    @Test
    void unsetAndEmptyVariablesKeepTheDefaults() {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = closeAfter(TraceEngine.builder().fromEnvironment(name -> name.equals("OTEL_SDK_DISABLED") ? "" : null)
                .exporter(exporter).build());
        assertEquals(TraceEngineBuilder.DEFAULT_RING_SIZE, engine.ringSize());
        assertEquals(Sampler.parentBased(Sampler.alwaysOn()).description(), engine.sampler().description());
        assertTrue(!engine.isDisabled());
    }

    private static void env(String name, String value) {
        TraceEngine.builder().fromEnvironment(Map.of(name, value)::get);
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
