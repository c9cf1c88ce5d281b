package io.ringtrace.log4j2;

import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.Utf8Constant;
import java.io.PrintWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.time.Instant;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.util.ReadOnlyStringMap;
import org.apache.logging.log4j.util.StringBuilderFormattable;
import org.apache.logging.log4j.util.TriConsumer;

/**
 * Writes one Log4j2 {@link LogEvent} into a claimed log record ({@link LogRecordWriter}), field by
 * field, without allocating for the events Log4j2's garbage-free mode produces:
 * <ul>
 *   <li>time: the event's own instant, with its nanoseconds; observed time: when the appender
 *       saw it (the caller's clock);
 *   <li>severity: {@link SeverityMapping}; severity text: the level's name;
 *   <li>body: the formatted message, through {@link StringBuilderFormattable#formatTo} (every
 *       {@code ReusableMessage} is one) into a per-thread builder, cut at a character boundary to
 *       the body budget ({@link LogLimits#bodyBytes()});
 *   <li>attributes: the thread context map (string, integral, floating-point and boolean values
 *       keep their type; anything else is its {@code toString()}; {@code trace_id}, {@code span_id}
 *       and {@code trace_flags} in hex are the record's trace context instead: {@link
 *       ContextTraceIds}), {@code thread.name} and
 *       {@code thread.id} if asked for, and for a throwable {@code exception.type}, {@code
 *       exception.message} and {@code exception.stacktrace} (as {@code printStackTrace} writes it,
 *       cut to {@code maxStackTraceBytes});
 *   <li>scope: the logger name ({@link ScopeCache}).
 * </ul>
 * A record with a throwable allocates (the JDK builds the stack trace's text); so does a context
 * value of another type, or a message that is not {@link StringBuilderFormattable}. Thread-safe:
 * the scratch builders are per thread.
 */
final class LogEventMapper {

    static final Utf8Constant EXCEPTION_TYPE = Utf8Constant.of("exception.type");
    static final Utf8Constant EXCEPTION_MESSAGE = Utf8Constant.of("exception.message");
    static final Utf8Constant EXCEPTION_STACKTRACE = Utf8Constant.of("exception.stacktrace");
    static final Utf8Constant THREAD_NAME = Utf8Constant.of("thread.name");
    static final Utf8Constant THREAD_ID = Utf8Constant.of("thread.id");

    /** Default bound of {@code exception.stacktrace}, in UTF-8 bytes. */
    static final int DEFAULT_MAX_STACK_TRACE_BYTES = 8192;
    /** Default number of logger names with a scope of their own. */
    static final int DEFAULT_MAX_SCOPES = 1024;
    /** Default number of thread context keys kept pre-encoded. */
    static final int DEFAULT_MAX_CONTEXT_KEYS = 256;

    /** Writes one context map entry as an attribute of the record in the scratch. */
    private static final TriConsumer<String, Object, Scratch> CONTEXT_ENTRY = (key, value, scratch) -> {
        if (key == null || value == null) {
            return;
        }
        LogRecordWriter record = scratch.record;
        if (value instanceof CharSequence && ContextTraceIds.take(key, (CharSequence) value, record)) {
            return;
        }
        Utf8Constant k = scratch.keys.keyOf(key);
        if (value instanceof CharSequence) {
            record.attribute(k, (CharSequence) value);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            record.attribute(k, ((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            record.attribute(k, ((Number) value).doubleValue());
        } else if (value instanceof Boolean) {
            record.attribute(k, ((Boolean) value).booleanValue());
        } else {
            record.attribute(k, String.valueOf(value));
        }
    };

    private final ScopeCache scopes;
    private final AttributeKeys keys;
    private final boolean threadInfo;
    private final int maxBodyBytes;
    private final int maxStackTraceBytes;
    private final ThreadLocal<Scratch> scratch;

    /**
     * @param limits the limits of the records this writes into (the body budget)
     * @param threadInfo whether to add {@code thread.name} and {@code thread.id}
     * @param maxStackTraceBytes bound of {@code exception.stacktrace} in UTF-8 bytes, at least 0
     * @param maxScopes logger names with a scope of their own, at least 1
     * @param maxContextKeys context keys kept pre-encoded, at least 0
     */
    LogEventMapper(LogLimits limits, boolean threadInfo, int maxStackTraceBytes, int maxScopes, int maxContextKeys) {
        if (maxStackTraceBytes < 0) {
            throw new IllegalArgumentException("maxStackTraceBytes must be at least 0, was " + maxStackTraceBytes);
        }
        this.scopes = new ScopeCache(maxScopes);
        this.keys = new AttributeKeys(maxContextKeys);
        this.threadInfo = threadInfo;
        this.maxBodyBytes = Utf8Cut.maxStringBody(limits.bodyBytes());
        this.maxStackTraceBytes = maxStackTraceBytes;
        final int bodyChars = Math.max(0, maxBodyBytes);
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(keys, bodyChars, maxStackTraceBytes));
    }

    /**
     * Fills {@code record} (reset, as claimed) from {@code event}. A setter that refuses its input
     * marks the record's fill failed and throws; the caller publishes it all the same, and the
     * pipeline drops and counts it.
     *
     * @param event the event
     * @param record the claimed record
     * @param observedEpochNanos when the appender got the event, epoch nanoseconds
     */
    void map(LogEvent event, LogRecordWriter record, long observedEpochNanos) {
        record.scope(scopes.scopeOf(event.getLoggerName()));
        Instant instant = event.getInstant();
        if (instant != null && instant.getEpochSecond() >= 0) {
            record.timestamp(instant.getEpochSecond() * 1_000_000_000L + instant.getNanoOfSecond());
        }
        record.observedTimestamp(observedEpochNanos);
        Level level = event.getLevel();
        if (level != null) {
            record.severityNumber(SeverityMapping.severityNumber(level));
            Utf8Constant text = SeverityMapping.standardText(level);
            if (text != null) {
                record.severityText(text);
            } else {
                record.severityText(level.name());
            }
        }
        final Scratch s = scratch.get();
        Message message = event.getMessage();
        if (message != null && maxBodyBytes >= 0) {
            StringBuilder body = s.body();
            if (message instanceof StringBuilderFormattable) {
                ((StringBuilderFormattable) message).formatTo(body);
            } else {
                body.append(message.getFormattedMessage());
            }
            Utf8Cut.cut(body, maxBodyBytes);
            record.body(body);
            s.trimBody();
        }
        ReadOnlyStringMap context = event.getContextData();
        if (context != null && !context.isEmpty()) {
            s.record = record;
            try {
                context.forEach(CONTEXT_ENTRY, s);
            } finally {
                s.record = null; // the scratch outlives the record: do not pin it
            }
        }
        if (threadInfo) {
            String threadName = event.getThreadName();
            if (threadName != null) {
                record.attribute(THREAD_NAME, threadName);
            }
            record.attribute(THREAD_ID, event.getThreadId());
        }
        Throwable thrown = event.getThrown();
        if (thrown != null) {
            exception(thrown, record, s);
        }
    }

    private void exception(Throwable thrown, LogRecordWriter record, Scratch s) {
        record.attribute(EXCEPTION_TYPE, thrown.getClass().getName());
        String message = thrown.getMessage();
        if (message != null) {
            record.attribute(EXCEPTION_MESSAGE, message);
        }
        if (maxStackTraceBytes > 0) {
            StringBuilder trace = s.stackTrace();
            thrown.printStackTrace(s.stackTraceWriter);
            s.stackTraceWriter.flush();
            Utf8Cut.cut(trace, maxStackTraceBytes);
            record.attribute(EXCEPTION_STACKTRACE, trace);
            trace.setLength(0);
        }
    }

    /** @return records given the shared overflow scope because the scope cache was full */
    long scopeOverflows() {
        return scopes.overflowed();
    }

    /** @return the most UTF-8 bytes of a body this writes, -1 if the body budget holds none */
    int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Per-thread builders, reused record after record. */
    private static final class Scratch {
        final AttributeKeys keys;
        /** The record the context entries go into, set only while they are written. */
        LogRecordWriter record;
        private StringBuilder body;
        private final int retainedBodyChars;
        private final StringBuilder stackTrace;
        final PrintWriter stackTraceWriter;

        Scratch(AttributeKeys keys, int maxBodyBytes, int maxStackTraceBytes) {
            this.keys = keys;
            // a longer message grows the builder for one record; past twice the budget it is let go
            this.retainedBodyChars = Math.max(1024, 2 * maxBodyBytes);
            this.body = new StringBuilder(Math.min(retainedBodyChars, 512));
            this.stackTrace = new StringBuilder(Math.min(maxStackTraceBytes, 1024));
            // at most maxStackTraceBytes chars are kept: no char encodes in fewer than 1 byte
            this.stackTraceWriter = new PrintWriter(new BoundedTextWriter(stackTrace, maxStackTraceBytes), false);
        }

        StringBuilder body() {
            body.setLength(0);
            return body;
        }

        void trimBody() {
            if (body.capacity() > retainedBodyChars) {
                body = new StringBuilder(512);
            } else {
                body.setLength(0);
            }
        }

        StringBuilder stackTrace() {
            stackTrace.setLength(0);
            return stackTrace;
        }
    }
}
