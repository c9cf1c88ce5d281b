package io.ringtrace.engine;

import io.ringtrace.engine.testing.InMemorySpanExporter;
import java.util.Map;

/**
 * Child JVM of {@link RingHeapCheckTest}: builds an engine from {@code OTEL_BSP_MAX_QUEUE_SIZE} for
 * each argument and prints one line per build: {@code BUILT <ringSize>} or {@code FAILED <class>:
 * <message>}, then {@code SHUTDOWN_CALLS <n>} for its exporter.
 */
public final class RingHeapCheckMain {

    private RingHeapCheckMain() {}

    public static void main(String[] args) {
        for (String queueSize : args) {
            InMemorySpanExporter exporter = new InMemorySpanExporter();
            String result;
            try {
                TraceEngine engine = TraceEngine.builder().name("heap-check")
                        .fromEnvironment(Map.of("OTEL_BSP_MAX_QUEUE_SIZE", queueSize)::get).exporter(exporter).build();
                result = "BUILT " + engine.ringSize();
                engine.close();
            } catch (Throwable t) { // an OutOfMemoryError too: the half-built ring is garbage by now
                result = "FAILED " + t.getClass().getName() + ": " + t.getMessage();
            }
            System.out.println(result);
            System.out.println("SHUTDOWN_CALLS " + exporter.shutdownCalls());
        }
        System.out.println("MAX_HEAP " + Runtime.getRuntime().maxMemory());
    }
}
