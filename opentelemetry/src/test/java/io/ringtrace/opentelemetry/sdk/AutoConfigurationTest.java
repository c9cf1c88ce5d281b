package io.ringtrace.opentelemetry.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.ringtrace.engine.internal.jmx.EngineMBean;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import io.ringtrace.testkit.RecordingReceiver;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK's autoconfiguration with {@code otel.traces.exporter=ringtrace}: the provider found
 * through {@code META-INF/services} installs the processor, the engine is configured from the same
 * properties (endpoint, protocol, batch settings in the SDK's duration syntax), the SDK's resource
 * is the exported one, and no other exporter runs (every span arrives exactly once, with the SDK's
 * own OTLP exporter pointed at the same receiver by the same properties).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AutoConfigurationTest extends LeakCheckingTestBase {

    private static final int SPANS = 25;
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @Test
    void ringtraceReplacesTheSdksExporterOverGrpc() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        Map<String, String> properties = properties("ringtrace", receiver.endpoint());
        properties.put("otel.exporter.otlp.protocol", "grpc");

        OpenTelemetrySdk sdk = configure(properties);
        try {
            produce(sdk);
            assertTrue(receiver.awaitSpanCount(SPANS, Duration.ofSeconds(20)));
            assertEquals(SPANS, attribute("Exported"));
            assertEquals(SPANS, attribute("Published"));
            assertEquals(0L, attribute("DroppedTotal"));
        } finally {
            assertTrue(sdk.shutdown().join(20, TimeUnit.SECONDS).isSuccess());
        }
        assertEquals(SPANS, receiver.spanCount(), "exactly once: the SDK's exporter did not run");
        assertFalse(JMX.isRegistered(EngineMBean.objectName(RingtraceAutoConfiguration.ENGINE_NAME)), "closed with the SDK");
        ResourceSpans resourceSpans = receiver.requests().get(0).getResourceSpans(0);
        assertEquals("autoconfigured", stringAttribute(resourceSpans, "service.name"));
        assertEquals("opentelemetry", stringAttribute(resourceSpans, "telemetry.sdk.name"), "the SDK's resource, not the engine's default");
        assertEquals("io.ringtrace.test", resourceSpans.getScopeSpans(0).getScope().getName());
    }

    @Test
    void theProtocolPropertySelectsOtlpHttp() throws Exception {
        OtlpHttpReceiver receiver = closeAfter(OtlpHttpReceiver.start());
        Map<String, String> properties = properties("ringtrace", receiver.baseUrl());
        properties.put("otel.exporter.otlp.protocol", "http/protobuf");

        sendThrough(properties, receiver);
        assertEquals(SPANS, receiver.spanCount());
        assertEquals("/v1/traces", receiver.paths().get(0));
    }

    @Test
    void withoutAProtocolPropertyItSendsAsTheSdksExporterWouldOverGrpc() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        Map<String, String> properties = properties("ringtrace", receiver.endpoint());
        assertFalse(properties.containsKey("otel.exporter.otlp.protocol"));

        sendThrough(properties, receiver);
        assertEquals(SPANS, receiver.spanCount(), "the SDK's own OTLP exporter defaults to grpc under these properties");
    }

    @Test
    void withoutRingtraceInTheListNothingChanges() throws Exception {
        OpenTelemetrySdk sdk = configure(properties("none", "http://127.0.0.1:1"));
        try {
            assertFalse(JMX.isRegistered(EngineMBean.objectName(RingtraceAutoConfiguration.ENGINE_NAME)));
        } finally {
            sdk.shutdown().join(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anInvalidRingSettingFailsTheConfigurationNamingIt() {
        Map<String, String> properties = properties("ringtrace", "http://127.0.0.1:1");
        properties.put("otel.bsp.max.queue.size", "-5");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> configure(properties));
        assertTrue(e.getMessage().contains("OTEL_BSP_MAX_QUEUE_SIZE"), e.getMessage());
    }

    private static Map<String, String> properties(String exporter, String endpoint) {
        Map<String, String> p = new HashMap<>();
        p.put("otel.traces.exporter", exporter);
        p.put("otel.metrics.exporter", "none");
        p.put("otel.logs.exporter", "none");
        p.put("otel.service.name", "autoconfigured");
        p.put("otel.exporter.otlp.endpoint", endpoint);
        p.put("otel.bsp.schedule.delay", "100ms"); // the SDK's duration syntax
        return p;
    }

    /** Configures the SDK from {@code properties}, ends {@link #SPANS} spans, waits for {@code receiver} to hold them, shuts the SDK down. */
    private static void sendThrough(Map<String, String> properties, RecordingReceiver<?, ?> receiver) throws Exception {
        OpenTelemetrySdk sdk = configure(properties);
        try {
            produce(sdk);
            assertTrue(receiver.awaitSpanCount(SPANS, Duration.ofSeconds(20)));
        } finally {
            assertTrue(sdk.shutdown().join(20, TimeUnit.SECONDS).isSuccess());
        }
    }

    private static OpenTelemetrySdk configure(Map<String, String> properties) {
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> properties)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
    }

    private static void produce(OpenTelemetrySdk sdk) {
        Tracer tracer = sdk.getTracer("io.ringtrace.test");
        for (int i = 0; i < SPANS; i++) {
            tracer.spanBuilder("span " + i).startSpan().end();
        }
    }

    private static long attribute(String name) throws Exception {
        ObjectName engine = EngineMBean.objectName(RingtraceAutoConfiguration.ENGINE_NAME);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long value;
        do { // the receiver saw the spans; the engine counts them exported when the reply arrives
            value = (Long) JMX.getAttribute(engine, name);
            if (!name.equals("Exported") || value >= SPANS) {
                return value;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return value;
    }

    private static String stringAttribute(ResourceSpans spans, String key) {
        for (KeyValue kv : spans.getResource().getAttributesList()) {
            if (kv.getKey().equals(key)) {
                return kv.getValue().getStringValue();
            }
        }
        return null;
    }
}
