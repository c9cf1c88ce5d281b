package io.ringtrace.opentelemetry.sdk;

import io.ringtrace.opentelemetry.internal.AttributeKeys;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.TraceEngineBuilder;
import io.ringtrace.engine.internal.monitor.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenTelemetry SDK {@link SpanProcessor} that hands every ended, sampled span to a ringtrace
 * engine: it replaces {@code BatchSpanProcessor} and the OTLP exporter. The SDK keeps creating
 * spans (its sampler, limits, context and API); ringtrace does the queueing, the OTLP encoding and
 * the export, with its bounded ring, overload policy ({@code DROP}: never block the thread that
 * ends a span, counted; or {@code BLOCK}) and accounting ({@link TraceEngine#stats}).
 *
 * <pre>{@code
 * Resource resource = Resource.getDefault().merge(...);
 * RingtraceSpanProcessor processor = RingtraceSpanProcessor.builder(
 *         TraceEngine.builder().fromEnvironment().exporter(OtlpExporters.fromEnvironment()))
 *     .resource(resource)                     // becomes the engine's resource
 *     .build();                               // builds and starts the engine
 * SdkTracerProvider provider = SdkTracerProvider.builder()
 *     .setResource(resource)
 *     .addSpanProcessor(processor)
 *     .build();
 * }</pre>
 *
 * <p>{@link #onEnd} reads the span through {@link ReadableSpan#toSpanData()} (on an ended SDK span a
 * thin view over it, the cheapest complete read the SDK offers: see the module README), claims a
 * ring slot per the engine's overload policy, copies the span into the slot under its
 * instrumentation scope (each scope encoded once) and publishes it. Beyond the SDK's own read,
 * ringtrace allocates nothing per span. A span that cannot be copied is never exported half-written:
 * its slot is cleared and dropped as {@code INVALID_SPAN}, and the failure is logged (rate-limited),
 * never thrown at the thread that ended the span.
 *
 * <p>One processor serves one tracer provider: the engine has one resource, the one given here.
 * A span of another resource is exported under it all the same and counted ({@link
 * #spansWithOtherResource()}).
 *
 * <p>Memory, besides the engine's (its own formula): one copier per thread that ends spans (a few
 * hundred bytes; its scratch arrays grow with the longest array attribute, to about 30 KB at most),
 * at most 4,096 encoded attribute keys and 1,024 encoded scopes.
 *
 * <p>{@link #forceFlush()} and {@link #shutdown()} block until the engine has flushed or closed
 * (at most their timeouts) and return a completed result. The processor owns the engine: shutdown
 * closes it.
 */
public final class RingtraceSpanProcessor implements SpanProcessor {

    private static final System.Logger LOG = System.getLogger(RingtraceSpanProcessor.class.getName());

    private final TraceEngine engine;
    private final Resource resource;
    private final boolean block;
    private final Duration flushTimeout;
    private final Duration shutdownTimeout;
    private final ThreadLocal<SpanCopier> copiers;
    private final AtomicLong copyFailures = new AtomicLong();
    private final AtomicLong otherResource = new AtomicLong();
    /** The last resource instance found equal to {@link #resource}: spans of it skip the comparison. */
    private Resource equalResource;
    private final AtomicBoolean shutdown = new AtomicBoolean();
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, TimeUnit.MINUTES.toNanos(1));

    private RingtraceSpanProcessor(Builder b, TraceEngine engine) {
        this.engine = engine;
        this.resource = b.resource;
        this.block = engine.overloadPolicy() == OverloadPolicy.BLOCK;
        this.flushTimeout = b.flushTimeout;
        this.shutdownTimeout = b.shutdownTimeout;
        AttributeKeys keys = new AttributeKeys();
        ScopeCache scopes = new ScopeCache();
        this.copiers = ThreadLocal.withInitial(() -> new SpanCopier(keys, scopes));
    }

    /**
     * @param engine the engine to build; its resource is replaced by the SDK's ({@link
     *     Builder#resource}), and it needs an exporter
     * @return a builder
     */
    public static Builder builder(TraceEngineBuilder engine) {
        return new Builder(engine);
    }

    /** Not needed: the span is read once, when it has ended. */
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    /** @return false */
    @Override
    public boolean isStartRequired() {
        return false;
    }

    /**
     * Copies a sampled, ended span into a ring slot and publishes it; an unsampled span (the SDK's
     * {@code RECORD_ONLY}) is ignored, as {@code BatchSpanProcessor} does. Never throws.
     *
     * @param span the ended span
     */
    @Override
    public void onEnd(ReadableSpan span) {
        if (!span.getSpanContext().isSampled()) {
            return;
        }
        SpanData data = span.toSpanData(); // read before claiming: the slot is held only while it is written
        long sequence = block ? engine.claim() : engine.tryClaim();
        if (sequence < 0) {
            return; // ring full, closed or disabled: counted by the engine
        }
        SpanRecord record = engine.record(sequence);
        SpanCopier copier = copiers.get();
        try {
            Resource spanResource = data.getResource();
            if (spanResource != resource && spanResource != equalResource) {
                checkResource(spanResource);
            }
            copier.copy(data, record);
        } catch (RuntimeException | LinkageError e) {
            record.reset(); // no ids: the serializer drops it as INVALID_SPAN, never half-written
            copyFailures.incrementAndGet();
            if (failureLog.tryAcquire(Level.WARNING)) {
                failureLog.logAcquired(Level.WARNING, "ringtrace: could not copy the span '" + data.getName()
                        + "'; dropped as INVALID_SPAN", e);
            }
        } finally {
            copier.clear();
            engine.publish(sequence); // always, exactly once
        }
    }

    /** Compares by value once per resource instance: an SDK may hand out an equal copy of the resource it was given. */
    private void checkResource(Resource other) {
        if (resource.equals(other)) {
            equalResource = other; // racy, benign: another thread at worst compares once more
        } else if (otherResource.getAndIncrement() == 0) {
            LOG.log(Level.WARNING, "ringtrace: a span of another resource than the processor's (" + other
                    + "); exported under the processor's resource. One processor serves one tracer provider.");
        }
    }

    /** @return true */
    @Override
    public boolean isEndRequired() {
        return true;
    }

    /**
     * Waits until every span ended before the call has been exported and acknowledged, at most the
     * flush timeout.
     *
     * @return a completed result: success if everything was exported in time
     */
    @Override
    public CompletableResultCode forceFlush() {
        return engine.flush(flushTimeout) ? CompletableResultCode.ofSuccess() : CompletableResultCode.ofFailure();
    }

    /**
     * Closes the engine: drains the ring, exports, stops its threads and frees its memory, at most
     * the shutdown timeout (what could not be exported by then is counted {@code SHUTDOWN}).
     * Idempotent.
     *
     * @return a completed result: success if the engine closed within the timeout
     */
    @Override
    public CompletableResultCode shutdown() {
        if (!shutdown.compareAndSet(false, true)) {
            return CompletableResultCode.ofSuccess();
        }
        boolean closed = engine.close(shutdownTimeout);
        LOG.log(Level.DEBUG, () -> "ringtrace: engine closed: " + engine.stats(new io.ringtrace.engine.EngineStats()));
        return closed ? CompletableResultCode.ofSuccess() : CompletableResultCode.ofFailure();
    }

    /** @return the engine this processor feeds (for its stats) */
    public TraceEngine engine() {
        return engine;
    }

    /** @return spans that could not be copied (also counted by the engine as {@code INVALID_SPAN}) */
    public long copyFailures() {
        return copyFailures.get();
    }

    /** @return spans whose resource differed from the processor's (exported under the processor's) */
    public long spansWithOtherResource() {
        return otherResource.get();
    }

    @Override
    public String toString() {
        return "RingtraceSpanProcessor{engine=" + engine.name() + '}';
    }

    /** Builds a {@link RingtraceSpanProcessor}. Not thread-safe. */
    public static final class Builder {
        private final TraceEngineBuilder engine;
        private Resource resource = Resource.getDefault();
        private Duration flushTimeout = Duration.ofSeconds(10);
        private Duration shutdownTimeout = TraceEngine.DEFAULT_CLOSE_TIMEOUT;

        private Builder(TraceEngineBuilder engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /**
         * @param resource the tracer provider's resource (the same instance given to {@code
         *     SdkTracerProviderBuilder.setResource}); it becomes the engine's resource. Default:
         *     {@link Resource#getDefault()}, the SDK's default
         * @return this
         */
        public Builder resource(Resource resource) {
            this.resource = Objects.requireNonNull(resource, "resource");
            return this;
        }

        /** @param timeout how long {@link #forceFlush()} waits, positive; default 10 s @return this */
        public Builder flushTimeout(Duration timeout) {
            this.flushTimeout = positive(timeout, "flushTimeout");
            return this;
        }

        /** @param timeout how long {@link #shutdown()} waits, positive; default 10 s @return this */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = positive(timeout, "shutdownTimeout");
            return this;
        }

        private static Duration positive(Duration timeout, String name) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + timeout);
            }
            return timeout;
        }

        /**
         * Builds the engine, with the resource, and the processor over it.
         *
         * @return the processor, which owns the engine
         * @throws IllegalStateException or IllegalArgumentException as {@link TraceEngineBuilder#build()}
         */
        public RingtraceSpanProcessor build() {
            TraceEngine built = engine.resource(OtelResources.toRingtrace(resource)).build();
            return new RingtraceSpanProcessor(this, built);
        }
    }
}
