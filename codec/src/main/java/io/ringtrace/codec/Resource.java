package io.ringtrace.codec;

/**
 * The OTLP resource every span of an encoder's requests belongs to (attributes such as {@code
 * service.name}, plus a schema URL). Immutable; encoded to protobuf once at {@link
 * Builder#build()} and copied into each request as is.
 *
 * <p>Keys are not de-duplicated: add each key once.
 */
public final class Resource {

    private static final Resource EMPTY = builder().build();

    /** The {@code Resource} message body: attributes (field 1). */
    private final byte[] encoded;
    /** {@code ResourceSpans.schema_url} in UTF-8 (empty: omitted). */
    private final byte[] schemaUrlUtf8;
    private final int attributeCount;

    private Resource(Builder b) {
        this.encoded = b.attributes.toByteArray();
        this.attributeCount = b.attributes.count();
        this.schemaUrlUtf8 = Utf8Constant.of(b.schemaUrl).utf8();
    }

    /** @return a resource without attributes or schema URL */
    public static Resource empty() {
        return EMPTY;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the number of attributes */
    public int attributeCount() {
        return attributeCount;
    }

    /**
     * The encoded {@code Resource} message body (its attributes, field 1), for encoders of other
     * signals outside this package (metrics) that frame the same resource themselves.
     *
     * @return a copy of the protobuf bytes of the {@code Resource} message, without tag or length
     */
    public byte[] toProtobuf() {
        return encoded.clone();
    }

    /** @return the schema URL, "" if none */
    public String schemaUrl() {
        return new String(schemaUrlUtf8, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The encoded {@code Resource} message body; shared, never modify. */
    byte[] encoded() {
        return encoded;
    }

    /** The schema URL in UTF-8; shared, never modify. */
    byte[] schemaUrlUtf8() {
        return schemaUrlUtf8;
    }

    /** Builds a {@link Resource}. Not thread-safe. */
    public static final class Builder {
        private final AttributeList attributes = new AttributeList(1);
        private String schemaUrl = "";

        private Builder() {}

        /**
         * Adds a string attribute.
         *
         * @param key not null
         * @param value not null
         * @return this
         */
        public Builder attribute(String key, String value) {
            requireValue(value);
            Utf8Constant k = constant(key);
            attributes.add(key, (a, p, l, t) -> KeyValueWire.putString(a, p, l, t, k, value));
            return this;
        }

        /** @param key not null @param value the value @return this */
        public Builder attribute(String key, long value) {
            Utf8Constant k = constant(key);
            attributes.add(key, (a, p, l, t) -> KeyValueWire.putLong(a, p, l, t, k, value));
            return this;
        }

        /** @param key not null @param value the value @return this */
        public Builder attribute(String key, double value) {
            Utf8Constant k = constant(key);
            attributes.add(key, (a, p, l, t) -> KeyValueWire.putDouble(a, p, l, t, k, value));
            return this;
        }

        /**
         * Adds a string array attribute (for example {@code process.command_args}).
         *
         * @param key not null
         * @param values not null, no null elements
         * @return this
         */
        public Builder attribute(String key, String[] values) {
            requireValue(values);
            for (String v : values) {
                requireValue(v);
            }
            Utf8Constant k = constant(key);
            String[] copy = values.clone();
            attributes.add(key, (a, p, l, t) -> KeyValueWire.putStringArray(a, p, l, t, k, copy, copy.length));
            return this;
        }

        /** @param key not null @param values not null @return this */
        public Builder attribute(String key, long[] values) {
            requireValue(values);
            Utf8Constant k = constant(key);
            long[] copy = values.clone();
            attributes.add(key, (a, p, l, t) -> KeyValueWire.putLongArray(a, p, l, t, k, copy, copy.length));
            return this;
        }

        /** @param key not null @param value the value @return this */
        public Builder attribute(String key, boolean value) {
            Utf8Constant k = constant(key);
            attributes.add(key, (a, p, l, t) -> KeyValueWire.putBoolean(a, p, l, t, k, value));
            return this;
        }

        /**
         * @param schemaUrl the schema URL of the resource ({@code ResourceSpans.schema_url}); not null
         * @return this
         */
        public Builder schemaUrl(String schemaUrl) {
            requireValue(schemaUrl);
            this.schemaUrl = schemaUrl;
            return this;
        }

        /** @return the encoded, immutable resource */
        public Resource build() {
            return new Resource(this);
        }
    }

    static Utf8Constant constant(String key) {
        if (key == null) {
            throw new IllegalArgumentException("attribute key must not be null");
        }
        return Utf8Constant.of(key);
    }

    static void requireValue(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
    }
}
