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
 *       backoff up to {@value #MAX_SLEEP_MICROS} us (and parks at once after a whole idle tick). The
 *       first nap of each wait adapts to the rate: it doubles when the serializer woke to fewer
 *       than 1/16 of the ring's slots and halves (down to {@value #MIN_SLEEP_MICROS} us) when it
 *       woke to more than 1/4, so it wakes to a run of spans it encodes in one pass instead of
 *       paying a timed park and a context switch (several microseconds on a VM) for every few
 *       spans. No yield phase: the serializer has no latency to protect. Producers never signal
 *       anything: publishing is a plain ordered store. Costs: an idle serializer wakes about 1,000
 *       times a second, and a span may wait up to {@value #MAX_SLEEP_MICROS} us before it is encoded,
 *       which is irrelevant next to the batch linger (seconds) and which the ring absorbs (1 ms at
 *       500k spans/s is 500 of the default 16,384 slots; above about 500k spans/s the naps shorten).
 *   <li>{@link #YIELDING}: spins, then {@link Thread#yield()} in a loop: an idle serializer keeps a
 *       core busy whenever another thread could use it. For hosts with a spare core.
 *   <li>{@link #BUSY_SPIN}: spins with {@link Thread#onSpinWait()}: burns a core permanently. Only
 *       with an isolated core.
 * </ul>
 *
 * <p>Why {@code SLEEPING} is the default, measured on the team's 2-vCPU VM (load average 1.9-2.7
 * from other work, so treat the tails as noisy), one producer publishing a typical span (name, 4
 * attributes) through the ring API for 3 s after a 2 s warm-up:
 * <pre>
 *                       producer claim+fill+publish     serializer CPU (share of one core)
 *             rate      p50      p99      p99.9         under load   idle
 * BLOCKING    100k/s    931 ns    26 us    67 us        35 %         0.7 %
 * SLEEPING    100k/s     90 ns   0.78 us  8.3 us       4.6 %         1.7 %
 * YIELDING    100k/s    702 ns   1.2 us   9.9 us        99 %       100 %
 * BUSY_SPIN   100k/s    741 ns   1.3 us    35 us        99 %       100 %
 * BLOCKING    200k/s    581 ns   8.9 us    50 us        44 %         0.6 %
 * SLEEPING    200k/s     90 ns   0.71 us  1.0 us       6.1 %         1.3 %
 * YIELDING    200k/s    671 ns   1.2 us    11 us       100 %       100 %
 * BUSY_SPIN   200k/s    692 ns   1.3 us    40 us        99 %       100 %
 * </pre>
 * (command: {@code java <ringtrace.jvm.flags> -cp bench/target/benchmarks.jar
 * io.ringtrace.bench.probe.WaitStrategyProbe 100000 3}, then {@code 200000 3}). {@code BLOCKING}
 * makes the latency-critical producer pay for waking the consumer (p99 ~9 us), the cost this
 * library exists to avoid. On two cores a spinning or yielding serializer takes a whole core and
 * slows the producer it shares the machine with, so {@code SLEEPING} parks without a yield phase
 * (100 yields before parking measure like {@code YIELDING}: 97 % of a core at 100k spans/s, producer
 * p50 691 ns). Its first nap adapts to the rate because a fixed first nap of
 * {@value #MIN_SLEEP_MICROS} us wakes the serializer for every few spans (18 % of a core at 100k/s
 * and 25 % at 200k/s, producer p50 230 and 301 ns). {@code SLEEPING} keeps the producer cheapest for
 * about 5 % of a core.
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

    /** Shortest first nap of {@link #SLEEPING} (where it starts, and its floor), in microseconds. */
    public static final int MIN_SLEEP_MICROS = 50;

    /** Longest park of {@link #SLEEPING}, in microseconds. */
    public static final int MAX_SLEEP_MICROS = 1000;
}
