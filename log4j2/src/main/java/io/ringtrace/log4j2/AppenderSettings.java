package io.ringtrace.log4j2;

import io.ringtrace.engine.config.OtelConfiguration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The OpenTelemetry settings the appender's pipeline reads, with the attributes given in {@code
 * log4j2.xml} winning over the standard variables: each attribute is put under the name of the
 * variable it stands for ({@code endpoint} is {@code OTEL_EXPORTER_OTLP_LOGS_ENDPOINT}), and a
 * variable without an attribute is read as every ringtrace builder reads it ({@link
 * OtelConfiguration#system()}: the {@code otel.*} system property, else the environment). So the
 * exporter and the engine take the same values, validated and reported the same way, whichever
 * place they came from.
 */
final class AppenderSettings {

    static final String LOGS_ENDPOINT = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT";
    static final String LOGS_PROTOCOL = "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL";
    static final String LOGS_HEADERS = "OTEL_EXPORTER_OTLP_LOGS_HEADERS";
    static final String SERVICE_NAME = "OTEL_SERVICE_NAME";

    private final Map<String, String> attributes = new HashMap<>();
    private final Function<String, String> fallback;

    /** @param fallback where variables without an attribute are read */
    AppenderSettings(Function<String, String> fallback) {
        this.fallback = fallback;
    }

    /** Sets {@code variable} to {@code value} unless the value is null or blank (the attribute was not given). */
    AppenderSettings put(String variable, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(variable, value.trim());
        }
        return this;
    }

    /** @return the resolver: attributes first, then the fallback */
    Function<String, String> resolver() {
        Map<String, String> given = Map.copyOf(attributes);
        return name -> {
            String value = given.get(name);
            return value != null ? value : fallback.apply(name);
        };
    }
}
