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
     * The exporter's variables: {@code OTEL_EXPORTER_OTLP_*} (endpoint, protocol, headers,
     * timeout, compression, certificates), general and for traces.
     *
     * @param config the autoconfiguration's properties
     * @return a variable's value by its name, or null
     */
    static Function<String, String> exporter(ConfigProperties config) {
        return variable -> {
            if (!variable.startsWith("OTEL_EXPORTER_OTLP_")) {
                return null;
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
