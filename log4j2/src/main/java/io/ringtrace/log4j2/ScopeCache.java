package io.ringtrace.log4j2;

import io.ringtrace.codec.InstrumentationScope;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The instrumentation scope of each logger name, built once: the encoder groups records by scope
 * identity, so every record of one logger must carry the same instance. A hit is a lookup in a
 * {@link ConcurrentHashMap} by the name's cached hash (no allocation); a miss builds the scope
 * (its name encoded once). Bound: {@code maxScopes} names; records of loggers past it share one
 * overflow scope named {@value #OVERFLOW_SCOPE_NAME} (counted in {@link #overflowed()}), so a
 * program that makes loggers by the thousand cannot grow memory without end. Thread-safe.
 */
final class ScopeCache {

    /** The scope of records whose logger came after the cache was full. */
    static final String OVERFLOW_SCOPE_NAME = "io.ringtrace.log4j2.other";

    private final ConcurrentHashMap<String, InstrumentationScope> scopes = new ConcurrentHashMap<>();
    private final InstrumentationScope overflow = InstrumentationScope.of(OVERFLOW_SCOPE_NAME);
    private final int maxScopes;
    private final AtomicLong overflowed = new AtomicLong();

    /** @param maxScopes logger names kept, at least 1 */
    ScopeCache(int maxScopes) {
        if (maxScopes < 1) {
            throw new IllegalArgumentException("maxScopes must be at least 1, was " + maxScopes);
        }
        this.maxScopes = maxScopes;
    }

    /**
     * @param loggerName the logger's name; null or empty (the root logger): the empty scope
     * @return its scope, the same instance for the same name
     */
    InstrumentationScope scopeOf(String loggerName) {
        if (loggerName == null || loggerName.isEmpty()) {
            return InstrumentationScope.empty();
        }
        InstrumentationScope scope = scopes.get(loggerName);
        if (scope != null) {
            return scope;
        }
        if (scopes.size() >= maxScopes) {
            overflowed.incrementAndGet();
            return overflow;
        }
        // two threads may race past the size check: the bound is exceeded by at most the number of racing threads
        return scopes.computeIfAbsent(loggerName, InstrumentationScope::of);
    }

    /** @return records given the overflow scope because the cache was full */
    long overflowed() {
        return overflowed.get();
    }

    /** @return logger names cached */
    int size() {
        return scopes.size();
    }
}
