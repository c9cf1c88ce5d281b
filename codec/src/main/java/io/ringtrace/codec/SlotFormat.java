package io.ringtrace.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * What the shared slot machinery ({@link SlotWriter}) needs to know of a record format: where its
 * header keeps the slot bookkeeping (state bits, capacity, overflow pointer, keys seen) and its
 * regions' ends. Each format ({@link SpanSlot}, {@link LogSlot}) holds one instance beside its
 * offsets, so the offsets still live in one class per format.
 *
 * <p>Every format's header has: a state byte (bits {@link #FILL_FAILED} and {@link #TOO_LARGE}
 * mean the same everywhere), the end of each region as consecutive ints (the first region starts
 * at {@link #headerBytes}, each next one where the previous ends, the last one's end is the used
 * bytes), the capacity and the overflow buffer index as ints, and a 64-bit keys-seen filter of the
 * top-level attributes.
 */
final class SlotFormat {

    /** Multi-byte header fields are little-endian, read and written through these views of the byte[]. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** State bit: a setter refused its arguments; the encoder refuses the record. */
    static final int FILL_FAILED = 1;
    /** State bit: the writer's scope reference counts (else the record's scope is the empty one). */
    static final int SCOPE_SET = 16;
    /** State bit: the record outgrew its slot with no overflow buffer free; dropped, never sent cut. */
    static final int TOO_LARGE = 8;

    final int headerBytes;
    final int stateBits;
    /** Offset of the first region's end; region {@code r}'s end is at {@code regionEnds + 4 r}. */
    final int regionEnds;
    /** Index of the last region: its end is the record's used bytes. */
    final int lastRegion;
    final int capacity;
    final int overflowIndex;
    final int keysSeen;
    /** The region holding the top-level attributes, and the header fields counting them. */
    final int attributeRegion;
    final int attributeCount;
    final int droppedAttributes;
    /** The trace context: trace id (high 8 bytes, then low 8 bytes), span id, flags. */
    final int traceIdHigh;
    final int spanId;
    final int flags;

    SlotFormat(int headerBytes, int stateBits, int regionEnds, int lastRegion, int capacity, int overflowIndex,
               int keysSeen, int attributeRegion, int attributeCount, int droppedAttributes, int traceIdHigh, int spanId,
               int flags) {
        this.headerBytes = headerBytes;
        this.stateBits = stateBits;
        this.regionEnds = regionEnds;
        this.lastRegion = lastRegion;
        this.capacity = capacity;
        this.overflowIndex = overflowIndex;
        this.keysSeen = keysSeen;
        this.attributeRegion = attributeRegion;
        this.attributeCount = attributeCount;
        this.droppedAttributes = droppedAttributes;
        this.traceIdHigh = traceIdHigh;
        this.spanId = spanId;
        this.flags = flags;
    }

    /** @return the offset of the used-bytes field: the last region's end */
    int usedBytesField() {
        return regionEnds + 4 * lastRegion;
    }

    /**
     * @return whether a text {@code [offset, offset + length)} (relative) lies inside the text
     *     region {@code [headerBytes, textEnd)}, or is empty: a reader's check before it copies one
     */
    boolean textInside(int offset, int length, int textEnd) {
        return length == 0 || (offset >= headerBytes && length > 0 && offset <= textEnd - length);
    }

    /** Writes an empty record at {@code base}: header zeroed, every region empty, no overflow buffer. */
    void clear(byte[] area, int base) {
        java.util.Arrays.fill(area, base, base + headerBytes, (byte) 0);
        for (int r = 0; r <= lastRegion; r++) {
            putInt(area, base + regionEnds + 4 * r, headerBytes);
        }
        putInt(area, base + overflowIndex, -1);
    }

    static long getLong(byte[] a, int at) {
        return (long) LONGS.get(a, at);
    }

    static void putLong(byte[] a, int at, long value) {
        LONGS.set(a, at, value);
    }

    static int getInt(byte[] a, int at) {
        return (int) INTS.get(a, at);
    }

    static void putInt(byte[] a, int at, int value) {
        INTS.set(a, at, value);
    }
}
