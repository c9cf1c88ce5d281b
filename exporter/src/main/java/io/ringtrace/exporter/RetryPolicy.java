package io.ringtrace.exporter;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the OTLP exporters ({@link OtlpGrpcSpanExporter}, {@link OtlpHttpSpanExporter}) retry a request
 * that failed with a retryable status.
 *
 * <p>Exponential backoff with jitter, with the OpenTelemetry Java SDK's defaults
 * ({@code io.opentelemetry.sdk.common.export.RetryPolicy}): at most 5 attempts including the first,
 * initial backoff 1 s, maximum backoff 5 s, multiplier 1.5; each wait is the current backoff times a
 * random factor in [0.8, 1.2), as the SDK does. A receiver's throttling hint replaces the computed
 * wait: {@code google.rpc.RetryInfo.retry_delay} (OTLP/gRPC) or {@code Retry-After} (OTLP/HTTP).
 * On top of the SDK, the total time one request may spend from its first attempt to the start of
 * its last is bounded by {@link #maxElapsed()} (default 60 s): while a request waits to retry, its
 * buffer stays in flight, so this bound is also how long a dead receiver can hold one of the
 * engine's request buffers.
 * Immutable.
 */
public final class RetryPolicy {

    /** The longest backoff or retry budget accepted. */
    public static final Duration MAX_DURATION = Duration.ofDays(1);

    private static final RetryPolicy DEFAULT = builder().build();
    private static final RetryPolicy NONE = builder().maxAttempts(1).build();

    private final int maxAttempts;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final double backoffMultiplier;
    private final long maxElapsedNanos;

    private RetryPolicy(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoffNanos = builder.initialBackoff.toNanos();
        this.maxBackoffNanos = builder.maxBackoff.toNanos();
        this.backoffMultiplier = builder.backoffMultiplier;
        this.maxElapsedNanos = builder.maxElapsed.toNanos();
    }

    /** @return the defaults: 5 attempts, 1 s initial, 5 s max backoff, multiplier 1.5, 60 s total */
    public static RetryPolicy defaults() {
        return DEFAULT;
    }

    /** @return a policy that never retries (one attempt) */
    public static RetryPolicy none() {
        return NONE;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the maximum number of attempts, including the first */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the backoff before the first retry (before jitter) */
    public Duration initialBackoff() {
        return Duration.ofNanos(initialBackoffNanos);
    }

    /** @return the largest backoff (before jitter) */
    public Duration maxBackoff() {
        return Duration.ofNanos(maxBackoffNanos);
    }

    /** @return the factor the backoff grows by after each failed attempt */
    public double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** @return the bound on the time from a request's first attempt to the start of its last */
    public Duration maxElapsed() {
        return Duration.ofNanos(maxElapsedNanos);
    }

    long maxElapsedNanos() {
        return maxElapsedNanos;
    }

    /**
     * The un-jittered backoff before retry number {@code retry} (1 = first retry).
     *
     * @param retry the retry number, from 1
     * @return the backoff in nanoseconds, capped at the maximum
     */
    long backoffNanos(int retry) {
        double backoff = initialBackoffNanos;
        for (int i = 1; i < retry && backoff < maxBackoffNanos; i++) {
            backoff *= backoffMultiplier;
        }
        return (long) Math.min(backoff, maxBackoffNanos);
    }

    /**
     * The jittered wait before retry number {@code retry}, or the server's {@code retry_delay}.
     *
     * @param retry the retry number, from 1
     * @param serverRetryDelayNanos the receiver's {@code RetryInfo.retry_delay}, or -1 if none
     * @return the wait in nanoseconds
     */
    long waitNanos(int retry, long serverRetryDelayNanos) {
        if (serverRetryDelayNanos >= 0) {
            return serverRetryDelayNanos;
        }
        return (long) (backoffNanos(retry) * ThreadLocalRandom.current().nextDouble(0.8d, 1.2d));
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff()
                + ", maxBackoff=" + maxBackoff() + ", multiplier=" + backoffMultiplier
                + ", maxElapsed=" + maxElapsed() + "]";
    }

    /** Builds a {@link RetryPolicy}; starts from the defaults. */
    public static final class Builder {
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private double backoffMultiplier = 1.5;
        private Duration maxElapsed = Duration.ofSeconds(60);

        private Builder() {}

        /**
         * @param maxAttempts attempts including the first, 1 (no retry) to 100
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 100) {
                throw new IllegalArgumentException("maxAttempts must be in [1, 100], got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param initialBackoff the backoff before the first retry, &gt; 0 and at most {@link #MAX_DURATION}
         * @return this builder
         */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = positive(initialBackoff, "initialBackoff");
            return this;
        }

        /**
         * @param maxBackoff the largest backoff, &gt; 0 and at most {@link #MAX_DURATION}
         * @return this builder
         */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = positive(maxBackoff, "maxBackoff");
            return this;
        }

        /**
         * @param backoffMultiplier growth factor per failed attempt, &gt;= 1
         * @return this builder
         */
        public Builder backoffMultiplier(double backoffMultiplier) {
            if (!(backoffMultiplier >= 1.0) || Double.isInfinite(backoffMultiplier)) {
                throw new IllegalArgumentException("backoffMultiplier must be >= 1, got " + backoffMultiplier);
            }
            this.backoffMultiplier = backoffMultiplier;
            return this;
        }

        /**
         * @param maxElapsed bound on the time from a request's first attempt to the start of its last,
         *     &gt; 0 and at most {@link #MAX_DURATION}
         * @return this builder
         */
        public Builder maxElapsed(Duration maxElapsed) {
            this.maxElapsed = positive(maxElapsed, "maxElapsed");
            return this;
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero() || value.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(name + " must be > 0 and at most " + MAX_DURATION + ", got " + value);
            }
            return value;
        }

        /**
         * @return the policy
         * @throws IllegalArgumentException if the maximum backoff is below the initial one
         */
        public RetryPolicy build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException(
                        "maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
            }
            return new RetryPolicy(this);
        }
    }
}
