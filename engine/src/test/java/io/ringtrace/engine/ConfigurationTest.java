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
