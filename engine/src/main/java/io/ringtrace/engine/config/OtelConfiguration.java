package io.ringtrace.engine.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one resolver of OpenTelemetry configuration every ringtrace builder reads (the engine's and the
 * exporters'): by the variable's name ({@code OTEL_EXPORTER_OTLP_ENDPOINT}), the system property
 * with the OpenTelemetry name ({@code otel.exporter.otlp.endpoint}) if set, else the environment
 * variable, as the OpenTelemetry SDK's autoconfiguration does. Also the one percent-decoder for the
 * values the specification percent-encodes ({@code OTEL_RESOURCE_ATTRIBUTES},
 * {@code OTEL_EXPORTER_OTLP_HEADERS}).
 */
public final class OtelConfiguration {

    private OtelConfiguration() {}

    /**
     * @return a resolver over this JVM's system properties and the process environment, read at each
     *     call (so a property set before a builder reads it counts)
     */
    public static Function<String, String> system() {
        return OtelConfiguration::systemValue;
    }

    /**
     * @param variables variable names to values (e.g. a test's environment)
     * @return a resolver over {@code variables} only
     */
    public static Function<String, String> of(Map<String, String> variables) {
        Objects.requireNonNull(variables, "variables");
        return variables::get;
    }

    /**
     * @param variable an {@code OTEL_*} name
     * @return the system property with its OpenTelemetry name, if set, else the environment variable, or null
     */
    public static String systemValue(String variable) {
        String property = System.getProperty(propertyName(variable));
        return property != null ? property : System.getenv(variable);
    }

    /**
     * @param variable an {@code OTEL_*} name, e.g. {@code OTEL_BSP_SCHEDULE_DELAY}
     * @return its system property name, e.g. {@code otel.bsp.schedule.delay}
     */
    public static String propertyName(String variable) {
        return variable.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /**
     * Decodes {@code %XX} escapes into UTF-8 bytes ({@code +} stays a plus: this is not form
     * encoding).
     *
     * @param value the encoded text
     * @return the decoded text
     * @throws IllegalArgumentException for a truncated or non-hex escape; the message gives the
     *     position only, never the value (it may be a secret)
     */
    public static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                int high = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
                int low = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("invalid %-escape at index " + i);
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                int end = value.indexOf('%', i);
                end = end < 0 ? value.length() : end;
                byte[] utf8 = value.substring(i, end).getBytes(StandardCharsets.UTF_8); // configuration time only
                bytes.write(utf8, 0, utf8.length);
                i = end - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
