package io.ringtrace.opentelemetry;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.TracerProvider;
import io.ringtrace.codec.InstrumentationScope;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenTelemetry {@link TracerProvider} on the ring: one {@link RingtraceTracer} per instrumentation
 * scope (name, version, schema URL), each over the engine tracer of that scope, whose scope the
 * engine encodes once.
 *
 * <p>Bound: {@value #MAX_SCOPES} scopes are kept; a scope first asked for after that gets a new,
 * uncached tracer each time (correct, only not reused), so scope names made at run time cannot grow
 * memory without limit.
 */
final class RingtraceTracerProvider implements TracerProvider {

    /** The most tracers (scopes) kept. */
    static final int MAX_SCOPES = 1024;

    private final RingtraceOpenTelemetry otel;
    private final ConcurrentHashMap<ScopeKey, RingtraceTracer> tracers = new ConcurrentHashMap<>();

    RingtraceTracerProvider(RingtraceOpenTelemetry otel) {
        this.otel = otel;
    }

    @Override
    public Tracer get(String instrumentationScopeName) {
        return tracer(instrumentationScopeName, null, null);
    }

    @Override
    public Tracer get(String instrumentationScopeName, String instrumentationScopeVersion) {
        return tracer(instrumentationScopeName, instrumentationScopeVersion, null);
    }

    @Override
    public TracerBuilder tracerBuilder(String instrumentationScopeName) {
        return new Builder(instrumentationScopeName);
    }

    RingtraceTracer tracer(String name, String version, String schemaUrl) {
        // as the SDK: a null or empty name is allowed (and logged there); it becomes the empty scope name
        ScopeKey key = new ScopeKey(name == null ? "" : name, version, schemaUrl);
        RingtraceTracer tracer = tracers.get(key);
        if (tracer != null) {
            return tracer;
        }
        if (tracers.size() >= MAX_SCOPES) {
            return newTracer(key);
        }
        return tracers.computeIfAbsent(key, this::newTracer);
    }

    private RingtraceTracer newTracer(ScopeKey key) {
        InstrumentationScope.Builder scope = InstrumentationScope.builder(key.name);
        if (key.version != null) {
            scope.version(key.version);
        }
        if (key.schemaUrl != null) {
            scope.schemaUrl(key.schemaUrl);
        }
        return new RingtraceTracer(otel, otel.engine.tracer(scope.build()));
    }

    private static final class ScopeKey {
        final String name;
        final String version;
        final String schemaUrl;

        ScopeKey(String name, String version, String schemaUrl) {
            this.name = name;
            this.version = version;
            this.schemaUrl = schemaUrl;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof ScopeKey)) {
                return false;
            }
            ScopeKey other = (ScopeKey) o;
            return name.equals(other.name) && Objects.equals(version, other.version)
                    && Objects.equals(schemaUrl, other.schemaUrl);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, version, schemaUrl);
        }
    }

    /** The API's tracer builder: the scope's version and schema URL, then the cached tracer. */
    private final class Builder implements TracerBuilder {
        private final String name;
        private String version;
        private String schemaUrl;

        Builder(String name) {
            this.name = name;
        }

        @Override
        public TracerBuilder setSchemaUrl(String schemaUrl) {
            this.schemaUrl = schemaUrl;
            return this;
        }

        @Override
        public TracerBuilder setInstrumentationVersion(String version) {
            this.version = version;
            return this;
        }

        @Override
        public Tracer build() {
            return tracer(name, version, schemaUrl);
        }
    }
}
