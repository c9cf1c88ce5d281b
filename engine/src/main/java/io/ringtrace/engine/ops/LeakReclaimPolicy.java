package io.ringtrace.engine.ops;

/**
 * When the open-span leak detector takes a leaked span's flyweight back for its pool (set with
 * {@link OperabilityOptions.Builder#leakReclaimPolicy(LeakReclaimPolicy)}). A reclaimed span stays
 * usable by whoever holds it (ending it late still publishes it); only its flyweight does not return
 * to the pool, which gets a fresh one instead.
 */
public enum LeakReclaimPolicy {
    /** Never: leaked flyweights stay out of their pool (reported only). */
    NEVER,
    /**
     * Only for a pool that ran out of flyweights since the previous scan or has all of them open:
     * leaked spans older than the threshold are reclaimed then (default).
     */
    WHEN_POOL_EXHAUSTED,
    /** Every span older than the threshold is reclaimed at the scan that finds it. */
    ALWAYS
}
