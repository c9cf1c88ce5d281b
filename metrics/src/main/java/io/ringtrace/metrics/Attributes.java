package io.ringtrace.metrics;

import io.ringtrace.codec.Utf8Constant;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable set of metric attributes, encoded once to OTLP {@code KeyValue} wire bytes: build it
 * at setup (a {@code static final} field, or once per bound handle) and pass it to every recording.
 * Keys are sorted and de-duplicated (the last value of a key wins), so {@code {a=1, b=2}} and
 * {@code {b=2, a=1}} are the same set and the same series.
 *
 * <p>Two sets are equal when their encoded bytes are; the hash is computed once. An instrument finds
 * a set's series by identity first, then by hash and bytes, without allocating.
 */
public final class Attributes {

    private static final Attributes EMPTY = builder().build();

    /** The pairs as {@code NumberDataPoint.attributes} fields (7, LEN): tag, length, KeyValue. */
    private final byte[] numberPointFields;
    /** The pairs as {@code HistogramDataPoint.attributes} fields (9, LEN). */
    private final byte[] histogramPointFields;
    /** The pairs as {@code ExponentialHistogramDataPoint.attributes} fields (1, LEN). */
    private final byte[] exponentialPointFields;
    private final int size;
    private final int hash;
    private final String text;
    /** The keys, sorted, and each key's encoded {@code AnyValue}: what {@link #retain} filters. */
    private final String[] keys;
    private final byte[][] anyValues;

    private Attributes(String[] keys, byte[][] anyValues, byte[][] keyValues, int size, String text) {
        this.keys = keys;
        this.anyValues = anyValues;
        this.numberPointFields = fields(keyValues, 0x3A);
        this.histogramPointFields = fields(keyValues, 0x4A);
        this.exponentialPointFields = fields(keyValues, 0x0A);
        this.size = size;
        this.hash = Arrays.hashCode(numberPointFields);
        this.text = text;
    }

    private static byte[] fields(byte[][] keyValues, int tag) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] keyValue : keyValues) {
            out.write(tag);
            writeVarint(out, keyValue.length);
            out.write(keyValue, 0, keyValue.length);
        }
        return out.toByteArray();
    }

    /** @return the set without attributes */
    public static Attributes empty() {
        return EMPTY;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param key the key
     * @param value the value; not null
     * @return a set of one string attribute
     */
    public static Attributes of(Utf8Constant key, String value) {
        return builder().put(key, value).build();
    }

    /** @return the number of attributes */
    public int size() {
        return size;
    }

    byte[] numberPointFields() {
        return numberPointFields;
    }

    byte[] histogramPointFields() {
        return histogramPointFields;
    }

    byte[] exponentialPointFields() {
        return exponentialPointFields;
    }

    /**
     * @param kept keys to keep (a view's attribute filter), sorted
     * @return this set with only those keys: this set itself if it has no other key (setup path: allocates otherwise)
     */
    Attributes retain(String[] kept) {
        Builder b = builder();
        for (int i = 0; i < keys.length; i++) {
            if (java.util.Arrays.binarySearch(kept, keys[i]) >= 0) {
                b.values.put(keys[i], anyValues[i]);
            }
        }
        return b.values.size() == keys.length ? this : b.build();
    }

    /** Two sets are equal when their encoded attributes are. */
    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof Attributes && ((Attributes) o).hash == hash
                && Arrays.equals(((Attributes) o).numberPointFields, numberPointFields));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return text;
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** Builds {@link Attributes}; setup time only (it allocates). Not thread-safe. */
    public static final class Builder {
        /** Key to the encoded {@code AnyValue} body; sorted by key, as the set is. */
        private final TreeMap<String, byte[]> values = new TreeMap<>();

        private Builder() {}

        /**
         * @param key the key; not null
         * @param value the value; not null (encoded as UTF-8, an unpaired surrogate as {@code '?'})
         * @return this
         */
        public Builder put(Utf8Constant key, String value) {
            if (value == null) {
                throw new IllegalArgumentException("attribute value must not be null (key " + key + ")");
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8); // unpaired surrogates become '?', as protobuf-java writes them
            ByteArrayOutputStream any = new ByteArrayOutputStream();
            any.write(0x0A); // AnyValue.string_value (1, LEN)
            writeVarint(any, utf8.length);
            any.write(utf8, 0, utf8.length);
            return put(key, any.toByteArray());
        }

        /** @param key the key; not null @param value the value @return this */
        public Builder put(Utf8Constant key, long value) {
            ByteArrayOutputStream any = new ByteArrayOutputStream();
            any.write(0x18); // AnyValue.int_value (3, VARINT)
            writeVarint(any, value);
            return put(key, any.toByteArray());
        }

        /** @param key the key; not null @param value the value @return this */
        public Builder put(Utf8Constant key, double value) {
            byte[] any = new byte[9];
            any[0] = 0x21; // AnyValue.double_value (4, I64), raw bits as protobuf-java writes them
            long bits = Double.doubleToRawLongBits(value);
            for (int i = 1; i < 9; i++, bits >>>= 8) {
                any[i] = (byte) bits;
            }
            return put(key, any);
        }

        /** @param key the key; not null @param value the value @return this */
        public Builder put(Utf8Constant key, boolean value) {
            return put(key, new byte[] {0x10, (byte) (value ? 1 : 0)}); // AnyValue.bool_value (2, VARINT)
        }

        private Builder put(Utf8Constant key, byte[] anyValue) {
            if (key == null) {
                throw new IllegalArgumentException("attribute key must not be null");
            }
            values.put(key.toString(), anyValue);
            return this;
        }

        /** @return the encoded, immutable set */
        public Attributes build() {
            byte[][] keyValues = new byte[values.size()][];
            String[] keys = new String[values.size()];
            byte[][] anyValues = new byte[values.size()][];
            StringBuilder text = new StringBuilder("{");
            int i = 0;
            for (Map.Entry<String, byte[]> e : values.entrySet()) {
                keys[i] = e.getKey();
                anyValues[i] = e.getValue();
                byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] any = e.getValue();
                ByteArrayOutputStream kv = new ByteArrayOutputStream();
                if (key.length != 0) { // proto3: an empty key is the default and omitted
                    kv.write(0x0A); // KeyValue.key (1, LEN)
                    writeVarint(kv, key.length);
                    kv.write(key, 0, key.length);
                }
                kv.write(0x12); // KeyValue.value (2, LEN): a message, always present
                writeVarint(kv, any.length);
                kv.write(any, 0, any.length);
                keyValues[i++] = kv.toByteArray();
                text.append(i > 1 ? ", " : "").append(e.getKey());
            }
            return new Attributes(keys, anyValues, keyValues, keyValues.length, text.append('}').toString());
        }
    }
}
