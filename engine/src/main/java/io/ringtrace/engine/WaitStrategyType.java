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
 *   <li>{@link #SLEEPING} (default): the serializer spins briefly, then parks with an exponential
 *       backoff from {@value #MIN_SLEEP_MICROS} us up to {@value #MAX_SLEEP_MICROS} us (and parks at
 *       once after a whole idle tick). No yield phase: the serializer has no latency to protect, and
 *       a parked serializer wakes to a run of spans it encodes in one pass. Producers never signal
 *       anything: publishing is a plain ordered store. Costs: an idle serializer wakes about 1,000
 *       times a second, and a span may wait up to {@value #MAX_SLEEP_MICROS} us before it is encoded,
 *       which is irrelevant next to the batch linger (seconds) and which the ring absorbs (1 ms at
 *       500k spans/s is 500 of the default 8192 slots).
 *   <li>{@link #YIELDING}: spins, then {@link Thread#yield()} in a loop: an idle serializer keeps a
 *       core busy whenever another thread could use it. For hosts with a spare core.
 *   <li>{@link #BUSY_SPIN}: spins with {@link Thread#onSpinWait()}: burns a core permanently. Only
 *       with an isolated core.
 * </ul>
 *
 * <p>Why {@code SLEEPING} is the default, measured on the team's 2-vCPU VM (load average 1.6-3.5
 * from other work, so treat the tails as noisy), one producer publishing a typical span (name, 4
 * attributes) through the ring API for 3 s after a 2 s warm-up:
 * <pre>
 *                       producer claim+fill+publish     serializer CPU (share of one core)
 *             rate      p50      p99      p99.9         under load   idle
 * BLOCKING    100k/s    882 ns   9.7 us    53 us        35 %         1.0 %
 * SLEEPING    100k/s    230 ns   0.99 us   10 us        18 %         1.8 %
 * YIELDING    100k/s    691 ns   1.4 us   178 us        99 %       100 %
 * BUSY_SPIN   100k/s    751 ns   1.2 us    41 us        94 %       100 %
 * BLOCKING    200k/s    612 ns   8.8 us    54 us        42 %         0.6 %
 * SLEEPING    200k/s    301 ns   1.2 us    42 us        25 %         3.8 %
 * YIELDING    200k/s    472 ns   1.1 us   139 us        59 %        99 %
 * BUSY_SPIN   200k/s    101 ns   1.1 us    22 us        53 %        99 %
 * </pre>
 * (command: {@code java <ringtrace.jvm.flags> -cp <test classpath> io.ringtrace.engine.WaitStrategyProbe
 * 100000 3}, then {@code 200000 3}; see that class). {@code BLOCKING} makes the latency-critical
 * producer pay for waking the consumer (p99 ~9 us), the cost this library exists to avoid. On two
 * cores a spinning or yielding serializer takes a whole core and slows the producer it shares the
 * machine with; an earlier {@code SLEEPING} that yielded 100 times before parking measured the same
 * (97 % of a core at 100k spans/s, producer p50 691 ns), which is why it now parks at once.
 * {@code SLEEPING} keeps the producer cheapest for a fifth to a quarter of a core under load.
 *
 * <p>Every strategy also wakes the serializer at least every few milliseconds (the engine's "tick",
 * at most {@code scheduleDelay / 4} and at most 10 ms) so that a partial batch is sealed on time and
 * {@code flush()} is served even when no span arrives.
 */
public enum WaitStrategyType {
    /** Lock and condition; producers signal. See the type's documentation. */
    BLOCKING,
    /** Spin, then park with backoff; producers never signal. The default. */
    SLEEPING,
    /** Spin, then yield. */
    YIELDING,
    /** Spin. */
    BUSY_SPIN;

    /** First park of {@link #SLEEPING}, in microseconds. */
    public static final int MIN_SLEEP_MICROS = 50;

    /** Longest park of {@link #SLEEPING}, in microseconds. */
    public static final int MAX_SLEEP_MICROS = 1000;
}
