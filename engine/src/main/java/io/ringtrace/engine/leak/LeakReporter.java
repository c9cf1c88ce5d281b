package io.ringtrace.engine.leak;

import java.util.List;

/**
 * Receives the findings of each {@link OpenSpanDetector} scan that found something. Called on the
 * detector's thread; an exception thrown here is logged and the detector carries on.
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
