package io.ringtrace.engine;

/**
 * Decides at span start whether a span is sampled (recorded and exported) or not (it then records
 * nothing and touches no ring slot, but still propagates its context), with OpenTelemetry's
 * semantics. Implementations must be thread-safe and must not allocate. An exception a sampler
 * throws never reaches the application: the span API starts that span as not sampled and counts it
 * ({@link EngineStats#samplerErrors()}).
 *
 * <p>The built-in samplers match the OpenTelemetry SDK's: {@link #alwaysOn()}, {@link #alwaysOff()},
 * {@link #traceIdRatio(double)} (same decision as the SDK's {@code TraceIdRatioBased} for the same
 * trace id) and {@link #parentBased(Sampler)}. There is no "record only" decision: a span is either
 * sampled or costs nothing.
 */
public interface Sampler {

    /**
     * @param hasParent whether the new span has a valid parent
     * @param parentRemote whether that parent came from another process
     * @param parentSampled whether that parent was sampled
     * @param traceIdHigh high 8 bytes of the new span's trace id
     * @param traceIdLow low 8 bytes of the new span's trace id
     * @return whether to sample the new span
     */
    boolean shouldSample(boolean hasParent, boolean parentRemote, boolean parentSampled,
                         long traceIdHigh, long traceIdLow);

    /** @return a description in the SDK's format, e.g. {@code TraceIdRatioBased{0.250000}} */
    String description();

    /** @return the sampler that samples every span */
    static Sampler alwaysOn() {
        return FixedSampler.ALWAYS_ON;
    }

    /** @return the sampler that samples no span */
    static Sampler alwaysOff() {
        return FixedSampler.ALWAYS_OFF;
    }

    /**
     * @param ratio the fraction of traces to sample, in [0, 1]
     * @return a sampler that samples a trace when the low 8 bytes of its trace id, as a positive
     *     long, fall under {@code ratio * Long.MAX_VALUE}, as the OpenTelemetry SDK does
     * @throws IllegalArgumentException if {@code ratio} is outside [0, 1] or NaN
     */
    static Sampler traceIdRatio(double ratio) {
        return new TraceIdRatioSampler(ratio);
    }

    /**
     * @param root the sampler for spans without a parent
     * @return the OpenTelemetry {@code ParentBased} sampler: root spans ask {@code root}; a child
     *     follows its parent's sampled flag (remote or local)
     */
    static Sampler parentBased(Sampler root) {
        return new ParentBasedSampler(root, alwaysOn(), alwaysOff(), alwaysOn(), alwaysOff());
    }

    /**
     * The OpenTelemetry {@code ParentBased} sampler with every delegate chosen.
     *
     * @param root for spans without a parent
     * @param remoteParentSampled for children of a sampled remote parent
     * @param remoteParentNotSampled for children of an unsampled remote parent
     * @param localParentSampled for children of a sampled local parent
     * @param localParentNotSampled for children of an unsampled local parent
     * @return the sampler
     */
    static Sampler parentBased(Sampler root, Sampler remoteParentSampled, Sampler remoteParentNotSampled,
                               Sampler localParentSampled, Sampler localParentNotSampled) {
        return new ParentBasedSampler(root, remoteParentSampled, remoteParentNotSampled,
                localParentSampled, localParentNotSampled);
    }
}
