package io.ringtrace.opentelemetry.internal;

import io.ringtrace.codec.Utf8Constant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attribute keys, span-free event names and other OpenTelemetry strings pre-encoded once: the
 * bounded cache from a key's name to its {@link Utf8Constant}.
 *
 * <p>Instrumentation uses a small, fixed set of keys ({@code AttributeKey} constants, or string
 * literals), so after the first use of a key a lookup is one {@link ConcurrentHashMap#get} (the
 * string's hash is cached by {@code String}) and allocates nothing. Bound: {@value #MAX_KEYS}
 * distinct names; a name first seen once the cache is full is encoded at each use (one
 * {@code Utf8Constant}, about 40 B plus its UTF-8 bytes) and never cached, so keys built at run
 * time cannot grow memory without limit.
 *
 * <p>Shared by the API implementation and the SDK span processor; not API.
 */
public final class AttributeKeys {

    /** The most names the cache holds. */
    public static final int MAX_KEYS = 4096;

    /** Creates an empty cache. */
    public AttributeKeys() {}

    private final ConcurrentHashMap<String, Utf8Constant> byName = new ConcurrentHashMap<>(256);

    /**
     * @param name a key name, not null
     * @return its pre-encoded form
     */
    public Utf8Constant get(String name) {
        Utf8Constant key = byName.get(name);
        if (key != null) {
            return key;
        }
        if (byName.size() >= MAX_KEYS) {
            return Utf8Constant.of(name); // full: encoded per use, never cached
        }
        return byName.computeIfAbsent(name, Utf8Constant::of);
    }

    /** @return how many names are cached (at most {@link #MAX_KEYS}) */
    public int size() {
        return byName.size();
    }
}
