package io.ringtrace.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Test oracle: applies each {@link SpanRecord} call to the record <em>and</em> to an official
 * protobuf-java {@link Span.Builder}, modelling the record's documented limits independently with
 * protobuf-java's own size computations, and the encoder's edge (required ids and times, the
 * fallback name, an end before the start, W3C trace states) with its own W3C grammar. The expected
 * message is what the record must encode to, if {@link #valid()}.
 */
final class OracleSpan {

    final SpanRecord record;
    final Span.Builder expected = Span.newBuilder();
    private final SpanLimits limits;
    private int textUsed;
    private int attributeBytes;
    private int eventBytes;
    private int linkBytes;
    private Span.Event.Builder latestEvent;
    private boolean latestEventDropped;
    private Span.Link.Builder latestLink;
    private boolean latestLinkDropped;
    private int statusCode;
    private String statusMessage = "";
    private boolean idsValid;
    private long start;
    private long end;

    OracleSpan(SpanRecord record) {
        this.record = record.reset();
        this.limits = record.limits();
    }

    static ByteString id(long... words) {
        ByteBuffer b = ByteBuffer.allocate(8 * words.length);
        for (long w : words) {
            b.putLong(w);
        }
        return ByteString.copyFrom(b.array());
    }

    /** The longest prefix of s, by code points, whose UTF-8 (as String.getBytes writes it) fits maxBytes. */
    static String truncate(String s, int maxBytes) {
        int i = 0;
        int bytes = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            int w = s.substring(i, i + n).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + w > maxBytes) {
                break;
            }
            bytes += w;
            i += n;
        }
        return s.substring(0, i);
    }

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Texts must be set at most once each (the oracle models the text partition as append-only). */
    private String text(String s) {
        String t = truncate(s, limits.textBytes() - textUsed);
        textUsed += utf8(t);
        return t;
    }

    OracleSpan ids(long high, long low, long spanId, long parent) {
        record.traceId(high, low).spanId(spanId).parentSpanId(parent);
        idsValid = true;
        expected.setTraceId(id(high, low)).setSpanId(id(spanId));
        if (parent != 0) {
            expected.setParentSpanId(id(parent));
        }
        return this;
    }

    OracleSpan scope(InstrumentationScope scope) {
        record.scope(scope);
        return this;
    }

    OracleSpan name(String name, boolean asConstant) {
        if (asConstant) {
            record.name(Utf8Constant.of(name));
        } else {
            record.name(new StringBuilder(name));
        }
        expected.setName(text(name));
        return this;
    }

    OracleSpan traceState(String state) {
        record.traceState(state);
        String normalized = normalizedTraceState(state);
        String kept = normalized == null ? "" : wholeMembers(normalized, limits.textBytes() - textUsed);
        textUsed += utf8(kept);
        expected.setTraceState(kept);
        return this;
    }

    private static final Pattern KEY = Pattern.compile(
            "[a-z][a-z0-9_\\-*/]{0,255}|[a-z0-9][a-z0-9_\\-*/]{0,240}@[a-z][a-z0-9_\\-*/]{0,13}");
    private static final Pattern VALUE = Pattern.compile("[\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{0,255}[\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e]");

    /**
     * The W3C {@code tracestate} grammar, written from the specification independently of the
     * implementation: @return the list-members without surrounding whitespace, empty ones left out,
     * joined by ','; or null if {@code state} is not a valid tracestate
     */
    static String normalizedTraceState(String state) {
        if (state == null) {
            return "";
        }
        List<String> members = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (String member : state.split(",", -1)) {
            String m = member.replaceAll("^[ \\t]+|[ \\t]+$", "");
            if (m.isEmpty()) {
                continue;
            }
            int equals = m.indexOf('=');
            if (equals < 0 || !KEY.matcher(m.substring(0, equals)).matches()
                    || !VALUE.matcher(m.substring(equals + 1)).matches() || !keys.add(m.substring(0, equals))) {
                return null;
            }
            members.add(m);
        }
        return members.size() > 32 ? null : String.join(",", members);
    }

    /** The leading whole list-members of a normalized trace state that fit into {@code room} bytes. */
    static String wholeMembers(String normalized, int room) {
        if (normalized.length() <= room) {
            return normalized;
        }
        StringBuilder kept = new StringBuilder();
        for (String member : normalized.split(",")) {
            int needed = member.length() + (kept.length() == 0 ? 0 : 1);
            if (kept.length() + needed > room) {
                break;
            }
            kept.append(kept.length() == 0 ? "" : ",").append(member);
        }
        return kept.toString();
    }

    OracleSpan flags(int flags) {
        record.traceFlags(flags);
        expected.setFlags(flags);
        return this;
    }

    OracleSpan kind(int kind) {
        record.kind(kind);
        expected.setKindValue(kind);
        return this;
    }

    OracleSpan times(long start, long end) {
        record.startEpochNanos(start).endEpochNanos(end);
        this.start = start;
        this.end = end;
        return this;
    }

    OracleSpan status(int code, String message) {
        record.status(code, message);
        statusCode = code;
        statusMessage = text(message);
        return this;
    }

    // ------------------------------------------------------------ attributes

    /** Where an attribute goes. */
    enum Target { SPAN, EVENT, LINK }

    /** @return the setters of the record's own attributes, or of its latest event or link */
    static AttributeSink<?> sink(SpanRecord r, Target t) {
        return t == Target.SPAN ? r : t == Target.EVENT ? r.eventAttributes() : r.linkAttributes();
    }

    /** One attribute value of any kind; applies itself to a record in a given target. */
    abstract static class Value {
        abstract AnyValue proto();

        abstract void apply(SpanRecord r, Target t, Utf8Constant key);
    }

    static Value of(String v) {
        return new Value() {
            AnyValue proto() { return AnyValue.newBuilder().setStringValue(v).build(); }
            void apply(SpanRecord r, Target t, Utf8Constant k) {
                StringBuilder sb = new StringBuilder(v); // a mutable CharSequence, as producers pass
                sink(r, t).attribute(k, sb);
                sb.setLength(0); // the record must have copied it
            }
            public String toString() { return "\"" + v + "\""; }
        };
    }

    static Value of(long v) {
        return new Value() {
            AnyValue proto() { return AnyValue.newBuilder().setIntValue(v).build(); }
            void apply(SpanRecord r, Target t, Utf8Constant k) {
                sink(r, t).attribute(k, v);
            }
            public String toString() { return v + "L"; }
        };
    }

    static Value of(double v) {
        return new Value() {
            AnyValue proto() { return AnyValue.newBuilder().setDoubleValue(v).build(); }
            void apply(SpanRecord r, Target t, Utf8Constant k) {
                sink(r, t).attribute(k, v);
            }
            public String toString() { return v + "d"; }
        };
    }

    static Value of(boolean v) {
        return new Value() {
            AnyValue proto() { return AnyValue.newBuilder().setBoolValue(v).build(); }
            void apply(SpanRecord r, Target t, Utf8Constant k) {
                sink(r, t).attribute(k, v);
            }
            public String toString() { return String.valueOf(v); }
        };
    }

    static Value of(byte[] v) {
        return new Value() {
            AnyValue proto() { return AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(v)).build(); }
            void apply(SpanRecord r, Target t, Utf8Constant k) {
                if (v.length % 2 == 1) { // the slice variant, from inside a larger array
                    byte[] big = new byte[v.length + 5];
                    System.arraycopy(v, 0, big, 2, v.length);
                    sink(r, t).attribute(k, big, 2, v.length);
                    return;
                }
                sink(r, t).attribute(k, v);
            }
            public String toString() { return "bytes[" + v.length + "]"; }
        };
    }

    static Value ofStrings(String... v) {
        return new Value() {
            AnyValue proto() {
                ArrayValue.Builder a = ArrayValue.newBuilder();
                for (String s : v) {
                    a.addValues(AnyValue.newBuilder().setStringValue(s));
                }
                return AnyValue.newBuilder().setArrayValue(a).build();
            }
            void apply(SpanRecord r, Target t, Utf8Constant k) {
                boolean counted = v.length % 2 == 1; // the count variant over a larger scratch array
                CharSequence[] cs = new CharSequence[v.length + (counted ? 2 : 0)];
                for (int i = 0; i < cs.length; i++) {
                    cs[i] = new StringBuilder(i < v.length ? v[i] : "scratch tail, not encoded");
                }
                if (counted) {
                    sink(r, t).attribute(k, cs, v.length);
                } else {
                    sink(r, t).attribute(k, cs);
                }
            }
            public String toString() { return "strings" + java.util.Arrays.toString(v); }
        };
    }

    static Value ofLongs(long... v) {
        return new Value() {
            AnyValue proto() {
                ArrayValue.Builder a = ArrayValue.newBuilder();
                for (long x : v) {
                    a.addValues(AnyValue.newBuilder().setIntValue(x));
                }
                return AnyValue.newBuilder().setArrayValue(a).build();
            }
            void apply(SpanRecord r, Target t, Utf8Constant k) {
                if (v.length % 2 == 1) { // the count variant over a larger scratch array
                    long[] scratch = java.util.Arrays.copyOf(v, v.length + 3);
                    sink(r, t).attribute(k, scratch, v.length);
                    return;
                }
                sink(r, t).attribute(k, v);
            }
            public String toString() { return "longs" + java.util.Arrays.toString(v); }
        };
    }

    static Value ofDoubles(double... v) {
        return new Value() {
            AnyValue proto() {
                ArrayValue.Builder a = ArrayValue.newBuilder();
                for (double x : v) {
                    a.addValues(AnyValue.newBuilder().setDoubleValue(x));
                }
                return AnyValue.newBuilder().setArrayValue(a).build();
            }
            void apply(SpanRecord r, Target t, Utf8Constant k) {
                if (v.length % 2 == 1) { // the count variant over a larger scratch array
                    double[] scratch = java.util.Arrays.copyOf(v, v.length + 3);
                    sink(r, t).attribute(k, scratch, v.length);
                    return;
                }
                sink(r, t).attribute(k, v);
            }
            public String toString() { return "doubles" + java.util.Arrays.toString(v); }
        };
    }

    static Value ofBooleans(boolean... v) {
        return new Value() {
            AnyValue proto() {
                ArrayValue.Builder a = ArrayValue.newBuilder();
                for (boolean x : v) {
                    a.addValues(AnyValue.newBuilder().setBoolValue(x));
                }
                return AnyValue.newBuilder().setArrayValue(a).build();
            }
            void apply(SpanRecord r, Target t, Utf8Constant k) {
                if (v.length % 2 == 1) { // the count variant over a larger scratch array
                    boolean[] scratch = java.util.Arrays.copyOf(v, v.length + 3);
                    sink(r, t).attribute(k, scratch, v.length);
                    return;
                }
                sink(r, t).attribute(k, v);
            }
            public String toString() { return "booleans" + java.util.Arrays.toString(v); }
        };
    }

    static Value ofByteArrays(byte[]... v) {
        return new Value() {
            AnyValue proto() {
                ArrayValue.Builder a = ArrayValue.newBuilder();
                for (byte[] x : v) {
                    a.addValues(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(x)));
                }
                return AnyValue.newBuilder().setArrayValue(a).build();
            }
            void apply(SpanRecord r, Target t, Utf8Constant k) {
                sink(r, t).attribute(k, v);
            }
            public String toString() { return "byteArrays[" + v.length + "]"; }
        };
    }

    private static KeyValue keyValue(String key, Value value) {
        return KeyValue.newBuilder().setKey(key).setValue(value.proto()).build();
    }

    OracleSpan attribute(String key, Value value) {
        value.apply(record, Target.SPAN, Utf8Constant.of(key));
        KeyValue kv = keyValue(key, value);
        int size = CodedOutputStream.computeMessageSize(9, kv);
        for (int i = 0; i < expected.getAttributesCount(); i++) { // a key set again replaces its value
            if (expected.getAttributes(i).getKey().equals(kv.getKey())) {
                attributeBytes -= CodedOutputStream.computeMessageSize(9, expected.getAttributes(i));
                expected.removeAttributes(i);
                break;
            }
        }
        if (expected.getAttributesCount() >= limits.maxAttributes() || size > limits.attributeBytes() - attributeBytes) {
            expected.setDroppedAttributesCount(expected.getDroppedAttributesCount() + 1);
        } else {
            attributeBytes += size;
            expected.addAttributes(kv);
        }
        return this;
    }

    OracleSpan event(String name, long time, boolean asConstant) {
        flushEvent();
        if (asConstant) {
            record.addEvent(Utf8Constant.of(name), time);
        } else {
            record.addEvent(new StringBuilder(name), time);
        }
        Span.Event.Builder e = Span.Event.newBuilder().setName(name).setTimeUnixNano(time);
        int size = e.build().getSerializedSize();
        if (expected.getEventsCount() + (latestEvent != null ? 1 : 0) >= limits.maxEvents()
                || size > limits.eventBytes() - eventBytes) {
            expected.setDroppedEventsCount(expected.getDroppedEventsCount() + 1);
            latestEventDropped = true;
        } else {
            eventBytes += size;
            latestEvent = e;
            latestEventDropped = false;
        }
        return this;
    }

    OracleSpan eventAttribute(String key, Value value) {
        value.apply(record, Target.EVENT, Utf8Constant.of(key));
        if (latestEventDropped) {
            return this;
        }
        KeyValue kv = keyValue(key, value);
        int size = CodedOutputStream.computeMessageSize(3, kv);
        for (int i = 0; i < latestEvent.getAttributesCount(); i++) {
            if (latestEvent.getAttributes(i).getKey().equals(kv.getKey())) {
                eventBytes -= CodedOutputStream.computeMessageSize(3, latestEvent.getAttributes(i));
                latestEvent.removeAttributes(i);
                break;
            }
        }
        if (latestEvent.getAttributesCount() >= limits.maxAttributesPerEvent() || size > limits.eventBytes() - eventBytes) {
            latestEvent.setDroppedAttributesCount(latestEvent.getDroppedAttributesCount() + 1);
        } else {
            eventBytes += size;
            latestEvent.addAttributes(kv);
        }
        return this;
    }

    private void flushEvent() {
        if (latestEvent != null) {
            expected.addEvents(latestEvent);
            latestEvent = null;
        }
    }

    OracleSpan link(long high, long low, long spanId, int flags, String traceState) {
        flushLink();
        record.addLink(high, low, spanId, flags, traceState);
        String normalized = normalizedTraceState(traceState);
        Span.Link.Builder l = Span.Link.newBuilder().setTraceId(id(high, low)).setSpanId(id(spanId))
                .setTraceState(normalized == null ? "" : normalized);
        int size = l.build().getSerializedSize(); // flags are kept outside the arena
        if (expected.getLinksCount() + (latestLink != null ? 1 : 0) >= limits.maxLinks()
                || size > limits.linkBytes() - linkBytes) {
            expected.setDroppedLinksCount(expected.getDroppedLinksCount() + 1);
            latestLinkDropped = true;
        } else {
            linkBytes += size;
            latestLink = l.setFlags(flags);
            latestLinkDropped = false;
        }
        return this;
    }

    OracleSpan linkAttribute(String key, Value value) {
        value.apply(record, Target.LINK, Utf8Constant.of(key));
        if (latestLinkDropped) {
            return this;
        }
        KeyValue kv = keyValue(key, value);
        int size = CodedOutputStream.computeMessageSize(4, kv);
        for (int i = 0; i < latestLink.getAttributesCount(); i++) {
            if (latestLink.getAttributes(i).getKey().equals(kv.getKey())) {
                linkBytes -= CodedOutputStream.computeMessageSize(4, latestLink.getAttributes(i));
                latestLink.removeAttributes(i);
                break;
            }
        }
        if (latestLink.getAttributesCount() >= limits.maxAttributesPerLink() || size > limits.linkBytes() - linkBytes) {
            latestLink.setDroppedAttributesCount(latestLink.getDroppedAttributesCount() + 1);
        } else {
            linkBytes += size;
            latestLink.addAttributes(kv);
        }
        return this;
    }

    private void flushLink() {
        if (latestLink != null) {
            expected.addLinks(latestLink);
            latestLink = null;
        }
    }

    /**
     * @return whether the encoder must accept the record: valid ids, positive start and end times,
     *     and no refused call (a refused call throws out of this oracle before it records anything)
     */
    boolean valid() {
        return idsValid && start > 0 && end > 0;
    }

    /** @return the expected span message after all calls so far (meaningful only if {@link #valid()}) */
    Span build() {
        flushEvent();
        flushLink();
        expected.setStartTimeUnixNano(start).setEndTimeUnixNano(Math.max(start, end));
        if (expected.getName().trim().isEmpty()) {
            expected.setName(TraceRequestEncoder.FALLBACK_SPAN_NAME);
        }
        if (statusCode != 0 || !statusMessage.isEmpty()) {
            expected.setStatus(Status.newBuilder().setCodeValue(statusCode).setMessage(statusMessage));
        }
        return expected.build();
    }
}
