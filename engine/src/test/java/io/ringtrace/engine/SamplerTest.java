package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.Collections;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Our samplers decide as the OpenTelemetry SDK's do, for the same trace ids and parents. */
class SamplerTest {

    private static final long[] EDGE_IDS = {1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, 0x7FFFFFFFFFFFFFFEL,
        4611686018427387904L, -4611686018427387904L, 922337203685477580L};

    @Test
    void traceIdRatioMatchesTheSdkForRandomAndEdgeIds() {
        SplittableRandom random = new SplittableRandom(42);
        double[] ratios = {0.0, 1e-9, 0.0001, 0.1, 0.25, 0.5, 0.75, 0.999999, 1.0};
        for (double ratio : ratios) {
            Sampler ours = Sampler.traceIdRatio(ratio);
            io.opentelemetry.sdk.trace.samplers.Sampler sdk = io.opentelemetry.sdk.trace.samplers.Sampler.traceIdRatioBased(ratio);
            assertEquals(sdk.getDescription(), ours.description());
            int sampled = 0;
            for (int i = 0; i < 20_000 + EDGE_IDS.length; i++) {
                long high = random.nextLong();
                long low = i < EDGE_IDS.length ? EDGE_IDS[i] : random.nextLong();
                boolean expected = sdkDecision(sdk, high, low, null);
                assertEquals(expected, ours.shouldSample(false, false, false, high, low),
                        "ratio " + ratio + " trace " + Long.toHexString(high) + Long.toHexString(low));
                sampled += expected ? 1 : 0;
            }
            if (ratio == 0.5) {
                assertTrue(sampled > 9_000 && sampled < 11_500, "about half: " + sampled);
            }
        }
    }

    @Test
    void parentBasedFollowsTheParentLikeTheSdk() {
        io.opentelemetry.sdk.trace.samplers.Sampler sdk =
                io.opentelemetry.sdk.trace.samplers.Sampler.parentBased(io.opentelemetry.sdk.trace.samplers.Sampler.traceIdRatioBased(0.3));
        Sampler ours = Sampler.parentBased(Sampler.traceIdRatio(0.3));
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 5_000; i++) {
            long high = random.nextLong();
            long low = random.nextLong();
            for (int parent = 0; parent < 5; parent++) {
                boolean hasParent = parent > 0;
                boolean remote = parent == 1 || parent == 2;
                boolean parentSampled = parent == 1 || parent == 3;
                SpanContext parentContext = !hasParent ? null : remote
                        ? SpanContext.createFromRemoteParent(hex(high, low), "00f067aa0ba902b7",
                                parentSampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault())
                        : SpanContext.create(hex(high, low), "00f067aa0ba902b7",
                                parentSampled ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
                assertEquals(sdkDecision(sdk, high, low, parentContext),
                        ours.shouldSample(hasParent, remote, parentSampled, high, low));
            }
        }
        assertTrue(Sampler.alwaysOn().shouldSample(false, false, false, 1, 1));
        assertFalse(Sampler.alwaysOff().shouldSample(true, true, true, 1, 1));
        assertEquals(sdk.getDescription(), ours.description());
    }

    @Test
    void invalidRatiosAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Sampler.traceIdRatio(-0.1));
        assertThrows(IllegalArgumentException.class, () -> Sampler.traceIdRatio(1.01));
        assertThrows(IllegalArgumentException.class, () -> Sampler.traceIdRatio(Double.NaN));
    }

    private static boolean sdkDecision(io.opentelemetry.sdk.trace.samplers.Sampler sdk, long high, long low,
                                       SpanContext parent) {
        Context context = parent == null ? Context.root()
                : Context.root().with(io.opentelemetry.api.trace.Span.wrap(parent));
        return sdk.shouldSample(context, hex(high, low), "span", io.opentelemetry.api.trace.SpanKind.INTERNAL,
                Attributes.empty(), Collections.emptyList()).getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
    }

    private static String hex(long high, long low) {
        return String.format("%016x%016x", high, low);
    }
}
