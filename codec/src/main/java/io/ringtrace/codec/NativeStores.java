package io.ringtrace.codec;

import java.nio.ByteOrder;
import net.openhft.chronicle.core.UnsafeMemory;
import sun.misc.Unsafe;

/**
 * The encoder's plain native stores: protobuf wire values written at {@code address + pos}, each
 * returning the position after it. Unchecked: the caller keeps every store inside a buffer whose
 * capacity it checked once ({@link TraceRequestEncoder#begin}). Allocation-free.
 */
final class NativeStores {

    static final Unsafe UNSAFE = UnsafeMemory.UNSAFE;
    private static final long BYTE_ARRAY_BASE = Unsafe.ARRAY_BYTE_BASE_OFFSET;
    /** fixed64/fixed32 are little-endian on the wire; native stores are swapped on big-endian hosts. */
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private NativeStores() {
    }

    static int putByte(long address, int pos, int b) {
        UNSAFE.putByte(address + pos, (byte) b);
        return pos + 1;
    }

    static int putVarint(long address, int pos, int value) {
        while ((value & ~0x7F) != 0) {
            UNSAFE.putByte(address + pos++, (byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        UNSAFE.putByte(address + pos++, (byte) value);
        return pos;
    }

    static int putFixed64(long address, int pos, long value) {
        UNSAFE.putLong(address + pos, NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value));
        return pos + 8;
    }

    static int putFixed32(long address, int pos, int value) {
        UNSAFE.putInt(address + pos, NATIVE_LITTLE_ENDIAN ? value : Integer.reverseBytes(value));
        return pos + 4;
    }

    /** Ids are big-endian byte strings on the wire. */
    static int putIdBytes(long address, int pos, long value) {
        UNSAFE.putLong(address + pos, NATIVE_LITTLE_ENDIAN ? Long.reverseBytes(value) : value);
        return pos + 8;
    }

    static int copy(byte[] src, int offset, long address, int pos, int length) {
        UNSAFE.copyMemory(src, BYTE_ARRAY_BASE + offset, null, address + pos, length);
        return pos + length;
    }
}
