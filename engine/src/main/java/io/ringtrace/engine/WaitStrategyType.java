package io.ringtrace.engine;

/**
 * How the serializer thread waits for spans when the ring is empty. The choice moves cost between
 * the producers (who may have to wake the serializer on every publish) and the serializer (who may
 * burn CPU while idle).
 *
 * <ul>
 *   <li>{@link #BLOCKING}: the serializer sleeps on a lock and a producer wakes it. Idle costs
 *       nothing, but a producer that publishes while the serializer sleeps pays for an atomic swap
 *       and a lock + notify: a probe on 2 vCPUs measured ~5 us added to the producer's p99 at
 *       200k-500k spans/s.
 *   <li>{@link #SLEEPING} (default): the serializer spins briefly, yields, then parks with an
 *       exponential backoff from 1 us up to {@value #MAX_SLEEP_MICROS} us. Producers never signal
 *       anything (publishing is a plain ordered store); the same probe kept producer p99 near
 *       0.45 us. Costs: an idle serializer wakes up to ~1,000 times a second (a few per cent of one
 *       core at most), and a span waits up to {@value #MAX_SLEEP_MICROS} us before it is encoded,
 *       which is irrelevant next to the batch linger (seconds) and which the ring absorbs (1 ms at
 *       500k spans/s is 500 slots of the default 8192).
 *   <li>{@link #YIELDING}: spins, then {@link Thread#yield()} in a loop: lower hand-off latency,
 *       but an idle serializer keeps a core busy whenever another thread could use it. For hosts
 *       with a spare core.
 *   <li>{@link #BUSY_SPIN}: spins with {@link Thread#onSpinWait()}: lowest hand-off latency, burns
 *       one core permanently. Only with an isolated core.
 * </ul>
 *
 * Every strategy also wakes the serializer at least every few milliseconds (the engine's "tick",
 * at most {@code scheduleDelay / 4} and at most 10 ms) so that a partial batch is sealed on time and
 * {@code flush()} is served even when no span arrives.
 */
public enum WaitStrategyType {
    /** Lock and condition; producers signal. See the type's documentation. */
    BLOCKING,
    /** Spin, yield, then park with backoff; producers never signal. The default. */
    SLEEPING,
    /** Spin, then yield. */
    YIELDING,
    /** Spin. */
    BUSY_SPIN;

    /** Longest park of {@link #SLEEPING}, in microseconds. */
    public static final int MAX_SLEEP_MICROS = 1000;
}
