package io.ringtrace.engine;

import io.ringtrace.engine.testing.InMemorySpanExporter;

/**
 * Child JVM of {@link JvmFlagsTest}: builds an engine and prints {@code BUILT} or {@code FAILED
 * <class>: <message>}.
 */
public final class JvmFlagsMain {

    private JvmFlagsMain() {}

    public static void main(String[] args) {
        try (TraceEngine engine = TraceEngine.builder().name("jvm-flags").exporter(new InMemorySpanExporter()).build()) {
            System.out.println("BUILT " + engine.ringSize());
        } catch (RuntimeException e) {
            System.out.println("FAILED " + e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
