package io.ringtrace.log4j2;

import io.ringtrace.codec.Utf8Constant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Thread context (MDC) keys pre-encoded once: a record writer takes attribute keys as {@link
 * Utf8Constant}s. A hit is a {@link ConcurrentHashMap} lookup by the key's cached hash, no
 * allocation. Bound: {@code maxKeys} keys; a key past it is encoded for the record at hand (a
 * small allocation per use, the record is still complete), so a program that puts unbounded
 * key names into its context map costs garbage, never memory. Thread-safe.
 */
final class AttributeKeys {

    private final ConcurrentHashMap<String, Utf8Constant> keys = new ConcurrentHashMap<>();
    private final int maxKeys;

    /** @param maxKeys keys kept, at least 0 */
    AttributeKeys(int maxKeys) {
        if (maxKeys < 0) {
            throw new IllegalArgumentException("maxKeys must be at least 0, was " + maxKeys);
        }
        this.maxKeys = maxKeys;
    }

    /** @param key a context map key; not null @return it pre-encoded */
    Utf8Constant keyOf(String key) {
        Utf8Constant k = keys.get(key);
        if (k != null) {
            return k;
        }
        k = Utf8Constant.of(key);
        if (keys.size() < maxKeys) {
            Utf8Constant raced = keys.putIfAbsent(key, k);
            return raced != null ? raced : k;
        }
        return k;
    }

    /** @return keys cached */
    int size() {
        return keys.size();
    }
}
