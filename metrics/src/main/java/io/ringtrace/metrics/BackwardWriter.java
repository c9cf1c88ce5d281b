package io.ringtrace.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Protobuf written back to front into a request buffer: a message's fields are written last field
 * first, then its length (known by then: the bytes already written below the message's end) and
 * its tag. So every length prefix is the minimal varint protobuf-java writes, without a size pass
 * and without back-patching. Positions are indexes into the buffer's {@link ByteBuffer} view and
 * decrease; the caller checks room once per data point. Absolute puts and {@link VarHandle}s with
 * an explicit byte order, the JDK's supported access to native memory, as the span encoder's.
 */
final class BackwardWriter {

    /** fixed64 is little-endian on the wire. */
    private static final VarHandle LITTLE_ENDIAN_LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Trace and span ids are big-endian on the wire. */
    private static final VarHandle BIG_ENDIAN_LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    ByteBuffer buffer;
    /** The lowest byte written so far: the next byte goes at {@code pos - 1}. */
    int pos;

    void reset(ByteBuffer buffer, int end) {
        this.buffer = buffer;
        this.pos = end;
    }

    void putByte(int b) {
        buffer.put(--pos, (byte) b);
    }

    void putVarint(long value) {
        int size = varintSize(value);
        pos -= size;
        int at = pos;
        while ((value & ~0x7FL) != 0) {
            buffer.put(at++, (byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        buffer.put(at, (byte) value);
    }

    void putFixed64(long value) {
        pos -= 8;
        LITTLE_ENDIAN_LONGS.set(buffer, pos, value);
    }

    /** A fixed64 or double field: the value, then its one-byte tag. */
    void fixed64Field(int tag, long value) {
        putFixed64(value);
        putByte(tag);
    }

    /** Eight bytes of a trace or span id, big-endian as ids are on the wire. */
    void putIdBytes(long value) {
        pos -= 8;
        BIG_ENDIAN_LONGS.set(buffer, pos, value);
    }

    void putBytes(byte[] src) {
        pos -= src.length;
        buffer.put(pos, src, 0, src.length);
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
