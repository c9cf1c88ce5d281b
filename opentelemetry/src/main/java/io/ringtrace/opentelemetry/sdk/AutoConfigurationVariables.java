package io.ringtrace.opentelemetry.sdk;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.ringtrace.engine.config.OtelConfiguration;
import java.time.Duration;
import java.util.function.Function;

/**
 * The OpenTelemetry autoconfiguration's properties as the {@code OTEL_*} variables ringtrace's
 * builders read ({@code TraceEngineBuilder.fromEnvironment(Function)}, {@code
 * OtlpExporters.fromEnvironment(Function, Signal)}), so the engine and its exporter see what the
 * SDK would have used: system properties, environment, and whatever the agent or another
 * customizer supplied (its defaults, a configuration file). Durations are read in the SDK's syntax
 * ({@code 5000}, {@code 5s}) and handed on in milliseconds.
 */
final class AutoConfigurationVariables {

    private AutoConfigurationVariables() {}

    /**
     * The engine's variables: only the batch settings ({@code OTEL_BSP_*}). The SDK owns the
     * resource, the sampler and {@code OTEL_SDK_DISABLED}: it samples before the processor sees a
     * span, and its resource becomes the engine's.
     *
     * @param config the autoconfiguration's properties
     * @return a variable's value by its name, or null
     */
    static Function<String, String> engine(ConfigProperties config) {
        return variable -> {
            switch (variable) {
                case "OTEL_BSP_SCHEDULE_DELAY":
                    return millis(config, variable);
                case "OTEL_BSP_MAX_QUEUE_SIZE":
                case "OTEL_BSP_MAX_EXPORT_BATCH_SIZE":
                    return config.getString(OtelConfiguration.propertyName(variable));
                default:
                    return null;
            }
        };
    }

    /**
     * The protocol the SDK's own OTLP exporters use when the autoconfiguration's properties name none
     * ({@code OtlpConfigUtil}: {@code grpc} for system properties and variables; the Java agent
     * supplies {@code http/protobuf} as a default property). ringtrace stands in for those exporters,
     * so it sends the way they would have, not by ringtrace's own default ({@code http/protobuf}).
     */
    static final String SDK_DEFAULT_PROTOCOL = "grpc";

    /**
     * The exporter's variables: {@code OTEL_EXPORTER_OTLP_*} (endpoint, protocol, headers,
     * timeout, compression, certificates), general and for traces. The general protocol is the
     * SDK's default ({@link #SDK_DEFAULT_PROTOCOL}) when no property sets it.
     *
     * @param config the autoconfiguration's properties
     * @return a variable's value by its name, or null
     */
    static Function<String, String> exporter(ConfigProperties config) {
        return variable -> {
            if (!variable.startsWith("OTEL_EXPORTER_OTLP_")) {
                return null;
            }
            if (variable.equals("OTEL_EXPORTER_OTLP_PROTOCOL")) {
                String protocol = config.getString(OtelConfiguration.propertyName(variable));
                return protocol == null || protocol.isBlank() ? SDK_DEFAULT_PROTOCOL : protocol;
            }
            return variable.endsWith("_TIMEOUT") ? millis(config, variable)
                    : config.getString(OtelConfiguration.propertyName(variable));
        };
    }

    private static String millis(ConfigProperties config, String variable) {
        Duration duration = config.getDuration(OtelConfiguration.propertyName(variable));
        return duration == null ? null : Long.toString(duration.toMillis());
    }
}
