package io.ringtrace.codec;

/**
 * The compact log record format: one log record in a contiguous region of a heap {@code byte[]}
 * (a ring slot, an overflow buffer or a record's own array), written by {@link LogRecordWriter}
 * and read in place by {@link LogsRequestEncoder}. This class is the only place that knows the
 * offsets; the writer and the reader use nothing else.
 *
 * <h2>Layout</h2>
 * Offsets are relative to the record's start ({@code base}); multi-byte fields are little-endian;
 * region offsets are relative to {@code base} as well, so a record can be copied as one block.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     timestamp, epoch nanos                    |  0
 *  |                observed timestamp, epoch nanos                |  8
 *  |                     trace id, high 64 bits                    | 16
 *  |                     trace id, low 64 bits                     | 24
 *  |                            span id                            | 32
 *  +---------------------------------------------------------------+
 *  |                          trace flags                          | 40
 *  |   severity    |  state bits   |           (unused)            | 44
 *  |     severity text offset      |     severity text length      | 48
 *  |       event name offset       |       event name length       | 56
 *  |      text end = body start                                    | 64
 *  |      body end = attributes start                              | 68
 *  |      attributes end = used bytes                              | 72
 *  |  attribute count              |  dropped attributes           | 76
 *  |  capacity (bytes from base)   |  overflow buffer (-1: none)   | 84
 *  |  (unused)                     |                               | 92
 *  |           attribute keys seen: one bit per key's hash         | 96
 *  +---------------------------------------------------------------+
 *  | text: raw UTF-8 of the severity text and event name           |104
 *  | body: the complete LogRecord.body field (tag 5), or nothing   |
 *  | attributes: complete KeyValue fields (tag 6)                  |
 *  +---------------------------------------------------------------+
 * </pre>
 * The three regions follow each other with no gap; a write into a region that is not the last
 * non-empty one moves the regions behind it. The body is one {@code AnyValue} field already in
 * wire form (written again whole when set again), so the encoder copies the body and the
 * attributes as they are. The {@link LogLimits} byte budgets count these wire bytes only.
 *
 * <p>State bits: {@link SlotFormat#FILL_FAILED}, {@link SlotFormat#TOO_LARGE} (the record outgrew
 * its slot with no overflow buffer free, or its body passed the body budget: dropped, never sent
 * cut), {@link SlotFormat#SCOPE_SET}. Keys seen: as for spans ({@link SpanSlot}), a filter that
 * lets the usual record (every key once) skip the scan that replaces a key set twice.
 */
public final class LogSlot {

    static final int TIME = 0;
    static final int OBSERVED_TIME = 8;
    static final int TRACE_ID_HIGH = 16;
    static final int TRACE_ID_LOW = 24;
    static final int SPAN_ID = 32;
    static final int FLAGS = 40;
    static final int SEVERITY = 44;
    static final int STATE_BITS = 45;
    static final int SEVERITY_TEXT_OFFSET = 48;
    static final int SEVERITY_TEXT_LENGTH = 52;
    static final int EVENT_NAME_OFFSET = 56;
    static final int EVENT_NAME_LENGTH = 60;
    static final int TEXT_END = 64;
    static final int BODY_END = 68;
    static final int ATTRIBUTE_END = 72;
    static final int ATTRIBUTE_COUNT = 76;
    static final int DROPPED_ATTRIBUTES = 80;
    static final int CAPACITY = 84;
    static final int OVERFLOW_INDEX = 88;
    static final int KEYS_SEEN = 96;
    /** Bytes of the fixed header; the text region starts here. */
    public static final int HEADER_BYTES = 104;

    /** Regions. */
    static final int TEXT = 0;
    static final int BODY = 1;
    static final int ATTRIBUTES = 2;

    /** The slot bookkeeping of this format, for the shared writer. */
    static final SlotFormat FORMAT = SlotFormat.of(HEADER_BYTES, STATE_BITS, TEXT_END, ATTRIBUTES, CAPACITY,
            OVERFLOW_INDEX, KEYS_SEEN, ATTRIBUTES, ATTRIBUTE_COUNT, DROPPED_ATTRIBUTES, TRACE_ID_HIGH, SPAN_ID, FLAGS);

    private LogSlot() {}

    /**
     * @param limits log limits
     * @return the most bytes a record within {@code limits} can take in this format: the header and
     *     the three byte budgets (the size of a record's own array and of an overflow buffer)
     */
    public static int maxRecordBytes(LogLimits limits) {
        return HEADER_BYTES + limits.textBytes() + limits.bodyBytes() + limits.attributeBytes();
    }

    /**
     * @param area the array holding the record
     * @param base where it starts
     * @return the bytes it uses from {@code base}: what a copy must move
     */
    public static int usedBytes(byte[] area, int base) {
        return SlotFormat.getInt(area, base + ATTRIBUTE_END);
    }

    /**
     * @param area the array holding the slot
     * @param base where it starts
     * @return the overflow buffer holding the slot's record, or -1 if the record is in the slot itself
     */
    public static int overflowIndex(byte[] area, int base) {
        return SlotFormat.getInt(area, base + OVERFLOW_INDEX);
    }

    /**
     * Marks the slot as holding its record in overflow buffer {@code index} (or in itself, -1).
     *
     * @param area the array holding the slot
     * @param base where it starts
     * @param index the buffer's index, or -1
     */
    public static void overflowIndex(byte[] area, int base, int index) {
        SlotFormat.putInt(area, base + OVERFLOW_INDEX, index);
    }

    /**
     * @param area the array holding the record
     * @param base where it starts
     * @return whether the record outgrew its slot or its body budget, and must be dropped
     */
    public static boolean tooLarge(byte[] area, int base) {
        return (area[base + STATE_BITS] & SlotFormat.TOO_LARGE) != 0;
    }

    /**
     * Writes an empty record, which the encoder refuses as invalid (its fill is marked failed):
     * what a slot holds when the producer could not hand its record over.
     *
     * @param area the array holding the slot
     * @param base where it starts
     */
    public static void clear(byte[] area, int base) {
        FORMAT.clear(area, base);
        area[base + STATE_BITS] = SlotFormat.FILL_FAILED;
    }
}
