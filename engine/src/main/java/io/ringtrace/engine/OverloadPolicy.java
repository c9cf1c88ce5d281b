package io.ringtrace.engine;

/** What a span's {@code end()} does when the ring is full (the serializer has fallen behind). */
public enum OverloadPolicy {
    /**
     * Drop the span and count it as {@link io.ringtrace.engine.export.DropReason#RING_FULL}: the
     * producer never waits. The default, for latency-critical threads.
     */
    DROP,
    /**
     * Wait (spin, then park) until a slot frees up, or the engine closes: no loss, but the
     * producer's latency then depends on the serializer and the exporter. An interrupt does not end
     * the wait (the span is not given up); the thread stays parked, and its interrupt status is kept
     * for its code after {@code end()}.
     */
    BLOCK
}
