package io.ringtrace.log4j2;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceCorrelation;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderFactory;

/**
 * The {@code Ringtrace} Log4j2 appender: each event is written in place into a claimed slot of
 * ringtrace's log ring and published, and the ring's serializer ships the records as OTLP logs.
 * With Log4j2's garbage-free mode (and an asynchronous logger) nothing on the way allocates per
 * event. Configured in {@code log4j2.xml} like any appender (see the module README).
 *
 * <p>Trace correlation, on the thread that runs the appender: the span engine given to {@link
 * #traceEngine(TraceEngine)}, else the builder's {@code traceCorrelation} source (such as the
 * interop module's {@code io.ringtrace.opentelemetry.OpenTelemetryCorrelation}, which reads
 * OpenTelemetry's current span), else the given log engine's own. With an asynchronous logger that
 * thread is Log4j2's background thread, where no span is current: the thread context map's
 * {@code trace_id}, {@code span_id} and {@code trace_flags} carry the context instead.
 *
 * <p>{@link #append(LogEvent)} never throws into the logging thread for a full ring (the record
 * is dropped and counted by the pipeline, or waits under the {@code BLOCK} policy) or for an
 * event the mapping refuses (the record is published as failed, then dropped and counted); only
 * an unexpected error goes to Log4j2's error handler, and is rethrown if {@code
 * ignoreExceptions="false"}.
 */
@Plugin(name = RingtraceAppender.PLUGIN_NAME, category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE,
        printObject = true)
public final class RingtraceAppender extends AbstractAppender {

    /** The element name in {@code log4j2.xml}. */
    public static final String PLUGIN_NAME = "Ringtrace";

    private final LogRecordSink sink;
    private final LogEventMapper mapper;
    private final AnchoredClock clock = AnchoredClock.SHARED;
    /** The span engine whose current span goes into each record, or null; written rarely, read per event. */
    private volatile Tracer currentSpans;
    /** The least time {@link #stop(long, TimeUnit)} gives the sink to export what is left. */
    private final long closeTimeoutMillis;
    /** Asked after {@link #currentSpans} (e.g. OpenTelemetry's current span), before the sink's engine; or null. */
    private final TraceCorrelation correlation;
    /** Set at the source's first failure: it is reported once, not once per record. */
    private volatile boolean correlationFailureReported;

    /**
     * Log4j2 builds the appender of a {@code <Ringtrace>} element through this builder; code may use it too.
     *
     * @return a new builder
     */
    @PluginBuilderFactory
    public static RingtraceAppenderBuilder newBuilder() {
        return new RingtraceAppenderBuilder();
    }

    RingtraceAppender(String name, Filter filter, boolean ignoreExceptions, LogRecordSink sink, LogEventMapper mapper,
                      long closeTimeoutMillis) {
        this(name, filter, ignoreExceptions, sink, mapper, closeTimeoutMillis, null);
    }

    RingtraceAppender(String name, Filter filter, boolean ignoreExceptions, LogRecordSink sink, LogEventMapper mapper,
                      long closeTimeoutMillis, TraceCorrelation correlation) {
        super(name, filter, null, ignoreExceptions, Property.EMPTY_ARRAY);
        this.sink = sink;
        this.mapper = mapper;
        this.closeTimeoutMillis = closeTimeoutMillis;
        this.correlation = correlation;
    }

    @Override
    public void append(LogEvent event) {
        final long sequence = sink.claim();
        if (sequence < 0) {
            return; // no slot (full under DROP, closed, disabled): the sink counted the loss
        }
        final LogRecordWriter record = sink.record(sequence);
        try {
            mapper.map(event, record, clock.nowEpochNanos());
            final Tracer spans = currentSpans;
            if ((spans == null || !correlate(spans.currentSpan(), record)) && !correlateFromSource(record)) {
                sink.correlate(record); // a given engine built with traceEngine(...) or a correlation knows its spans
            }
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException && record.fillFailed()) {
                return; // a setter refused a value and marked the fill failed: dropped and counted (finally publishes)
            }
            markFailed(record); // a half-written record must never be sent
            error("Ringtrace appender " + getName() + " could not map an event; the record is dropped", event, e);
            if (!ignoreExceptions()) {
                throw e;
            }
        } catch (Error e) {
            markFailed(record); // dropped and counted; an Error is never swallowed
            throw e;
        } finally {
            sink.publish(sequence); // always: the ring cannot skip a claimed slot
        }
    }

    /** Puts the span's ids into the record; the no-op span (none open on this thread) leaves it as it is. */
    private static boolean correlate(Span span, LogRecordWriter record) {
        if (!span.isValid()) {
            return false;
        }
        record.traceId(span.traceIdHigh(), span.traceIdLow()).spanId(span.spanId())
                .traceFlags(span.context().traceFlags());
        return true;
    }

    /**
     * Asks the appender's correlation source; one that throws leaves the record uncorrelated (the
     * event is still sent) and is reported once to Log4j2's status logger.
     */
    private boolean correlateFromSource(LogRecordWriter record) {
        if (correlation == null) {
            return false;
        }
        try {
            return correlation.correlate(record);
        } catch (RuntimeException e) {
            if (!correlationFailureReported) {
                correlationFailureReported = true;
                LOGGER.warn("Ringtrace appender {}: trace correlation {} failed; records it fails for go out uncorrelated",
                        getName(), correlation, e);
            }
            return true; // do not let the engine's source overwrite what this one may have half-written
        }
    }

    /**
     * Correlates records with {@code engine}'s spans (an appender given a log engine built with {@code
     * traceEngine(...)} does so already): a record takes the trace id, span id and trace
     * flags of the span that is current (the innermost open span of ringtrace's span API) on the
     * thread that runs the appender: the logging thread with a synchronous logger. With an
     * asynchronous logger that is Log4j2's background thread, where no span is open; there the
     * thread context map's {@code trace_id}, {@code span_id} and {@code trace_flags} carry it (see
     * the module README).
     *
     * @param engine the span engine, or null to stop correlating
     * @return this appender
     */
    public RingtraceAppender traceEngine(TraceEngine engine) {
        this.currentSpans = engine == null ? null : engine.tracer(InstrumentationScope.empty());
        return this;
    }

    /** Marks the record's fill failed through the writer's own refusal of an out-of-range severity. */
    private static void markFailed(LogRecordWriter record) {
        try {
            record.severityNumber(0);
        } catch (IllegalArgumentException expected) {
            // the refusal is the mark
        }
    }

    @Override
    public boolean stop(long timeout, TimeUnit timeUnit) {
        setStopping();
        boolean stopped = super.stop(timeout, timeUnit, false);
        // Log4j2 gives its appenders little time at shutdown (50 ms seen with LogManager.shutdown()): too
        // little to ship the last batches over the network, so closeTimeoutMillis is the least we wait
        long millis = Math.max(timeout > 0 ? timeUnit.toMillis(timeout) : 0, closeTimeoutMillis);
        boolean drained = sink.close(millis);
        if (!drained) {
            LOGGER.warn("Ringtrace appender {} could not export every record within {} ms; the rest were counted as lost",
                    getName(), millis);
        }
        setStopped();
        return stopped && drained;
    }

    /**
     * The counters of the appender's pipeline, as {@code LogEngine.stats}: records published, exported,
     * in flight and dropped by reason ({@code RING_FULL} when the ring was full under {@code DROP},
     * {@code INVALID_SPAN} for an event the mapping refused, {@code SPAN_TOO_LARGE}, {@code SHUTDOWN}
     * ...). Allocation-free.
     *
     * @param into the snapshot to fill
     * @return {@code into}
     */
    public EngineStats stats(EngineStats into) {
        return sink.stats(into);
    }

    /** @return records given the shared overflow scope because the logger-name bound was reached */
    public long scopeOverflows() {
        return mapper.scopeOverflows();
    }
}
