package io.ringtrace.codec;

/**
 * The attributes of a {@link Resource.Builder} or an {@link InstrumentationScope.Builder}: every
 * value type OTLP resources and scopes carry, encoded to wire form as they are added (values are
 * copied, so the caller may reuse its arrays). Used once per resource or scope, at start-up.
 *
 * @param <B> the concrete builder, returned for chaining
 */
public abstract class AttributesBuilder<B extends AttributesBuilder<B>> {

    final AttributeList attributes;

    AttributesBuilder(int fieldNumber) {
        this.attributes = new AttributeList(fieldNumber);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** @param key not null @param value not null @return this */
    public B attribute(String key, String value) {
        Resource.requireValue(value);
        Utf8Constant k = Resource.constant(key);
        attributes.add(key, (a, p, l, t) -> KeyValueWire.putString(a, p, l, t, k, value));
        return self();
    }

    /** @param key not null @param value the value @return this */
    public B attribute(String key, long value) {
        Utf8Constant k = Resource.constant(key);
        attributes.add(key, (a, p, l, t) -> KeyValueWire.putLong(a, p, l, t, k, value));
        return self();
    }

    /** @param key not null @param value the value @return this */
    public B attribute(String key, double value) {
        Utf8Constant k = Resource.constant(key);
        attributes.add(key, (a, p, l, t) -> KeyValueWire.putDouble(a, p, l, t, k, value));
        return self();
    }

    /** @param key not null @param value the value @return this */
    public B attribute(String key, boolean value) {
        Utf8Constant k = Resource.constant(key);
        attributes.add(key, (a, p, l, t) -> KeyValueWire.putBoolean(a, p, l, t, k, value));
        return self();
    }

    /**
     * Adds a string array attribute (for example {@code process.command_args}).
     *
     * @param key not null
     * @param values not null, no null elements
     * @return this
     */
    public B attribute(String key, String[] values) {
        Resource.requireValue(values);
        for (String v : values) {
            Resource.requireValue(v);
        }
        Utf8Constant k = Resource.constant(key);
        String[] copy = values.clone();
        attributes.add(key, (a, p, l, t) -> KeyValueWire.putStringArray(a, p, l, t, k, copy, copy.length));
        return self();
    }

    /** @param key not null @param values not null @return this */
    public B attribute(String key, long[] values) {
        Resource.requireValue(values);
        Utf8Constant k = Resource.constant(key);
        long[] copy = values.clone();
        attributes.add(key, (a, p, l, t) -> KeyValueWire.putLongArray(a, p, l, t, k, copy, copy.length));
        return self();
    }

    /** @param key not null @param values not null @return this */
    public B attribute(String key, double[] values) {
        Resource.requireValue(values);
        Utf8Constant k = Resource.constant(key);
        double[] copy = values.clone();
        attributes.add(key, (a, p, l, t) -> KeyValueWire.putDoubleArray(a, p, l, t, k, copy, copy.length));
        return self();
    }

    /** @param key not null @param values not null @return this */
    public B attribute(String key, boolean[] values) {
        Resource.requireValue(values);
        Utf8Constant k = Resource.constant(key);
        boolean[] copy = values.clone();
        attributes.add(key, (a, p, l, t) -> KeyValueWire.putBooleanArray(a, p, l, t, k, copy, copy.length));
        return self();
    }
}
