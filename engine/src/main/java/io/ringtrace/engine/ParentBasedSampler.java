package io.ringtrace.engine;

import java.util.Objects;

/**
 * OpenTelemetry's {@code ParentBased} sampler: a root span asks the root sampler; a child asks the
 * delegate for its parent's kind (remote or local) and sampled flag, by default following the parent.
 */
final class ParentBasedSampler implements Sampler {

    private final Sampler root;
    private final Sampler remoteParentSampled;
    private final Sampler remoteParentNotSampled;
    private final Sampler localParentSampled;
    private final Sampler localParentNotSampled;
    private final String description;

    ParentBasedSampler(Sampler root, Sampler remoteParentSampled, Sampler remoteParentNotSampled,
                       Sampler localParentSampled, Sampler localParentNotSampled) {
        this.root = Objects.requireNonNull(root, "root sampler");
        this.remoteParentSampled = Objects.requireNonNull(remoteParentSampled, "remoteParentSampled");
        this.remoteParentNotSampled = Objects.requireNonNull(remoteParentNotSampled, "remoteParentNotSampled");
        this.localParentSampled = Objects.requireNonNull(localParentSampled, "localParentSampled");
        this.localParentNotSampled = Objects.requireNonNull(localParentNotSampled, "localParentNotSampled");
        this.description = "ParentBased{root:" + root.description()
                + ",remoteParentSampled:" + remoteParentSampled.description()
                + ",remoteParentNotSampled:" + remoteParentNotSampled.description()
                + ",localParentSampled:" + localParentSampled.description()
                + ",localParentNotSampled:" + localParentNotSampled.description() + "}";
    }

    @Override
    public boolean shouldSample(boolean hasParent, boolean parentRemote, boolean parentSampled,
                                long traceIdHigh, long traceIdLow) {
        Sampler delegate;
        if (!hasParent) {
            delegate = root;
        } else if (parentRemote) {
            delegate = parentSampled ? remoteParentSampled : remoteParentNotSampled;
        } else {
            delegate = parentSampled ? localParentSampled : localParentNotSampled;
        }
        return delegate.shouldSample(hasParent, parentRemote, parentSampled, traceIdHigh, traceIdLow);
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
