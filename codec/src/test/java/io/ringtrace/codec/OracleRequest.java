package io.ringtrace.codec;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test oracle for whole requests: a resource and scopes built both as ringtrace objects and as
 * official protobuf messages, and the expected {@link ExportTraceServiceRequest} for a sequence of
 * spans (grouped by scope in order of first appearance, spans in append order).
 */
final class OracleRequest {

    /** A ringtrace scope with its expected protobuf form. */
    static final class Scope {
        final InstrumentationScope scope;
        final io.opentelemetry.proto.common.v1.InstrumentationScope proto;
        final String schemaUrl;

        Scope(String name, String version, String schemaUrl, String attrKey, String attrValue) {
            InstrumentationScope.Builder b = InstrumentationScope.builder(name).version(version).schemaUrl(schemaUrl);
            io.opentelemetry.proto.common.v1.InstrumentationScope.Builder p =
                    io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder().setName(name).setVersion(version);
            if (attrKey != null) {
                b.attribute(attrKey, attrValue);
                p.addAttributes(KeyValue.newBuilder().setKey(attrKey).setValue(AnyValue.newBuilder().setStringValue(attrValue)));
            }
            this.scope = b.build();
            this.proto = p.build();
            this.schemaUrl = schemaUrl;
        }
    }

    final Resource resource;
    final io.opentelemetry.proto.resource.v1.Resource resourceProto;
    final String resourceSchemaUrl;
    private final Map<InstrumentationScope, Scope> scopes = new IdentityHashMap<>();
    private final Map<Scope, List<Span>> spansByScope = new LinkedHashMap<>();

    OracleRequest(String serviceName, long pid, String schemaUrl) {
        this.resource = Resource.builder().attribute("service.name", serviceName).attribute("process.pid", pid)
                .attribute("sampled.ratio", 0.25).attribute("debug", false).schemaUrl(schemaUrl).build();
        this.resourceProto = io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                .addAttributes(KeyValue.newBuilder().setKey("service.name").setValue(AnyValue.newBuilder().setStringValue(serviceName)))
                .addAttributes(KeyValue.newBuilder().setKey("process.pid").setValue(AnyValue.newBuilder().setIntValue(pid)))
                .addAttributes(KeyValue.newBuilder().setKey("sampled.ratio").setValue(AnyValue.newBuilder().setDoubleValue(0.25)))
                .addAttributes(KeyValue.newBuilder().setKey("debug").setValue(AnyValue.newBuilder().setBoolValue(false)))
                .build();
        this.resourceSchemaUrl = schemaUrl;
    }

    Scope register(Scope s) {
        scopes.put(s.scope, s);
        return s;
    }

    void clear() {
        spansByScope.clear();
    }

    /** Records that {@code span} was appended with {@code scope}. */
    void add(InstrumentationScope scope, Span span) {
        Scope s = scopes.get(scope);
        if (s == null) {
            throw new IllegalArgumentException("unregistered scope " + scope);
        }
        spansByScope.computeIfAbsent(s, k -> new ArrayList<>()).add(span);
    }

    ExportTraceServiceRequest build() {
        if (spansByScope.isEmpty()) {
            return ExportTraceServiceRequest.getDefaultInstance();
        }
        ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(resourceProto).setSchemaUrl(resourceSchemaUrl);
        for (Map.Entry<Scope, List<Span>> e : spansByScope.entrySet()) {
            rs.addScopeSpans(ScopeSpans.newBuilder().setScope(e.getKey().proto).setSchemaUrl(e.getKey().schemaUrl)
                    .addAllSpans(e.getValue()));
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build();
    }
}
