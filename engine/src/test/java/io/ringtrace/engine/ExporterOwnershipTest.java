package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine owns the exporter it is given: it shuts it down exactly once, also when the engine is
 * disabled (nothing will ever be exported) and when {@code build()} fails (there is no engine to
 * close).
 */
class ExporterOwnershipTest extends LeakCheckingTestBase {

    @Test
    void aDisabledEngineShutsItsExporterDown() {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = TraceEngine.builder().disabled(true).exporter(exporter).build();
        engine.close();
        engine.close();
        assertEquals(1, exporter.shutdownCalls());
        assertEquals(0, exporter.exportCalls());
    }

    @Test
    void anEngineDisabledByTheEnvironmentShutsItsExporterDown() {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = TraceEngine.builder().fromEnvironment(Map.of("OTEL_SDK_DISABLED", "true")::get)
                .exporter(exporter).build();
        assertTrue(engine.isDisabled());
        engine.close();
        assertEquals(1, exporter.shutdownCalls());
    }

    @Test
    void aBuildThatFailsInsideTheEngineShutsTheExporterDown() {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        Sampler broken = new Sampler() {
            @Override
            public boolean shouldSample(boolean hasParent, boolean parentRemote, boolean parentSampled,
                                        long traceIdHigh, long traceIdLow) {
                return true;
            }

            @Override
            public String description() {
                throw new IllegalStateException("broken sampler");
            }
        };
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> TraceEngine.builder().name("broken").exporter(exporter).sampler(broken).build());
        assertEquals("broken sampler", failure.getMessage());
        assertEquals(1, exporter.shutdownCalls(), "build() failed after taking the exporter and did not shut it down");
    }

    @Test
    void aBuildRejectedByValidationShutsTheExporterDown() {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        // 2^24 slots of ~8.4 KB: far more than any test heap
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> TraceEngine.builder().ringSize(TraceEngineBuilder.MAX_RING_SIZE).exporter(exporter).build());
        assertTrue(failure.getMessage().contains("ringSize"), failure::getMessage);
        assertEquals(1, exporter.shutdownCalls());
    }
}
