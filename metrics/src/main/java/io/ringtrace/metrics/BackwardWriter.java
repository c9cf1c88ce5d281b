package io.ringtrace.metrics;

import java.nio.ByteOrder;
import net.openhft.chronicle.core.UnsafeMemory;
import sun.misc.Unsafe;

/**
 * Protobuf written back to front into native memory: a message's fields are written last field
 * first, then its length (known by then: the bytes already written below the message's end) and
 * its tag. So every length prefix is the minimal varint protobuf-java writes, without a size pass
 * and without back-patching. Positions are offsets from {@code address} and decrease; the caller
 * checks room once per data point. Plain {@code Unsafe} stores, as the span encoder's.
 */
final class BackwardWriter {

    private static final Unsafe UNSAFE = UnsafeMemory.UNSAFE;
    private static final long BYTE_ARRAY_BASE = Unsafe.ARRAY_BYTE_BASE_OFFSET;
    /** fixed64 is little-endian on the wire; native stores are swapped on big-endian hosts. */
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    long address;
    /** The lowest byte written so far: the next byte goes at {@code pos - 1}. */
    int pos;

    void reset(long address, int end) {
        this.address = address;
        this.pos = end;
    }

    void putByte(int b) {
        UNSAFE.putByte(address + --pos, (byte) b);
    }

    void putVarint(long value) {
        int size = varintSize(value);
        pos -= size;
        long a = address + pos;
        while ((value & ~0x7FL) != 0) {
            UNSAFE.putByte(a++, (byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        UNSAFE.putByte(a, (byte) value);
    }

    void putFixed64(long value) {
        pos -= 8;
        UNSAFE.putLong(address + pos, NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value));
    }

    /** A fixed64 or double field: the value, then its one-byte tag. */
    void fixed64Field(int tag, long value) {
        putFixed64(value);
        putByte(tag);
    }

    /** Eight bytes of a trace or span id, big-endian as ids are on the wire. */
    void putIdBytes(long value) {
        pos -= 8;
        UNSAFE.putLong(address + pos, NATIVE_LITTLE_ENDIAN ? Long.reverseBytes(value) : value);
    }

    void putBytes(byte[] src) {
        pos -= src.length;
        UNSAFE.copyMemory(src, BYTE_ARRAY_BASE, null, address + pos, src.length);
    }

    /** A length-delimited field holding {@code body}: the bytes, the length, the one-byte tag. */
    void bytesField(int tag, byte[] body) {
        putBytes(body);
        putVarint(body.length);
        putByte(tag);
    }

    /** Closes the message whose body spans {@code pos..end}: its length, then its one-byte tag. */
    void lengthAndTag(int end, int tag) {
        putVarint(end - pos);
        putByte(tag);
    }

    static int varintSize(long value) {
        int bits = 64 - Long.numberOfLeadingZeros(value);
        return bits == 0 ? 1 : (bits + 6) / 7;
    }
}
