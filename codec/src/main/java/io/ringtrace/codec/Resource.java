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
    public static final class Builder extends AttributesBuilder<Builder> {
        private String schemaUrl = "";

        private Builder() {
            super(1); // Resource.attributes
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
