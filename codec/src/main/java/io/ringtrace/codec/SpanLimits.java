package io.ringtrace.codec;

/**
 * Per-span limits: how many attributes, events and links a {@link SpanRecord} keeps, and how many
 * bytes of wire form it may take for its texts, attributes, events and links (byte budgets). They
 * bound the largest span, {@link SpanSlot#maxSpanBytes(SpanLimits)}, and so size a stand-alone
 * record (a pooled span of the span API) and each overflow buffer; a ring slot has its own,
 * smaller size. What exceeds them is dropped and counted in the OTLP {@code dropped_*_count}
 * fields, never thrown.
 *
 * <p>Defaults follow the OpenTelemetry SDK's span limits (128 each) for the counts; the byte
 * budgets fit typical spans (a few dozen short attributes, a few events) with room to spare.
 * Bounds: every count is at most {@link #MAX_COUNT} (4096) and the four arenas together at most
 * 16 MiB; {@link Builder#build()} rejects more with an {@link IllegalArgumentException}. A
 * stand-alone record takes {@link #recordHeapBytes()} of heap.
 * Immutable; build with {@link #builder()}.
 */
public final class SpanLimits {

    /** Default for every count limit, as in the OpenTelemetry SDK. */
    public static final int DEFAULT_COUNT = 128;
    /** Default bytes for the span name, trace state and status message together. */
    public static final int DEFAULT_TEXT_BYTES = 512;
    /** Default bytes for the encoded span attributes. */
    public static final int DEFAULT_ATTRIBUTE_BYTES = 2048;
    /** Default bytes for the encoded events, their names and attributes included. */
    public static final int DEFAULT_EVENT_BYTES = 2048;
    /** Default bytes for the encoded links, their trace states and attributes included. */
    public static final int DEFAULT_LINK_BYTES = 1024;

    /**
     * Largest value of every count limit: {@value}. Each event and each link takes a small prefix
     * in the span's bytes, so the counts size every pooled span and overflow buffer; see {@link
     * #recordHeapBytes()}.
     */
    public static final int MAX_COUNT = 4096;

    private static final SpanLimits DEFAULTS = builder().build();

    private final int maxAttributes;
    private final int maxEvents;
    private final int maxLinks;
    private final int maxAttributesPerEvent;
    private final int maxAttributesPerLink;
    private final int textBytes;
    private final int attributeBytes;
    private final int eventBytes;
    private final int linkBytes;

    private SpanLimits(Builder b) {
        this.maxAttributes = b.maxAttributes;
        this.maxEvents = b.maxEvents;
        this.maxLinks = b.maxLinks;
        this.maxAttributesPerEvent = b.maxAttributesPerEvent;
        this.maxAttributesPerLink = b.maxAttributesPerLink;
        this.textBytes = b.textBytes;
        this.attributeBytes = b.attributeBytes;
        this.eventBytes = b.eventBytes;
        this.linkBytes = b.linkBytes;
    }

    /** @return the default limits (128 attributes / events / links / attributes per event and link) */
    public static SpanLimits defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the maximum number of span attributes kept */
    public int maxAttributes() {
        return maxAttributes;
    }

    /** @return the maximum number of events kept */
    public int maxEvents() {
        return maxEvents;
    }

    /** @return the maximum number of links kept */
    public int maxLinks() {
        return maxLinks;
    }

    /** @return the maximum number of attributes kept per event */
    public int maxAttributesPerEvent() {
        return maxAttributesPerEvent;
    }

    /** @return the maximum number of attributes kept per link */
    public int maxAttributesPerLink() {
        return maxAttributesPerLink;
    }

    /**
     * @return arena bytes for the span name, trace state and status message (UTF-8); a text that
     *     does not fit is truncated at a character boundary
     */
    public int textBytes() {
        return textBytes;
    }

    /** @return arena bytes for the span attributes in wire form; an attribute that does not fit is dropped */
    public int attributeBytes() {
        return attributeBytes;
    }

    /** @return arena bytes for events in wire form; an event (or event attribute) that does not fit is dropped */
    public int eventBytes() {
        return eventBytes;
    }

    /** @return arena bytes for links in wire form; a link (or link attribute) that does not fit is dropped */
    public int linkBytes() {
        return linkBytes;
    }

    /** @return the total byte arena each record allocates */
    public int recordArenaBytes() {
        return textBytes + attributeBytes + eventBytes + linkBytes;
    }

    /**
     * The heap one stand-alone {@link SpanRecord} with these limits takes, at most: its own array
     * of {@link SpanSlot#maxSpanBytes(SpanLimits)} bytes (the header, the four byte budgets and a
     * small prefix per event and link) and {@value #RECORD_OVERHEAD_BYTES} bytes for the object and
     * the array header. About 8.6 KB with the defaults. A ring slot takes only its slot bytes.
     *
     * @return bytes per stand-alone record
     */
    public long recordHeapBytes() {
        return RECORD_OVERHEAD_BYTES + align8(SpanSlot.maxSpanBytes(this));
    }

    /** The record object's fields plus two array headers, rounded up (a test measures a record against it). */
    static final int RECORD_OVERHEAD_BYTES = 256;

    private static long align8(long bytes) {
        return (bytes + 7) & ~7L;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpanLimits)) {
            return false;
        }
        SpanLimits l = (SpanLimits) o;
        return maxAttributes == l.maxAttributes && maxEvents == l.maxEvents && maxLinks == l.maxLinks
                && maxAttributesPerEvent == l.maxAttributesPerEvent
                && maxAttributesPerLink == l.maxAttributesPerLink && textBytes == l.textBytes
                && attributeBytes == l.attributeBytes && eventBytes == l.eventBytes && linkBytes == l.linkBytes;
    }

    @Override
    public int hashCode() {
        int h = maxAttributes;
        h = 31 * h + maxEvents;
        h = 31 * h + maxLinks;
        h = 31 * h + maxAttributesPerEvent;
        h = 31 * h + maxAttributesPerLink;
        h = 31 * h + textBytes;
        h = 31 * h + attributeBytes;
        h = 31 * h + eventBytes;
        return 31 * h + linkBytes;
    }

    @Override
    public String toString() {
        return "SpanLimits{attributes=" + maxAttributes + ", events=" + maxEvents + ", links=" + maxLinks
                + ", attributesPerEvent=" + maxAttributesPerEvent + ", attributesPerLink=" + maxAttributesPerLink
                + ", textBytes=" + textBytes + ", attributeBytes=" + attributeBytes + ", eventBytes=" + eventBytes
                + ", linkBytes=" + linkBytes + '}';
    }

    /** Builds {@link SpanLimits}; every value is validated once in {@link #build()}. */
    public static final class Builder {
        private int maxAttributes = DEFAULT_COUNT;
        private int maxEvents = DEFAULT_COUNT;
        private int maxLinks = DEFAULT_COUNT;
        private int maxAttributesPerEvent = DEFAULT_COUNT;
        private int maxAttributesPerLink = DEFAULT_COUNT;
        private int textBytes = DEFAULT_TEXT_BYTES;
        private int attributeBytes = DEFAULT_ATTRIBUTE_BYTES;
        private int eventBytes = DEFAULT_EVENT_BYTES;
        private int linkBytes = DEFAULT_LINK_BYTES;

        private Builder() {}

        /** @param n maximum span attributes, in [0, {@value #MAX_COUNT}] (checked by {@link #build()}) @return this */
        public Builder maxAttributes(int n) {
            this.maxAttributes = n;
            return this;
        }

        /** @param n maximum events, in [0, {@value #MAX_COUNT}] (checked by {@link #build()}) @return this */
        public Builder maxEvents(int n) {
            this.maxEvents = n;
            return this;
        }

        /** @param n maximum links, in [0, {@value #MAX_COUNT}] (checked by {@link #build()}) @return this */
        public Builder maxLinks(int n) {
            this.maxLinks = n;
            return this;
        }

        /** @param n maximum attributes per event, in [0, {@value #MAX_COUNT}] (checked by {@link #build()}) @return this */
        public Builder maxAttributesPerEvent(int n) {
            this.maxAttributesPerEvent = n;
            return this;
        }

        /** @param n maximum attributes per link, in [0, {@value #MAX_COUNT}] (checked by {@link #build()}) @return this */
        public Builder maxAttributesPerLink(int n) {
            this.maxAttributesPerLink = n;
            return this;
        }

        /** @param bytes arena bytes for name, trace state and status message (0 or more) @return this */
        public Builder textBytes(int bytes) {
            this.textBytes = bytes;
            return this;
        }

        /** @param bytes arena bytes for span attributes (0 or more) @return this */
        public Builder attributeBytes(int bytes) {
            this.attributeBytes = bytes;
            return this;
        }

        /** @param bytes arena bytes for events (0 or more) @return this */
        public Builder eventBytes(int bytes) {
            this.eventBytes = bytes;
            return this;
        }

        /** @param bytes arena bytes for links (0 or more) @return this */
        public Builder linkBytes(int bytes) {
            this.linkBytes = bytes;
            return this;
        }

        /**
         * @return the limits
         * @throws IllegalArgumentException if a value is negative, a count exceeds {@link #MAX_COUNT}
         *     or the arena exceeds 16 MiB
         */
        public SpanLimits build() {
            checkCount("maxAttributes", maxAttributes);
            checkCount("maxEvents", maxEvents);
            checkCount("maxLinks", maxLinks);
            checkCount("maxAttributesPerEvent", maxAttributesPerEvent);
            checkCount("maxAttributesPerLink", maxAttributesPerLink);
            check("textBytes", textBytes);
            check("attributeBytes", attributeBytes);
            check("eventBytes", eventBytes);
            check("linkBytes", linkBytes);
            long arena = (long) textBytes + attributeBytes + eventBytes + linkBytes;
            if (arena > (16 << 20)) {
                throw new IllegalArgumentException("record arena of " + arena + " bytes exceeds 16 MiB");
            }
            return new SpanLimits(this);
        }

        private static void checkCount(String name, int value) {
            if (value < 0 || value > MAX_COUNT) {
                throw new IllegalArgumentException(name + " must be in [0, " + MAX_COUNT + "] (a count sizes every"
                        + " ring slot's record), was " + value);
            }
        }

        private static void check(String name, int value) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must be >= 0, was " + value);
            }
        }
    }
}
