package io.ringtrace.engine;

/** {@code always_on} / {@code always_off}: the same decision for every span. */
final class FixedSampler implements Sampler {

    static final FixedSampler ALWAYS_ON = new FixedSampler(true, "AlwaysOnSampler");
    static final FixedSampler ALWAYS_OFF = new FixedSampler(false, "AlwaysOffSampler");

    private final boolean decision;
    private final String description;

    private FixedSampler(boolean decision, String description) {
        this.decision = decision;
        this.description = description;
    }

    @Override
    public boolean shouldSample(boolean hasParent, boolean parentRemote, boolean parentSampled,
                                long traceIdHigh, long traceIdLow) {
        return decision;
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
