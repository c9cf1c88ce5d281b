package io.ringtrace.codec;

import java.lang.invoke.MethodHandles;

/**
 * The compact span format: one span in a contiguous region of a heap {@code byte[]} (a ring slot,
 * an overflow buffer or a pooled span's own array), written by {@link SpanRecord} and read in place
 * by {@link TraceRequestEncoder}. This class is the only place that knows the offsets; the writer
 * and the reader use nothing else.
 *
 * <h2>Layout</h2>
 * Offsets are relative to the span's start ({@code base}); multi-byte fields are little-endian
 * (read and written through {@link MethodHandles#byteArrayViewVarHandle}); region offsets are
 * relative to {@code base} as well, so a span can be copied to another place as one block.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     trace id, high 64 bits                    |  0
 *  |                     trace id, low 64 bits                     |  8
 *  |                            span id                            | 16
 *  |                         parent span id                        | 24
 *  |                       start, epoch nanos                      | 32
 *  |                        end, epoch nanos                       | 40
 *  +---------------------------------------------------------------+
 *  |                          span flags                           | 48
 *  |     kind      |  status code  |  state bits   |   (unused)    | 52
 *  |          name offset          |          name length          | 56
 *  |      trace state offset       |      trace state length       | 64
 *  |    status message offset      |    status message length      | 72
 *  |      text end = attributes start                              | 80
 *  |      attributes end = events start                            | 84
 *  |      events end = links start                                 | 88
 *  |      links end = used bytes                                   | 92
 *  |  attribute count              |  dropped attributes           | 96
 *  |  event count                  |  dropped events               |104
 *  |  link count                   |  dropped links                |112
 *  |  latest event's attributes    |  latest event's start         |120
 *  |  latest link's attributes     |  latest link's start          |128
 *  |  capacity (bytes from base)   |  overflow buffer (-1: none)   |136
 *  |        span attribute keys seen: one bit per key's hash       |144
 *  +---------------------------------------------------------------+
 *  | text: raw UTF-8 of the name, trace state and status message   |152
 *  | span attributes: complete KeyValue fields (tag 9)             |
 *  | events: per event [body length:4][dropped attributes:4][body] |
 *  |         body = time (1), name (2), attributes (3), wire form  |
 *  | links:  per link [body length:4][dropped:4][flags:4][body]    |
 *  |         body = ids (1, 2), trace state (3), attributes (4)    |
 *  +---------------------------------------------------------------+
 * </pre>
 * The four regions follow each other with no gap; a write into a region that is not the last
 * non-empty one moves the regions behind it (usually none, or a few bytes: spans are mostly
 * written in field order). Each event's and link's body stays contiguous because attributes can
 * only be added to the latest one; the fields that follow the attributes on the wire ({@code
 * dropped_attributes_count}, the link's {@code flags}) sit in its small prefix and are written by
 * the encoder. The {@link SpanLimits} byte budgets count wire bytes only (the text, the
 * attributes, the event and link bodies), not the header and prefixes, so the limits mean the same
 * whatever holds the span.
 *
 * <p>State bits: {@link #FILL_FAILED} (a setter refused its arguments), {@link
 * #LATEST_EVENT_DROPPED}, {@link #LATEST_LINK_DROPPED}, {@link #TOO_LARGE} (the span outgrew its
 * slot and no overflow buffer was free: it is dropped as {@code SPAN_TOO_LARGE}, never sent cut),
 * {@link #SCOPE_SET} (the scope itself is a reference, kept by the writer object).
 *
 * <p>Keys seen: a 64-bit Bloom filter of the span attributes' keys ({@link Utf8Constant} carries
 * its bit). Setting a key again replaces its value, which needs a scan of the attributes; a key
 * whose bit is not set cannot be there, so the usual span (every key once) is written without one.
 */
public final class SpanSlot {

    static final int TRACE_ID_HIGH = 0;
    static final int TRACE_ID_LOW = 8;
    static final int SPAN_ID = 16;
    static final int PARENT_SPAN_ID = 24;
    static final int START_EPOCH_NANOS = 32;
    static final int END_EPOCH_NANOS = 40;
    static final int FLAGS = 48;
    static final int KIND = 52;
    static final int STATUS_CODE = 53;
    static final int STATE_BITS = 54;
    static final int NAME_OFFSET = 56;
    static final int NAME_LENGTH = 60;
    static final int TRACE_STATE_OFFSET = 64;
    static final int TRACE_STATE_LENGTH = 68;
    static final int STATUS_MESSAGE_OFFSET = 72;
    static final int STATUS_MESSAGE_LENGTH = 76;
    static final int TEXT_END = 80;
    static final int ATTRIBUTE_END = 84;
    static final int EVENT_END = 88;
    static final int LINK_END = 92;
    static final int ATTRIBUTE_COUNT = 96;
    static final int DROPPED_ATTRIBUTES = 100;
    static final int EVENT_COUNT = 104;
    static final int DROPPED_EVENTS = 108;
    static final int LINK_COUNT = 112;
    static final int DROPPED_LINKS = 116;
    static final int LATEST_EVENT_ATTRIBUTES = 120;
    static final int LATEST_EVENT_START = 124;
    static final int LATEST_LINK_ATTRIBUTES = 128;
    static final int LATEST_LINK_START = 132;
    static final int CAPACITY = 136;
    static final int OVERFLOW_INDEX = 140;
    static final int KEYS_SEEN = 144;
    /** Bytes of the fixed header; the text region starts here. */
    public static final int HEADER_BYTES = 152;

    /** Per event, in front of its body: body length, dropped attribute count. */
    static final int EVENT_PREFIX_BYTES = 8;
    /** Per link, in front of its body: body length, dropped attribute count, flags. */
    static final int LINK_PREFIX_BYTES = 12;
    static final int PREFIX_BODY_LENGTH = SlotWriter.PREFIX_BODY_LENGTH;
    static final int PREFIX_DROPPED = SlotWriter.PREFIX_DROPPED;
    static final int PREFIX_FLAGS = 8;

    static final int FILL_FAILED = SlotFormat.FILL_FAILED;
    static final int LATEST_EVENT_DROPPED = 2;
    static final int LATEST_LINK_DROPPED = 4;
    static final int TOO_LARGE = SlotFormat.TOO_LARGE;
    /** The writer's scope reference counts (else the span's scope is the empty one). */
    static final int SCOPE_SET = SlotFormat.SCOPE_SET;

    /** Default bytes per ring slot: a typical span (name, a dozen attributes, an event) fits. */
    public static final int DEFAULT_SLOT_BYTES = 512;
    /** Smallest slot: the header plus a name and a few attributes. */
    public static final int MIN_SLOT_BYTES = 256;
    /** Largest slot. */
    public static final int MAX_SLOT_BYTES = 64 * 1024;

    /** The slot bookkeeping of this format, for the shared writer. */
    static final SlotFormat FORMAT = SlotFormat.of(HEADER_BYTES, STATE_BITS, TEXT_END, 3, CAPACITY, OVERFLOW_INDEX,
            KEYS_SEEN, 1, ATTRIBUTE_COUNT, DROPPED_ATTRIBUTES, TRACE_ID_HIGH, SPAN_ID, FLAGS);

    private SpanSlot() {}

    /**
     * @param slotBytes a slot size
     * @return whether it is a power of two in [{@value #MIN_SLOT_BYTES}, {@value #MAX_SLOT_BYTES}]
     */
    public static boolean isValidSlotBytes(int slotBytes) {
        return slotBytes >= MIN_SLOT_BYTES && slotBytes <= MAX_SLOT_BYTES && Integer.bitCount(slotBytes) == 1;
    }

    /**
     * @param limits span limits
     * @return the most bytes a span within {@code limits} can take in this format: the header, the
     *     four byte budgets and a prefix per event and link
     */
    public static int maxSpanBytes(SpanLimits limits) {
        return HEADER_BYTES + limits.recordArenaBytes() + EVENT_PREFIX_BYTES * limits.maxEvents()
                + LINK_PREFIX_BYTES * limits.maxLinks();
    }

    /**
     * @param area the array holding the span
     * @param base where it starts
     * @return the bytes it uses from {@code base}: what a copy must move
     */
    public static int usedBytes(byte[] area, int base) {
        return getInt(area, base + LINK_END);
    }

    /**
     * @param area the array holding the slot
     * @param base where it starts
     * @return the overflow buffer holding the slot's span, or -1 if the span is in the slot itself
     */
    public static int overflowIndex(byte[] area, int base) {
        return getInt(area, base + OVERFLOW_INDEX);
    }

    /**
     * Marks the slot as holding its span in overflow buffer {@code index} (or in itself, -1).
     *
     * @param area the array holding the slot
     * @param base where it starts
     * @param index the buffer's index, or -1
     */
    public static void overflowIndex(byte[] area, int base, int index) {
        putInt(area, base + OVERFLOW_INDEX, index);
    }

    /**
     * @param area the array holding the span
     * @param base where it starts
     * @return whether the span outgrew its slot without an overflow buffer, and must be dropped
     */
    public static boolean tooLarge(byte[] area, int base) {
        return (area[base + STATE_BITS] & TOO_LARGE) != 0;
    }

    /**
     * @param area the array holding the span
     * @param base where it starts
     * @return whether its trace id and span id are set (not all zeros)
     */
    public static boolean hasValidIds(byte[] area, int base) {
        return (getLong(area, base + TRACE_ID_HIGH) != 0 || getLong(area, base + TRACE_ID_LOW) != 0)
                && getLong(area, base + SPAN_ID) != 0;
    }

    /**
     * Writes an empty span that the encoder refuses as invalid (no ids): what a slot holds when the
     * producer could not hand its span over.
     *
     * @param area the array holding the slot
     * @param base where it starts
     */
    public static void clear(byte[] area, int base) {
        FORMAT.clear(area, base);
    }

    static long getLong(byte[] a, int at) {
        return SlotFormat.getLong(a, at);
    }

    static void putLong(byte[] a, int at, long value) {
        SlotFormat.putLong(a, at, value);
    }

    static int getInt(byte[] a, int at) {
        return SlotFormat.getInt(a, at);
    }

    static void putInt(byte[] a, int at, int value) {
        SlotFormat.putInt(a, at, value);
    }
}
