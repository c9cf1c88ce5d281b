package io.ringtrace.codec;

/**
 * The instrumentation scope (library) that produced a span: name, version, attributes and schema
 * URL. Immutable; encoded to protobuf once at {@link Builder#build()}. The encoder groups spans by
 * scope <em>identity</em>: build each scope once and share the instance.
 *
 * <p>Keys are not de-duplicated: add each key once.
 */
public final class InstrumentationScope {

    private static final InstrumentationScope EMPTY = builder("").build();

    private final String name;
    private final String version;
    /** The {@code InstrumentationScope} message body: name (1), version (2), attributes (3). */
    private final byte[] encoded;
    /** {@code ScopeSpans.schema_url} in UTF-8 (empty: omitted). */
    private final byte[] schemaUrlUtf8;

    private InstrumentationScope(Builder b) {
        this.name = b.name;
        this.version = b.version;
        byte[] nameUtf8 = Utf8Constant.of(b.name).utf8();
        byte[] versionUtf8 = Utf8Constant.of(b.version).utf8();
        byte[] attributes = b.attributes.toByteArray();
        int size = (nameUtf8.length == 0 ? 0 : WireFormat.lenFieldSize(nameUtf8.length))
                + (versionUtf8.length == 0 ? 0 : WireFormat.lenFieldSize(versionUtf8.length)) + attributes.length;
        byte[] e = new byte[size];
        int pos = 0;
        if (nameUtf8.length != 0) {
            e[pos++] = 0x0A;
            pos = WireFormat.putVarint(e, pos, nameUtf8.length);
            System.arraycopy(nameUtf8, 0, e, pos, nameUtf8.length);
            pos += nameUtf8.length;
        }
        if (versionUtf8.length != 0) {
            e[pos++] = 0x12;
            pos = WireFormat.putVarint(e, pos, versionUtf8.length);
            System.arraycopy(versionUtf8, 0, e, pos, versionUtf8.length);
            pos += versionUtf8.length;
        }
        System.arraycopy(attributes, 0, e, pos, attributes.length);
        this.encoded = e;
        this.schemaUrlUtf8 = Utf8Constant.of(b.schemaUrl).utf8();
    }

    /** @return the scope with empty name, used by records that were given no scope */
    public static InstrumentationScope empty() {
        return EMPTY;
    }

    /**
     * @param name the scope name, usually the instrumentation library's name; not null
     * @return a scope with only a name
     */
    public static InstrumentationScope of(String name) {
        return builder(name).build();
    }

    /**
     * @param name the scope name; not null
     * @return a new builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the version, "" if none */
    public String version() {
        return version;
    }

    /**
     * The encoded {@code InstrumentationScope} message body (name, version, attributes), for
     * encoders of other signals outside this package (metrics) that frame the scope themselves.
     *
     * @return a copy of the protobuf bytes of the message, without tag or length
     */
    public byte[] toProtobuf() {
        return encoded.clone();
    }

    /** @return the schema URL, "" if none */
    public String schemaUrl() {
        return new String(schemaUrlUtf8, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The encoded message body; shared, never modify. */
    byte[] encoded() {
        return encoded;
    }

    /** The schema URL in UTF-8; shared, never modify. */
    byte[] schemaUrlUtf8() {
        return schemaUrlUtf8;
    }

    @Override
    public String toString() {
        return "InstrumentationScope{" + name + (version.isEmpty() ? "" : ":" + version) + '}';
    }

    /** Builds an {@link InstrumentationScope}. Not thread-safe. */
    public static final class Builder extends AttributesBuilder<Builder> {
        private final String name;
        private String version = "";
        private String schemaUrl = "";

        private Builder(String name) {
            super(3); // InstrumentationScope.attributes
            Resource.requireValue(name);
            this.name = name;
        }

        /** @param version the scope version; not null @return this */
        public Builder version(String version) {
            Resource.requireValue(version);
            this.version = version;
            return this;
        }

        /** @param schemaUrl the schema URL ({@code ScopeSpans.schema_url}); not null @return this */
        public Builder schemaUrl(String schemaUrl) {
            Resource.requireValue(schemaUrl);
            this.schemaUrl = schemaUrl;
            return this;
        }

        /** @return the encoded, immutable scope */
        public InstrumentationScope build() {
            return new InstrumentationScope(this);
        }
    }
}
