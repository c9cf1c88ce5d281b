package io.ringtrace.engine;

import java.util.Locale;

/**
 * {@code traceidratio}: samples a fixed fraction of traces, deterministically by trace id, so every
 * service sampling the same trace with the same ratio makes the same decision (and agrees with the
 * OpenTelemetry SDK's {@code TraceIdRatioBased}).
 *
 * <p>Rule (the SDK's): the low 8 bytes of the trace id are taken as a long, its absolute value is
 * compared to {@code idUpperBound}: ratio 0 gives {@link Long#MIN_VALUE} (nothing passes), ratio 1
 * gives {@link Long#MAX_VALUE} (everything passes, including {@code Math.abs(Long.MIN_VALUE)} which
 * stays negative), otherwise {@code (long) (ratio * Long.MAX_VALUE)}.
 */
final class TraceIdRatioSampler implements Sampler {

    private final long idUpperBound;
    private final String description;

    TraceIdRatioSampler(double ratio) {
        if (!(ratio >= 0.0 && ratio <= 1.0)) { // also rejects NaN
            throw new IllegalArgumentException("trace id ratio must be in [0.0, 1.0], got " + ratio);
        }
        if (ratio == 0.0) {
            idUpperBound = Long.MIN_VALUE;
        } else if (ratio == 1.0) {
            idUpperBound = Long.MAX_VALUE;
        } else {
            idUpperBound = (long) (ratio * Long.MAX_VALUE);
        }
        description = String.format(Locale.ROOT, "TraceIdRatioBased{%.6f}", ratio);
    }

    @Override
    public boolean shouldSample(boolean hasParent, boolean parentRemote, boolean parentSampled,
                                long traceIdHigh, long traceIdLow) {
        return Math.abs(traceIdLow) < idUpperBound;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
