package io.ringtrace.codec;

import java.util.Arrays;

/**
 * A growable list of attributes already in wire form, for the builders of the immutable {@link
 * Resource} and {@link InstrumentationScope} (built once, so growing and copying here is fine).
 */
final class AttributeList {

    private final int fieldTag;
    private byte[] bytes = new byte[128];
    private int length;
    private int count;

    /** @param fieldNumber the field number of the attributes in their enclosing message */
    AttributeList(int fieldNumber) {
        this.fieldTag = WireFormat.tag(fieldNumber, WireFormat.LEN);
    }

    /** Encoder of one attribute into {@code (array, pos, limit, fieldTag)}. */
    interface Put {
        int put(byte[] a, int pos, int limit, int fieldTag);
    }

    void add(String key, Put put) {
        if (key == null) {
            throw new IllegalArgumentException("attribute key must not be null");
        }
        while (true) {
            int end = put.put(bytes, length, bytes.length, fieldTag);
            if (end >= 0) {
                length = end;
                count++;
                return;
            }
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
    }

    /** @return the encoded attribute fields, trimmed */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    int count() {
        return count;
    }
}
