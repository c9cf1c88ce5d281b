package io.ringtrace.engine;

/**
 * How the serializer thread waits for spans when the ring is empty. The choice moves cost between
 * the producers (who may have to wake the serializer on every publish) and the serializer (who may
 * burn CPU while idle).
 *
 * <ul>
 *   <li>{@link #BLOCKING}: the serializer sleeps on a lock and a producer wakes it. Idle costs
 *       nearly nothing, but a producer that publishes while the serializer sleeps pays for an atomic
 *       swap plus a lock and a notify.
 *   <li>{@link #SLEEPING} (default): the serializer spins briefly, yields, then parks with an
 *       exponential backoff from 1 us up to {@value #MAX_SLEEP_MICROS} us (and parks at once after a
 *       whole idle tick). Producers never signal anything: publishing is a plain ordered store.
 *       Costs: an idle serializer wakes about 1,000 times a second, and a span may wait up to
 *       {@value #MAX_SLEEP_MICROS} us before it is encoded, which is irrelevant next to the batch
 *       linger (seconds) and which the ring absorbs (1 ms at 500k spans/s is 500 of the default
 *       8192 slots).
 *   <li>{@link #YIELDING}: spins, then {@link Thread#yield()} in a loop: an idle serializer keeps a
 *       core busy whenever another thread could use it. For hosts with a spare core.
 *   <li>{@link #BUSY_SPIN}: spins with {@link Thread#onSpinWait()}: burns a core permanently. Only
 *       with an isolated core.
 * </ul>
 *
 * <p>Why {@code SLEEPING} is the default, measured on the team's 2-vCPU VM (load average ~5 from
 * other builds, so treat the tails as noisy), one producer publishing a typical span (name, 4
 * attributes) through the ring API at 200k spans/s for 3 s after a 2 s warm-up:
 * <pre>
 *             producer claim+fill+publish     serializer CPU (share of one core)
 *             p50      p99      p99.9         under load   idle
 * BLOCKING    320 ns   9.8 us   181 us        27 %         0.9 %
 * SLEEPING     80 ns   0.73 us   25 us        15 %         3.7 %
 * YIELDING     80 ns   0.81 us   97 us        17 %        43 %
 * BUSY_SPIN    81 ns   0.86 us   26 us        23 %        45 %
 * </pre>
 * (command: {@code java <ringtrace.jvm.flags> -cp <test classpath> io.ringtrace.engine.WaitStrategyProbe
 * 200000 3}; see that class). {@code BLOCKING} makes the latency-critical producer pay ~4x at p50 and
 * ~13x at p99 for waking the consumer, which is the cost this library exists to avoid; the two
 * spinning strategies buy nothing at the producer over {@code SLEEPING} and take most of a core when
 * idle. {@code SLEEPING} keeps the producer as cheap as spinning for a few per cent of a core.
 *
 * <p>Every strategy also wakes the serializer at least every few milliseconds (the engine's "tick",
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
