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
 * at {@link #headerBytes()}, each next one where the previous ends, the last one's end is the used
 * bytes), the capacity and the overflow buffer index as ints, and a 64-bit keys-seen filter of the
 * top-level attributes.
 *
 * <p>A record, so that the JIT takes a format's offsets as constants (it trusts a record's final
 * fields, not a plain class's): the writers' header accesses then compile to fixed offsets.
 *
 * @param headerBytes the header's size: the first region starts there
 * @param stateBits offset of the state byte
 * @param regionEnds offset of the first region's end; region {@code r}'s end is at {@code regionEnds + 4 r}
 * @param lastRegion index of the last region: its end is the record's used bytes
 * @param capacity offset of the capacity field
 * @param overflowIndex offset of the overflow buffer index
 * @param keysSeen offset of the 64-bit keys-seen filter of the top-level attributes
 * @param attributeRegion the region holding the top-level attributes
 * @param attributeCount offset of the field counting them
 * @param droppedAttributes offset of the field counting the dropped ones
 * @param traceIdHigh offset of the trace id (high 8 bytes, then low 8 bytes)
 * @param spanId offset of the span id
 * @param flags offset of the flags
 * @param emptyHeader the header of an empty record (every region empty, no overflow buffer, capacity
 *     0), copied by {@link #clear}: one block copy instead of a fill and a store per field
 */
record SlotFormat(int headerBytes, int stateBits, int regionEnds, int lastRegion, int capacity, int overflowIndex,
                  int keysSeen, int attributeRegion, int attributeCount, int droppedAttributes, int traceIdHigh,
                  int spanId, int flags, byte[] emptyHeader) {

    /** Multi-byte header fields are little-endian, read and written through these views of the byte[]. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** State bit: a setter refused its arguments; the encoder refuses the record. */
    static final int FILL_FAILED = 1;
    /** State bit: the writer's scope reference counts (else the record's scope is the empty one). */
    static final int SCOPE_SET = 16;
    /** State bit: the record outgrew its slot with no overflow buffer free; dropped, never sent cut. */
    static final int TOO_LARGE = 8;

    /** @return a format with these offsets (see the components) and its empty header */
    static SlotFormat of(int headerBytes, int stateBits, int regionEnds, int lastRegion, int capacity, int overflowIndex,
                         int keysSeen, int attributeRegion, int attributeCount, int droppedAttributes, int traceIdHigh,
                         int spanId, int flags) {
        byte[] empty = new byte[headerBytes];
        for (int r = 0; r <= lastRegion; r++) {
            putInt(empty, regionEnds + 4 * r, headerBytes);
        }
        putInt(empty, overflowIndex, -1);
        return new SlotFormat(headerBytes, stateBits, regionEnds, lastRegion, capacity, overflowIndex, keysSeen,
                attributeRegion, attributeCount, droppedAttributes, traceIdHigh, spanId, flags, empty);
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
        System.arraycopy(emptyHeader, 0, area, base, headerBytes);
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
