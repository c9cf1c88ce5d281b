package io.ringtrace.bench;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A reusable, unsynchronized in-memory {@link OutputStream}: the sink the heap-based encoders (the
 * SDK's marshalers, protobuf-java) write into in the encode benchmark, so the sink itself costs
 * nothing after the first batch. Its capacity grows to the largest request seen and stays there.
 */
public final class ByteSink extends OutputStream {

    private byte[] buffer;
    private int size;

    /** @param initialCapacity starting capacity in bytes */
    public ByteSink(int initialCapacity) {
        buffer = new byte[initialCapacity];
    }

    /** Empties the sink, keeping its memory. */
    public void reset() {
        size = 0;
    }

    /** @return bytes written since the last {@link #reset()} */
    public int size() {
        return size;
    }

    /** @return a copy of the written bytes (setup and checks only) */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    @Override
    public void write(int b) {
        ensure(1);
        buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
    }

    private void ensure(int extra) {
        if (size + extra > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
        }
    }
}
