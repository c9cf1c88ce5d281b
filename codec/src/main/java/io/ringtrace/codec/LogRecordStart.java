package io.ringtrace.codec;

import java.util.Arrays;

/**
 * The prepared start of a log record: the header and text region of a record with only its scope,
 * severity number and severity text set, written once by {@link LogRecordWriter} itself. {@link
 * LogRecordWriter#start(LogRecordStart, long)} begins a record from it with one block copy (as a
 * reset copies the format's empty header) instead of a reset and a setter per field: what a logger
 * does for every record of one level. Immutable and thread-safe; about 100 + text bytes.
 */
public final class LogRecordStart {

    final LogLimits limits;
    final InstrumentationScope scope;
    /** The record's used bytes: its header (capacity and overflow pointer are the copy's) and its texts. */
    final byte[] bytes;
    private final int severityNumber;

    private LogRecordStart(LogLimits limits, InstrumentationScope scope, byte[] bytes, int severityNumber) {
        this.limits = limits;
        this.scope = scope;
        this.bytes = bytes;
        this.severityNumber = severityNumber;
    }

    /**
     * @param limits the limits of the records it starts (their text budget cuts the text as a setter
     *     would); not null
     * @param scope the records' instrumentation scope; null means {@link InstrumentationScope#empty()}
     * @param severityNumber an OTLP {@code SeverityNumber} ({@value LogRecordWriter#MIN_SEVERITY} to
     *     {@value LogRecordWriter#MAX_SEVERITY}), or 0: none
     * @param severityText the severity text, or null: none
     * @return the prepared start
     * @throws IllegalArgumentException if the limits are null or the severity number is out of range
     */
    public static LogRecordStart of(LogLimits limits, InstrumentationScope scope, int severityNumber,
                                    Utf8Constant severityText) {
        LogRecordWriter record = new LogRecordWriter(limits); // once per start: the setters decide the bytes
        if (scope != null) {
            record.scope(scope);
        }
        if (severityNumber != 0) {
            record.severityNumber(severityNumber);
        }
        if (severityText != null) {
            record.severityText(severityText);
        }
        byte[] bytes = Arrays.copyOf(record.area(), record.usedBytes());
        return new LogRecordStart(limits, record.scope(), bytes, severityNumber);
    }

    /** @return the severity number of the records it starts, 0 if none */
    public int severityNumber() {
        return severityNumber;
    }

    /** @return the scope of the records it starts */
    public InstrumentationScope scope() {
        return scope;
    }

    @Override
    public String toString() {
        return "LogRecordStart{" + scope + ", severity " + severityNumber + ", " + bytes.length + " bytes}";
    }
}
