package io.ringtrace.metrics;

import java.time.Duration;
import java.util.function.Function;

/** Reads the provider's OpenTelemetry variables into a builder, naming the variable whose value is invalid. */
final class MetricsEnvironment {

    private MetricsEnvironment() {}

    static void apply(MeterProvider.Builder builder, Function<String, String> environment) {
        String interval = environment.apply(MeterProvider.EXPORT_INTERVAL_VARIABLE);
        if (interval != null) {
            builder.exportInterval(Duration.ofMillis(millis(MeterProvider.EXPORT_INTERVAL_VARIABLE, interval)));
        }
        String timeout = environment.apply(MeterProvider.EXPORT_TIMEOUT_VARIABLE);
        if (timeout != null) {
            builder.exportTimeout(Duration.ofMillis(millis(MeterProvider.EXPORT_TIMEOUT_VARIABLE, timeout)));
        }
        String preference = environment.apply(MeterProvider.TEMPORALITY_VARIABLE);
        if (preference != null) {
            try {
                builder.temporality(TemporalityPreference.parse(preference));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(MeterProvider.TEMPORALITY_VARIABLE + ": " + e.getMessage(), e);
            }
        }
    }

    private static long millis(String variable, String value) {
        try {
            long ms = Long.parseLong(value.trim());
            if (ms <= 0) {
                throw new NumberFormatException();
            }
            return ms;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a positive number of milliseconds, was '" + value + "'");
        }
    }
}
