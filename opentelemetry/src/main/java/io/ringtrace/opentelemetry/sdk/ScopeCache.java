package io.ringtrace.opentelemetry.sdk;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.ringtrace.codec.InstrumentationScope;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each OpenTelemetry instrumentation scope encoded once: the SDK's {@link InstrumentationScopeInfo}
 * (one instance per tracer, compared by value) to ringtrace's pre-encoded {@link
 * InstrumentationScope}. Equal scopes share one encoded instance, which is what the request encoder
 * groups spans by.
 *
 * <p>Bound: at most {@link #MAX_SCOPES} scopes are kept (each holds its encoded name, version and
 * attributes: a few hundred bytes); a scope met after that is encoded for each span of it (which
 * allocates; logged once), as a process with more tracers than that makes them from data.
 */
final class ScopeCache {

    /** The most scopes kept. */
    static final int MAX_SCOPES = 1024;

    private static final System.Logger LOG = System.getLogger(ScopeCache.class.getName());

    private final ConcurrentHashMap<InstrumentationScopeInfo, InstrumentationScope> scopes = new ConcurrentHashMap<>();
    private volatile boolean overflowLogged;

    /**
     * @param info the SDK's scope
     * @return its encoded form
     */
    InstrumentationScope of(InstrumentationScopeInfo info) {
        InstrumentationScope scope = scopes.get(info);
        if (scope != null) {
            return scope;
        }
        scope = OtelResources.toRingtrace(info);
        if (scopes.size() < MAX_SCOPES) { // racy bound: a few over it at worst
            InstrumentationScope raced = scopes.putIfAbsent(info, scope);
            return raced != null ? raced : scope;
        }
        if (!overflowLogged) {
            overflowLogged = true;
            LOG.log(Level.WARNING, "ringtrace: more than " + MAX_SCOPES + " instrumentation scopes; spans of the"
                    + " others are exported, their scope encoded for each span");
        }
        return scope;
    }

    /** @return the scopes kept now */
    int size() {
        return scopes.size();
    }
}
