package io.ringtrace.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The encoder's stores into the request buffer: protobuf wire values written at index {@code pos}
 * of a direct {@link ByteBuffer} over the buffer's off-heap memory ({@link RequestBufferViews}),
 * each returning the position after it. Multi-byte values go through {@link VarHandle} views with
 * the byte order stated, so the wire bytes do not depend on the host's order. The JDK checks each
 * index against the view's limit; the caller keeps every store inside the capacity it checked once
 * ({@link TraceRequestEncoder#begin}), so no check fails. Allocation-free.
 */
final class NativeStores {

    /** fixed64 is little-endian on the wire. */
    private static final VarHandle LONG_LE = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Ids are big-endian byte strings on the wire. */
    private static final VarHandle LONG_BE = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** fixed32 is little-endian on the wire; run markers use the same order (they never leave the buffer). */
    private static final VarHandle INT_LE = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private NativeStores() {
    }

    static int putByte(ByteBuffer out, int pos, int b) {
        out.put(pos, (byte) b);
        return pos + 1;
    }

    static int putVarint(ByteBuffer out, int pos, int value) {
        while ((value & ~0x7F) != 0) {
            out.put(pos++, (byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put(pos++, (byte) value);
        return pos;
    }

    static int putFixed64(ByteBuffer out, int pos, long value) {
        LONG_LE.set(out, pos, value);
        return pos + 8;
    }

    static int putFixed32(ByteBuffer out, int pos, int value) {
        INT_LE.set(out, pos, value);
        return pos + 4;
    }

    static int putIdBytes(ByteBuffer out, int pos, long value) {
        LONG_BE.set(out, pos, value);
        return pos + 8;
    }

    static int copy(byte[] src, int offset, ByteBuffer out, int pos, int length) {
        out.put(pos, src, offset, length);
        return pos + length;
    }

    /** Stores an int for the encoder's own use inside the buffer (a run marker's length). */
    static void putInt(ByteBuffer out, int pos, int value) {
        INT_LE.set(out, pos, value);
    }

    static int getInt(ByteBuffer out, int pos) {
        return (int) INT_LE.get(out, pos);
    }

    static int getUnsignedByte(ByteBuffer out, int pos) {
        return out.get(pos) & 0xFF;
    }

    /** Copies {@code length} bytes inside the buffer; the two ranges do not overlap. */
    static void move(ByteBuffer out, int from, int to, int length) {
        out.put(to, out, from, length);
    }
}
