package io.ringtrace.codec;

/**
 * The attribute setters, one overload per value kind, written once for every place a record holds
 * attributes: a record's own ({@link SpanRecord}, {@link LogRecordWriter}) and the latest event or
 * link of a span ({@link ItemAttributes}). Each overload checks its arguments and hands the value to
 * the one write path of the slot format. Setting a key again replaces its value; what passes the
 * count limit or the byte budget is dropped and counted; a null key or value, or a slice or count
 * outside its array, is an {@link IllegalArgumentException} that changes nothing but marks the
 * record's fill failed (the encoder then refuses the record).
 *
 * <p>Code that copies attributes from elsewhere (another SDK's spans) writes against this type
 * once, whatever the attributes belong to.
 *
 * @param <S> the type the setters return for chaining
 */
public abstract class AttributeSink<S extends AttributeSink<S>> {

    /** Value kinds of the write path. */
    static final int STRING = 0;
    static final int LONG = 1;
    static final int DOUBLE = 2;
    static final int BOOLEAN = 3;
    static final int BYTES = 4;
    static final int STRING_ARRAY = 5;
    static final int LONG_ARRAY = 6;
    static final int DOUBLE_ARRAY = 7;
    static final int BOOLEAN_ARRAY = 8;
    static final int BYTES_ARRAY = 9;

    /** Only the codec's writers extend it: the write path behind it is the slot format's. */
    AttributeSink() {
    }

    /**
     * Writes one checked attribute: {@code key} not null, {@code value} the reference value (text,
     * array, bytes), {@code number} a long, a boolean (1 or 0) or a double's raw bits, {@code
     * offset} and {@code count} the slice.
     *
     * @return what the setters return
     */
    abstract S put(Utf8Constant key, int kind, Object value, long number, int offset, int count);

    /**
     * Writes a checked string attribute: the kinds most attributes have get their own entries with
     * few arguments, so that a writer can give them a short path (see {@link RecordWriter}).
     *
     * @return what the setters return
     */
    S putText(Utf8Constant key, CharSequence value) {
        return put(key, STRING, value, 0, 0, 0);
    }

    /**
     * Writes a checked long, double (its raw bits) or boolean (1 or 0) attribute.
     *
     * @return what the setters return
     */
    S putScalar(Utf8Constant key, int kind, long bits) {
        return put(key, kind, null, bits, 0, 0);
    }

    /** @return the exception for refused arguments, the record's fill marked failed */
    abstract IllegalArgumentException refused(String message);

    /** @param key not null @param value not null, encoded now (unpaired surrogates become '?') @return this */
    public final S attribute(Utf8Constant key, CharSequence value) {
        requireValue(value);
        requireKey(key);
        return putText(key, value);
    }

    /** @param key not null @param value the value @return this */
    public final S attribute(Utf8Constant key, long value) {
        requireKey(key);
        return putScalar(key, LONG, value);
    }

    /** @param key not null @param value the value @return this */
    public final S attribute(Utf8Constant key, double value) {
        requireKey(key);
        return putScalar(key, DOUBLE, Double.doubleToRawLongBits(value)); // raw bits: NaN payloads pass unchanged
    }

    /** @param key not null @param value the value @return this */
    public final S attribute(Utf8Constant key, boolean value) {
        requireKey(key);
        return putScalar(key, BOOLEAN, value ? 1 : 0);
    }

    /** @param key not null @param value not null, copied now @return this */
    public final S attribute(Utf8Constant key, byte[] value) {
        return attribute(key, value, 0, value == null ? 0 : value.length);
    }

    /**
     * @param key not null @param value not null @param offset first byte @param length bytes
     * @return this @throws IllegalArgumentException if the slice is outside the array
     */
    public final S attribute(Utf8Constant key, byte[] value, int offset, int length) {
        requireValue(value);
        requireSlice(value, offset, length);
        return checked(key, BYTES, value, 0, offset, length);
    }

    /** @param key not null @param values not null, no null elements @return this */
    public final S attribute(Utf8Constant key, CharSequence[] values) {
        return array(key, STRING_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null, no null elements among the first {@code count} @param count how many @return this */
    public final S attribute(Utf8Constant key, CharSequence[] values, int count) {
        return array(key, STRING_ARRAY, values, count);
    }

    /** @param key not null @param values not null @return this */
    public final S attribute(Utf8Constant key, long[] values) {
        return array(key, LONG_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null @param count how many, from index 0 @return this */
    public final S attribute(Utf8Constant key, long[] values, int count) {
        return array(key, LONG_ARRAY, values, count);
    }

    /** @param key not null @param values not null @return this */
    public final S attribute(Utf8Constant key, double[] values) {
        return array(key, DOUBLE_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null @param count how many, from index 0 @return this */
    public final S attribute(Utf8Constant key, double[] values, int count) {
        return array(key, DOUBLE_ARRAY, values, count);
    }

    /** @param key not null @param values not null @return this */
    public final S attribute(Utf8Constant key, boolean[] values) {
        return array(key, BOOLEAN_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null @param count how many, from index 0 @return this */
    public final S attribute(Utf8Constant key, boolean[] values, int count) {
        return array(key, BOOLEAN_ARRAY, values, count);
    }

    /** @param key not null @param values not null, no null elements @return this */
    public final S attribute(Utf8Constant key, byte[][] values) {
        return array(key, BYTES_ARRAY, values, values == null ? 0 : values.length);
    }

    // ---------------------------------------------------------------- the checks in front of the write path

    private S checked(Utf8Constant key, int kind, Object value, long number, int offset, int count) {
        requireKey(key);
        return put(key, kind, value, number, offset, count);
    }

    private void requireKey(Utf8Constant key) {
        if (key == null) {
            throw refused("attribute key must not be null");
        }
    }

    private S array(Utf8Constant key, int kind, Object values, int count) {
        requireArray(values, count);
        return checked(key, kind, values, 0, 0, count);
    }

    final void requireValue(Object value) {
        if (value == null) {
            throw refused("value must not be null");
        }
    }

    final void requireSlice(byte[] value, int offset, int length) {
        if (offset < 0 || length < 0 || offset > value.length - length) {
            throw refused("slice [" + offset + ", +" + length + ") outside the array of " + value.length);
        }
    }

    /** Checks an array value: not null, {@code count} inside it, no null element among the first {@code count}. */
    final void requireArray(Object values, int count) {
        requireValue(values);
        int length = lengthOf(values);
        if (count < 0 || count > length) {
            throw refused("count " + count + " outside the array of " + length);
        }
        if (values instanceof Object[]) {
            Object[] elements = (Object[]) values;
            for (int i = 0; i < count; i++) {
                if (elements[i] == null) {
                    throw refused("array elements must not be null");
                }
            }
        }
    }

    private static int lengthOf(Object values) {
        if (values instanceof Object[]) {
            return ((Object[]) values).length;
        } else if (values instanceof long[]) {
            return ((long[]) values).length;
        } else if (values instanceof double[]) {
            return ((double[]) values).length;
        }
        return ((boolean[]) values).length;
    }
}
