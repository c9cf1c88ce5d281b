package io.ringtrace.engine;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.LogRecordStart;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.Utf8Constant;

/**
 * The logger API of one instrumentation scope: {@code logger.atInfo().body(message).attribute(KEY,
 * value).emit()}. Each {@code atX()} hands out this thread's pooled {@link LogRecordBuilder} over a
 * freshly claimed ring slot, with the timestamp, the severity and (with {@link
 * LogEngineBuilder#traceEngine}) the current span's ids already written; {@link
 * LogRecordBuilder#emit()} publishes it. Nothing is allocated per record. Get one from {@link
 * LogEngine#logger(InstrumentationScope)} and keep it; thread-safe. It holds a prepared start of
 * each level's records (scope, severity number and text: about 1 KB in all), so that a record
 * begins with one block copy.
 *
 * <p>Severities are the OpenTelemetry ones ({@code SeverityNumber}): TRACE 1, DEBUG 5, INFO 9, WARN
 * 13, ERROR 17, FATAL 21, with the short name as severity text.
 */
public final class Logger {

    /** {@code SeverityNumber} of {@link #atTrace()}. */
    public static final int TRACE = 1;
    /** {@code SeverityNumber} of {@link #atDebug()}. */
    public static final int DEBUG = 5;
    /** {@code SeverityNumber} of {@link #atInfo()}. */
    public static final int INFO = 9;
    /** {@code SeverityNumber} of {@link #atWarn()}. */
    public static final int WARN = 13;
    /** {@code SeverityNumber} of {@link #atError()}. */
    public static final int ERROR = 17;
    /** {@code SeverityNumber} of {@link #atFatal()}. */
    public static final int FATAL = 21;

    /** Severity texts by {@code (severityNumber - 1) / 4}, encoded once. */
    private static final Utf8Constant[] TEXTS = {
        Utf8Constant.of("TRACE"), Utf8Constant.of("DEBUG"), Utf8Constant.of("INFO"),
        Utf8Constant.of("WARN"), Utf8Constant.of("ERROR"), Utf8Constant.of("FATAL")
    };

    /** Index in {@link #starts} of the start with no severity (a severity number out of range). */
    private static final int NO_SEVERITY = 6;

    private final LogEngine engine;
    private final InstrumentationScope scope;
    /**
     * Each level's prepared record start (scope, severity number and text) by {@code (severityNumber
     * - 1) >> 2}, then one with no severity: a record begins with one block copy of its level's.
     */
    private final LogRecordStart[] starts = new LogRecordStart[NO_SEVERITY + 1];

    Logger(LogEngine engine, InstrumentationScope scope) {
        this.engine = engine;
        this.scope = scope;
        for (int level = 0; level < NO_SEVERITY; level++) {
            starts[level] = LogRecordStart.of(engine.logLimits(), scope, 4 * level + 1, TEXTS[level]);
        }
        starts[NO_SEVERITY] = LogRecordStart.of(engine.logLimits(), scope, 0, null);
    }

    /** @return a TRACE record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atTrace() {
        return begin(0);
    }

    /** @return a DEBUG record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atDebug() {
        return begin(1);
    }

    /** @return an INFO record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atInfo() {
        return begin(2);
    }

    /** @return a WARN record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atWarn() {
        return begin(3);
    }

    /** @return an ERROR record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atError() {
        return begin(4);
    }

    /** @return a FATAL record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atFatal() {
        return begin(5);
    }

    /**
     * @param severityNumber an OTLP {@code SeverityNumber}, {@value LogRecordWriter#MIN_SEVERITY} to
     *     {@value LogRecordWriter#MAX_SEVERITY}; another value is ignored and counted (the record has
     *     no severity)
     * @return a record of this thread with that severity (and its short name as the text), to fill
     *     and {@link LogRecordBuilder#emit()}
     */
    public LogRecordBuilder at(int severityNumber) {
        if (severityNumber < LogRecordWriter.MIN_SEVERITY || severityNumber > LogRecordWriter.MAX_SEVERITY) {
            engine.callIgnored();
            return begin(NO_SEVERITY);
        }
        int level = (severityNumber - 1) >> 2;
        LogRecordBuilder builder = begin(level);
        // between two levels (INFO2 and the like): the level's text with the record's own number
        return severityNumber == starts[level].severityNumber() ? builder : builder.severityNumber(severityNumber);
    }

    /**
     * @return this thread's builder over a claimed slot, its record begun from {@code starts[index]}
     *     and timed by one clock reading, taken first: the clock's read waits for the instructions
     *     before it, and read after the thread-local lookup and the claim's CAS it cost about 9 ns
     *     more at the p50 (bench/README.md, "the logger API's clock read")
     */
    private LogRecordBuilder begin(int index) {
        long now = engine.clock.nowEpochNanos();
        return engine.recordBuilder().begin(engine, starts[index], now);
    }

    /** @return the scope of this logger's records */
    public InstrumentationScope scope() {
        return scope;
    }

    @Override
    public String toString() {
        return "Logger{" + scope + "}";
    }
}
