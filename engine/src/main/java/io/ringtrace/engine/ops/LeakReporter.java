package io.ringtrace.engine.ops;

import java.util.List;

/**
 * Receives the findings of each scan of the engine's open-span leak detector that found something
 * (set with {@link OperabilityOptions.Builder#leakReporter(LeakReporter)}). Called on the detector's
 * thread; an exception thrown here is logged and the detector carries on.
 */
@FunctionalInterface
public interface LeakReporter {

    /**
     * @param openSpans spans open longer than the threshold at this scan (empty if none)
     * @param exhaustedPools per-thread pools that ran out of flyweights since the previous scan
     *     (empty if none)
     */
    void report(List<OpenSpanReport> openSpans, List<PoolExhaustionReport> exhaustedPools);
}
