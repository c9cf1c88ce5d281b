package io.ringtrace.engine;

/**
 * Told about each per-thread span pool an engine creates (once per thread that starts a span), so an
 * observer such as an open-span leak detector can watch it through its {@link SpanPoolView}. Set with
 * {@link TraceEngineBuilder#spanPoolListener(SpanPoolListener)}.
 */
@FunctionalInterface
public interface SpanPoolListener {

    /**
     * Called on the pool's owner thread, at its first span start, before the span starts. Must be
     * quick and must not start spans on this engine.
     *
     * @param pool the new pool
     */
    void poolCreated(SpanPoolView pool);
}
