package io.ringtrace.exporter;

import io.ringtrace.engine.config.OtelConfiguration;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the span exporter the OTLP configuration asks for (an {@code otel.*} system property
 * winning over its {@code OTEL_*} variable, through {@link OtelConfiguration}): {@code OTEL_EXPORTER_OTLP_TRACES_PROTOCOL}
 * (else {@code OTEL_EXPORTER_OTLP_PROTOCOL}) {@code http/protobuf} gives an {@link OtlpHttpSpanExporter},
 * {@code grpc} an {@link OtlpGrpcSpanExporter}, each configured by the other
 * {@code OTEL_EXPORTER_OTLP_[TRACES_]*} variables. Unset, it is {@code http/protobuf}, the OTLP
 * specification's default and the OpenTelemetry Java agent's: with no variable at all the exporter
 * sends to {@code http://localhost:4318/v1/traces} ({@code /v1/metrics}, {@code /v1/logs} for the
 * other signals). {@code grpc} sends to {@code http://localhost:4317} unless an endpoint is set, and
 * is the one for a {@code dns:///} target balanced with {@code round_robin}. An endpoint on port
 * 4317 without a protocol variable still gets OTLP/HTTP, with a warning that names the variable to
 * set. {@code http/json} is refused with a message naming the variable.
 */
public final class OtlpExporters {

    private static final System.Logger LOG = System.getLogger(OtlpHttpSpanExporter.class.getName());

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
        String asked = OtlpEnvironment.protocol(environment, signal);
        if (OtlpEnvironment.GRPC.equals(asked)) {
            return OtlpGrpcSpanExporter.builder().fromEnvironment(environment, signal).build();
        }
        OtlpHttpSpanExporter http = OtlpHttpSpanExporter.builder().fromEnvironment(environment, signal).build();
        if (asked == null && http.endpoint(signal).getPort() == OtlpEnvironment.GRPC_PORT) {
            // An environment written for a gRPC default; it still works once the protocol is named.
            // Only the variable's name and the port go into the message, never the URL.
            LOG.log(System.Logger.Level.WARNING, OtlpEnvironment.name(environment, "ENDPOINT", signal)
                    + " points at port " + OtlpEnvironment.GRPC_PORT + ", the OTLP/gRPC port, but no "
                    + OtlpEnvironment.prefix(signal) + "PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL is set, so "
                    + OtlpEnvironment.DEFAULT_PROTOCOL + " (the default) is sent there; set OTEL_EXPORTER_OTLP_PROTOCOL=grpc "
                    + "for OTLP/gRPC, or point the endpoint at the receiver's OTLP/HTTP port (4318)");
        }
        return http;
    }

    /**
     * @param environment variable names to values
     * @return whether {@link #fromEnvironment(Map)} builds an OTLP/HTTP exporter for {@code environment}:
     *     true unless the traces protocol variable says {@code grpc}
     * @throws IllegalArgumentException if the protocol variable holds anything but {@code grpc} or
     *     {@code http/protobuf}
     */
    public static boolean isHttp(Map<String, String> environment) {
        return OtlpEnvironment.HTTP_PROTOBUF.equals(
                OtlpEnvironment.effectiveProtocol(OtelConfiguration.of(environment), Signal.TRACES));
    }
}
