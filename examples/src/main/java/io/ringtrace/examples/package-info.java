/**
 * Runnable programs to copy from, each exercised by a test:
 * <ul>
 *   <li>{@link io.ringtrace.examples.QuickStart}: the minimum (build an engine, publish spans, close);
 *   <li>{@link io.ringtrace.examples.RingApiExample}: the ring API with pre-encoded names and keys,
 *       measuring the bytes allocated per span;
 *   <li>{@link io.ringtrace.examples.TracedHttpServer}: the span API across threads, W3C
 *       {@code traceparent} in and out;
 *   <li>{@link io.ringtrace.examples.EnvironmentConfigExample}: configuration from the standard
 *       {@code OTEL_*} variables (10% parent-based sampling, TLS, auth headers);
 *   <li>{@link io.ringtrace.examples.ShutdownExample}: flush, close and the engine's stats;
 *   <li>{@link io.ringtrace.examples.PipelineDemo}: the README's main command, a load run with live
 *       numbers and an end-to-end check.
 * </ul>
 * Every JVM running ringtrace needs the Chronicle flags of the root pom's {@code ringtrace.jvm.flags}
 * (README.md, "JVM flags").
 */
package io.ringtrace.examples;
