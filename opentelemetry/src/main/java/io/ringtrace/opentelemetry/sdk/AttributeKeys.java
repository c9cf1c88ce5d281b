package io.ringtrace.opentelemetry.sdk;

import io.ringtrace.codec.Utf8Constant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenTelemetry attribute key names encoded once as {@link Utf8Constant}s, by name (the SDK makes a
 * new {@code AttributeKey} object for every {@code setAttribute(String, ...)} call, so identity
 * would miss). A lookup of a known name allocates nothing ({@code String} caches its hash).
 *
 * <p>Bound: at most {@link #MAX_KEYS} names are kept (~100 bytes each plus the name); a name met
 * after that is encoded at each use, which allocates (a process that makes attribute names from
 * data is rare, and its names would otherwise grow the cache without end).
 */
final class AttributeKeys {

    /** The most key names kept. */
    static final int MAX_KEYS = 4096;

    private final ConcurrentHashMap<String, Utf8Constant> byName = new ConcurrentHashMap<>();

    /**
     * @param name a key name; not null
     * @return its encoded form
     */
    Utf8Constant of(String name) {
        Utf8Constant key = byName.get(name);
        if (key != null) {
            return key;
        }
        key = Utf8Constant.of(name);
        if (byName.size() < MAX_KEYS) { // racy bound: a few over it at worst
            Utf8Constant raced = byName.putIfAbsent(name, key);
            return raced != null ? raced : key;
        }
        return key;
    }

    /** @return the names kept now */
    int size() {
        return byName.size();
    }
}
