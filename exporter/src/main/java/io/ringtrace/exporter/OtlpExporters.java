package io.ringtrace.exporter;

import io.ringtrace.engine.config.OtelConfiguration;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the span exporter the OTLP configuration asks for (an {@code otel.*} system property
 * winning over its {@code OTEL_*} variable, through {@link OtelConfiguration}): {@code OTEL_EXPORTER_OTLP_TRACES_PROTOCOL}
 * (else {@code OTEL_EXPORTER_OTLP_PROTOCOL}) {@code grpc} gives an {@link OtlpGrpcSpanExporter},
 * {@code http/protobuf} an {@link OtlpHttpSpanExporter}, each configured by the other
 * {@code OTEL_EXPORTER_OTLP_[TRACES_]*} variables. Unset, it is gRPC: ringtrace's default transport
 * (the OTLP specification's default is {@code http/protobuf}; an agent-style environment sets the
 * variable and gets HTTP). {@code http/json} is refused with a message naming the variable.
 */
public final class OtlpExporters {

    private OtlpExporters() {}

    /**
     * @return the exporter the process environment asks for
     * @throws IllegalArgumentException if a variable has an invalid value (naming it)
     */
    public static SpanExporter fromEnvironment() {
        return fromEnvironment(OtelConfiguration.system(), Signal.TRACES);
    }

    /**
     * @param environment variable names to values
     * @return the exporter {@code environment} asks for
     * @throws IllegalArgumentException if a variable has an invalid value (naming it)
     */
    public static SpanExporter fromEnvironment(Map<String, String> environment) {
        return fromEnvironment(environment, Signal.TRACES);
    }

    /**
     * The exporter for {@code signal}: its own variables ({@code OTEL_EXPORTER_OTLP_<SIGNAL>_X}) win
     * over the general ones, its protocol included.
     *
     * @param environment variable names to values
     * @param signal whose variables apply
     * @return the exporter {@code environment} asks for
     * @throws IllegalArgumentException if a variable has an invalid value (naming it)
     */
    public static SpanExporter fromEnvironment(Map<String, String> environment, Signal signal) {
        return fromEnvironment(OtelConfiguration.of(environment), signal);
    }

    /**
     * The exporter for {@code signal}, with the variables read from {@code environment}: for
     * configuration kept elsewhere (the OpenTelemetry SDK's autoconfiguration properties, say).
     *
     * @param environment returns a variable's value by its name ({@code OTEL_...}), or null
     * @param signal whose variables apply
     * @return the exporter {@code environment} asks for
     * @throws IllegalArgumentException if a variable has an invalid value (naming it)
     */
    public static SpanExporter fromEnvironment(Function<String, String> environment, Signal signal) {
        return OtlpEnvironment.HTTP_PROTOBUF.equals(OtlpEnvironment.protocol(environment, signal))
                ? OtlpHttpSpanExporter.builder().fromEnvironment(environment, signal).build()
                : OtlpGrpcSpanExporter.builder().fromEnvironment(environment, signal).build();
    }

    /**
     * @param environment variable names to values
     * @return whether {@code environment} asks for OTLP/HTTP ({@code http/protobuf})
     * @throws IllegalArgumentException if the protocol variable holds anything but {@code grpc} or
     *     {@code http/protobuf}
     */
    public static boolean isHttp(Map<String, String> environment) {
        return OtlpEnvironment.HTTP_PROTOBUF.equals(OtlpEnvironment.protocol(OtelConfiguration.of(environment)));
    }
}
