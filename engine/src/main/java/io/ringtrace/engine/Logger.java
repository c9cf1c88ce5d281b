package io.ringtrace.engine;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.Utf8Constant;

/**
 * The logger API of one instrumentation scope: {@code logger.atInfo().body(message).attribute(KEY,
 * value).emit()}. Each {@code atX()} hands out this thread's pooled {@link LogRecordBuilder} over a
 * freshly claimed ring slot, with the timestamp, the severity and (with {@link
 * LogEngineBuilder#traceEngine}) the current span's ids already written; {@link
 * LogRecordBuilder#emit()} publishes it. Nothing is allocated per record. Get one from {@link
 * LogEngine#logger(InstrumentationScope)} and keep it; thread-safe.
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

    private final LogEngine engine;
    private final InstrumentationScope scope;

    Logger(LogEngine engine, InstrumentationScope scope) {
        this.engine = engine;
        this.scope = scope;
    }

    /** @return a TRACE record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atTrace() {
        return at(TRACE);
    }

    /** @return a DEBUG record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atDebug() {
        return at(DEBUG);
    }

    /** @return an INFO record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atInfo() {
        return at(INFO);
    }

    /** @return a WARN record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atWarn() {
        return at(WARN);
    }

    /** @return an ERROR record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atError() {
        return at(ERROR);
    }

    /** @return a FATAL record of this thread, to fill and {@link LogRecordBuilder#emit()} */
    public LogRecordBuilder atFatal() {
        return at(FATAL);
    }

    /**
     * @param severityNumber an OTLP {@code SeverityNumber}, {@value LogRecordWriter#MIN_SEVERITY} to
     *     {@value LogRecordWriter#MAX_SEVERITY}; another value is ignored and counted (the record has
     *     no severity)
     * @return a record of this thread with that severity (and its short name as the text), to fill
     *     and {@link LogRecordBuilder#emit()}
     */
    public LogRecordBuilder at(int severityNumber) {
        boolean valid = severityNumber >= LogRecordWriter.MIN_SEVERITY && severityNumber <= LogRecordWriter.MAX_SEVERITY;
        if (!valid) {
            engine.callIgnored();
        }
        return engine.recordBuilder().begin(engine, scope, valid ? severityNumber : 0, valid ? TEXTS[(severityNumber - 1) >> 2] : null);
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
