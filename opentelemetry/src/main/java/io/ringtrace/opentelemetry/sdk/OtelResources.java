package io.ringtrace.opentelemetry.sdk;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.ringtrace.codec.AttributesBuilder;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Resource;
import java.util.List;

/**
 * The OpenTelemetry SDK's resource and instrumentation scope as ringtrace's pre-encoded {@link
 * Resource} and {@link InstrumentationScope}: built once per resource or scope, at configuration
 * time or the first span of a scope, never per span.
 *
 * <p>Attribute types: strings, longs, doubles, booleans and their arrays map one to one; a {@code
 * VALUE} attribute is sent as its string form ({@link Value#asString()}), as ringtrace's resource
 * and scope encoders carry no nested values.
 */
final class OtelResources {

    private OtelResources() {}

    /**
     * @param resource the SDK's resource
     * @return the same attributes and schema URL, encoded
     */
    static Resource toRingtrace(io.opentelemetry.sdk.resources.Resource resource) {
        Resource.Builder builder = Resource.builder();
        copy(resource.getAttributes(), builder);
        if (resource.getSchemaUrl() != null) {
            builder.schemaUrl(resource.getSchemaUrl());
        }
        return builder.build();
    }

    /**
     * @param scope the SDK's instrumentation scope
     * @return the same name, version, schema URL and attributes, encoded
     */
    static InstrumentationScope toRingtrace(InstrumentationScopeInfo scope) {
        InstrumentationScope.Builder builder = InstrumentationScope.builder(scope.getName());
        if (scope.getVersion() != null) {
            builder.version(scope.getVersion());
        }
        if (scope.getSchemaUrl() != null) {
            builder.schemaUrl(scope.getSchemaUrl());
        }
        copy(scope.getAttributes(), builder);
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    static void copy(Attributes attributes, AttributesBuilder<?> sink) {
        attributes.forEach((AttributeKey<?> key, Object value) -> {
            String name = key.getKey();
            switch (key.getType()) {
                case STRING:
                    sink.attribute(name, (String) value);
                    break;
                case LONG:
                    sink.attribute(name, (long) (Long) value);
                    break;
                case DOUBLE:
                    sink.attribute(name, (double) (Double) value);
                    break;
                case BOOLEAN:
                    sink.attribute(name, (boolean) (Boolean) value);
                    break;
                case STRING_ARRAY:
                    sink.attribute(name, ((List<String>) value).toArray(new String[0]));
                    break;
                case LONG_ARRAY: {
                    List<Long> list = (List<Long>) value;
                    long[] a = new long[list.size()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = list.get(i);
                    }
                    sink.attribute(name, a);
                    break;
                }
                case DOUBLE_ARRAY: {
                    List<Double> list = (List<Double>) value;
                    double[] a = new double[list.size()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = list.get(i);
                    }
                    sink.attribute(name, a);
                    break;
                }
                case BOOLEAN_ARRAY: {
                    List<Boolean> list = (List<Boolean>) value;
                    boolean[] a = new boolean[list.size()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = list.get(i);
                    }
                    sink.attribute(name, a);
                    break;
                }
                default: // VALUE: nested values have no place in a pre-encoded resource or scope
                    sink.attribute(name, value instanceof Value ? ((Value<?>) value).asString() : String.valueOf(value));
                    break;
            }
        });
    }
}
