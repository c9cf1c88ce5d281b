package io.ringtrace.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Test oracle for one log record: every call is applied to a {@link LogRecordWriter} and to the
 * official {@link LogRecord} builder, with the limits modelled by protobuf-java's own size
 * computations (attribute and body field sizes) and code-point truncation of texts, not by codec
 * code. Values are given as official {@link AnyValue}s and applied to the writer through the
 * overload their kind selects (slice and count variants for some).
 */
final class OracleLog {

    final LogRecordWriter record;
    final LogRecord.Builder expected = LogRecord.newBuilder();
    private final LogLimits limits;
    private int textUsed;
    private final List<KeyValue> attributes = new ArrayList<>();
    private int attributeBytes;
    private int dropped;
    /** The body passed its budget: the encoder must refuse the record. */
    boolean tooLarge;
    /** A setter refused its arguments: the encoder must refuse the record. */
    boolean failed;
    int replacedKeys;
    int truncatedTexts;

    OracleLog(LogRecordWriter record) {
        this.record = record.reset();
        this.limits = record.limits();
    }

    OracleLog scope(InstrumentationScope scope) {
        record.scope(scope);
        return this;
    }

    OracleLog times(long time, long observed) {
        record.timestamp(time).observedTimestamp(observed);
        expected.setTimeUnixNano(time).setObservedTimeUnixNano(observed);
        return this;
    }

    OracleLog severity(int number) {
        record.severityNumber(number);
        expected.setSeverityNumberValue(number);
        return this;
    }

    /** Texts are set at most once each (the oracle models the text region as append-only). */
    private String text(String s) {
        String t = OracleSpan.truncate(s, limits.textBytes() - textUsed);
        textUsed += OracleSpan.utf8(t);
        if (!t.equals(s)) {
            truncatedTexts++;
        }
        return t;
    }

    OracleLog severityText(String s, boolean asConstant) {
        if (asConstant) {
            record.severityText(Utf8Constant.of(s));
        } else {
            record.severityText(new StringBuilder(s));
        }
        expected.setSeverityText(text(s));
        return this;
    }

    OracleLog eventName(String s, boolean asConstant) {
        if (asConstant) {
            record.eventName(Utf8Constant.of(s));
        } else {
            record.eventName(new StringBuilder(s));
        }
        expected.setEventName(text(s));
        return this;
    }

    OracleLog traceContext(long high, long low, long spanId, int flags) {
        record.traceId(high, low).spanId(spanId).traceFlags(flags);
        if (high != 0 || low != 0) {
            expected.setTraceId(OracleSpan.id(high, low));
        }
        if (spanId != 0) {
            expected.setSpanId(OracleSpan.id(spanId));
        }
        expected.setFlags(flags);
        return this;
    }

    OracleLog body(AnyValue v, int variant) {
        apply(v, null, variant);
        if (CodedOutputStream.computeMessageSize(5, v) > limits.bodyBytes()) {
            tooLarge = true;
        } else {
            expected.setBody(v);
        }
        return this;
    }

    OracleLog attribute(String key, AnyValue v, int variant) {
        apply(v, Utf8Constant.of(key), variant);
        KeyValue kv = KeyValue.newBuilder().setKey(key).setValue(v).build();
        for (int i = 0; i < attributes.size(); i++) {
            if (attributes.get(i).getKey().equals(key)) {
                attributeBytes -= CodedOutputStream.computeMessageSize(6, attributes.remove(i));
                replacedKeys++;
                break;
            }
        }
        int size = CodedOutputStream.computeMessageSize(6, kv);
        if (attributes.size() >= limits.maxAttributes() || attributeBytes + size > limits.attributeBytes()) {
            dropped++;
        } else {
            attributes.add(kv);
            attributeBytes += size;
        }
        return this;
    }

    /** A call the writer must refuse: it throws and marks the fill failed. */
    OracleLog refusedCall(Runnable call) {
        try {
            call.run();
        } catch (IllegalArgumentException expectedRefusal) {
            failed = true;
            return this;
        }
        throw new AssertionError("the call was not refused");
    }

    /** @return whether the encoder must accept the record */
    boolean valid() {
        return !tooLarge && !failed;
    }

    LogRecord build() {
        return expected.clone().addAllAttributes(attributes).setDroppedAttributesCount(dropped).build();
    }

    int dropped() {
        return dropped;
    }

    /** Applies {@code v} to the writer: as the body ({@code key} null) or as an attribute. */
    private void apply(AnyValue v, Utf8Constant key, int variant) {
        LogRecordWriter r = record;
        switch (v.getValueCase()) {
            case STRING_VALUE: {
                StringBuilder sb = new StringBuilder(v.getStringValue()); // a mutable CharSequence, as producers pass
                if (key == null) r.body(sb); else r.attribute(key, sb);
                sb.setLength(0); // the record must have copied it
                return;
            }
            case INT_VALUE:
                if (key == null) r.body(v.getIntValue()); else r.attribute(key, v.getIntValue());
                return;
            case DOUBLE_VALUE:
                if (key == null) r.body(v.getDoubleValue()); else r.attribute(key, v.getDoubleValue());
                return;
            case BOOL_VALUE:
                if (key == null) r.body(v.getBoolValue()); else r.attribute(key, v.getBoolValue());
                return;
            case BYTES_VALUE: {
                byte[] b = v.getBytesValue().toByteArray();
                if (variant % 2 == 1) { // the slice variant, from inside a larger array
                    byte[] big = new byte[b.length + 5];
                    System.arraycopy(b, 0, big, 2, b.length);
                    if (key == null) r.body(big, 2, b.length); else r.attribute(key, big, 2, b.length);
                } else if (key == null) r.body(b); else r.attribute(key, b);
                return;
            }
            case ARRAY_VALUE:
                applyArray(v, key, variant);
                return;
            default:
                throw new IllegalArgumentException("no such value kind in the generator: " + v.getValueCase());
        }
    }

    private void applyArray(AnyValue v, Utf8Constant key, int variant) {
        LogRecordWriter r = record;
        List<AnyValue> values = v.getArrayValue().getValuesList();
        int n = values.size();
        boolean counted = variant % 2 == 1; // the count variant over a larger scratch array
        int length = n + (counted ? 2 : 0);
        AnyValue.ValueCase kind = n == 0 ? AnyValue.ValueCase.values()[variant % 5] : values.get(0).getValueCase();
        switch (kind) {
            case STRING_VALUE: {
                CharSequence[] a = new CharSequence[length];
                for (int i = 0; i < length; i++) a[i] = new StringBuilder(i < n ? values.get(i).getStringValue() : "tail");
                if (counted) { if (key == null) r.body(a, n); else r.attribute(key, a, n); }
                else if (key == null) r.body(a); else r.attribute(key, a);
                return;
            }
            case INT_VALUE: {
                long[] a = new long[length];
                for (int i = 0; i < n; i++) a[i] = values.get(i).getIntValue();
                if (counted) { if (key == null) r.body(a, n); else r.attribute(key, a, n); }
                else if (key == null) r.body(a); else r.attribute(key, a);
                return;
            }
            case DOUBLE_VALUE: {
                double[] a = new double[length];
                for (int i = 0; i < n; i++) a[i] = values.get(i).getDoubleValue();
                if (counted) { if (key == null) r.body(a, n); else r.attribute(key, a, n); }
                else if (key == null) r.body(a); else r.attribute(key, a);
                return;
            }
            case BOOL_VALUE: {
                boolean[] a = new boolean[length];
                for (int i = 0; i < n; i++) a[i] = values.get(i).getBoolValue();
                if (counted) { if (key == null) r.body(a, n); else r.attribute(key, a, n); }
                else if (key == null) r.body(a); else r.attribute(key, a);
                return;
            }
            default: {
                byte[][] a = new byte[n][];
                for (int i = 0; i < n; i++) a[i] = values.get(i).getBytesValue().toByteArray();
                if (key == null) r.body(a); else r.attribute(key, a);
            }
        }
    }

    static ByteString bytes(byte[] b) {
        return ByteString.copyFrom(b);
    }
}
