package io.ringtrace.codec;

/**
 * Per-record limits of a {@link LogRecordWriter}: how many attributes it keeps and how many bytes
 * of wire form its texts (severity text and event name together), body and attributes may take.
 * They bound the largest record, {@link LogSlot#maxRecordBytes(LogLimits)}, which sizes a
 * stand-alone record and each overflow buffer. Attributes over the count or their byte budget are
 * dropped and counted ({@code dropped_attributes_count}); texts over theirs are truncated at a
 * character boundary; a body over its budget marks the record too large (dropped and counted by
 * the pipeline, never sent cut).
 *
 * <p>Defaults: 128 attributes (the OpenTelemetry SDK's log record limit), 2,048 attribute bytes
 * and 512 text bytes (as {@link SpanLimits}), 4,096 body bytes. Bounds: {@code maxAttributes} in
 * [0, {@link SpanLimits#MAX_COUNT}], each byte budget at least 0 and the three together at most
 * 16 MiB. Immutable.
 */
public final class LogLimits {

    /** Default bytes of the encoded body field: a formatted log line with room to spare. */
    public static final int DEFAULT_BODY_BYTES = 4096;

    private static final int MAX_TOTAL_BYTES = 16 << 20;
    private static final LogLimits DEFAULTS = of(SpanLimits.DEFAULT_COUNT, SpanLimits.DEFAULT_ATTRIBUTE_BYTES,
            SpanLimits.DEFAULT_TEXT_BYTES, DEFAULT_BODY_BYTES);

    private final int maxAttributes;
    private final int attributeBytes;
    private final int textBytes;
    private final int bodyBytes;

    private LogLimits(int maxAttributes, int attributeBytes, int textBytes, int bodyBytes) {
        this.maxAttributes = maxAttributes;
        this.attributeBytes = attributeBytes;
        this.textBytes = textBytes;
        this.bodyBytes = bodyBytes;
    }

    /** @return the defaults: 128 attributes, 2,048 attribute bytes, 512 text bytes, 4,096 body bytes */
    public static LogLimits defaults() {
        return DEFAULTS;
    }

    /**
     * @param maxAttributes attributes kept, in [0, {@value SpanLimits#MAX_COUNT}]
     * @param attributeBytes bytes of the encoded attributes, at least 0
     * @param textBytes bytes of the severity text and event name together, at least 0
     * @param bodyBytes bytes of the encoded body field, at least 0
     * @return the limits
     * @throws IllegalArgumentException naming the value out of its bounds
     */
    public static LogLimits of(int maxAttributes, int attributeBytes, int textBytes, int bodyBytes) {
        if (maxAttributes < 0 || maxAttributes > SpanLimits.MAX_COUNT) {
            throw new IllegalArgumentException("maxAttributes must be in [0, " + SpanLimits.MAX_COUNT + "], was " + maxAttributes);
        }
        if (attributeBytes < 0 || textBytes < 0 || bodyBytes < 0
                || (long) attributeBytes + textBytes + bodyBytes > MAX_TOTAL_BYTES) {
            throw new IllegalArgumentException("attributeBytes " + attributeBytes + ", textBytes " + textBytes
                    + ", bodyBytes " + bodyBytes + ": each must be at least 0, together at most " + MAX_TOTAL_BYTES);
        }
        return new LogLimits(maxAttributes, attributeBytes, textBytes, bodyBytes);
    }

    /** @return the maximum number of attributes kept */
    public int maxAttributes() {
        return maxAttributes;
    }

    /** @return bytes of the encoded attributes */
    public int attributeBytes() {
        return attributeBytes;
    }

    /** @return bytes of the severity text and event name together */
    public int textBytes() {
        return textBytes;
    }

    /** @return bytes of the encoded body field */
    public int bodyBytes() {
        return bodyBytes;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LogLimits)) {
            return false;
        }
        LogLimits l = (LogLimits) o;
        return maxAttributes == l.maxAttributes && attributeBytes == l.attributeBytes && textBytes == l.textBytes
                && bodyBytes == l.bodyBytes;
    }

    @Override
    public int hashCode() {
        return ((maxAttributes * 31 + attributeBytes) * 31 + textBytes) * 31 + bodyBytes;
    }

    @Override
    public String toString() {
        return "LogLimits{maxAttributes=" + maxAttributes + ", attributeBytes=" + attributeBytes + ", textBytes="
                + textBytes + ", bodyBytes=" + bodyBytes + "}";
    }
}
