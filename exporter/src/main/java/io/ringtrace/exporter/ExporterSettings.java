package io.ringtrace.exporter;

import java.time.Duration;
import java.util.Locale;

/**
 * The checks both OTLP exporter builders apply to the settings they share (headers, timeout,
 * compression), so that gRPC and HTTP accept and refuse the same values with the same messages.
 * What differs per transport (which header keys are legal) stays in each builder.
 */
final class ExporterSettings {

    private ExporterSettings() {}

    /**
     * @param key a header key as given
     * @return the key trimmed and lower-cased
     * @throws IllegalArgumentException if it is null or blank
     */
    static String headerKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("header key must not be empty");
        }
        return key.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * @param key the normalized header key, for the message
     * @param value the header value: printable ASCII
     * @param kind what the value is on the wire ("a gRPC metadata value", "an HTTP header value"), for the message
     * @return the value
     * @throws IllegalArgumentException if it is null or has another character; the message says where,
     *     never what the value is (it is often a secret)
     */
    static String headerValue(String key, String value, String kind) {
        if (value == null) {
            throw new IllegalArgumentException("header '" + key + "' has no value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(
                        "header '" + key + "' has a character not allowed in " + kind + " at index " + i);
            }
        }
        return value;
    }

    /**
     * @param timeout the per-attempt deadline
     * @return it, if &gt; 0 and at most {@link OtlpGrpcSpanExporterBuilder#MAX_TIMEOUT}
     * @throws IllegalArgumentException otherwise
     */
    static Duration timeout(Duration timeout) {
        Duration max = OtlpGrpcSpanExporterBuilder.MAX_TIMEOUT;
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(max) > 0) {
            throw new IllegalArgumentException("timeout must be > 0 and at most " + max + ", got " + timeout);
        }
        return timeout;
    }

    /**
     * @param compression {@code gzip} or {@code none}, any case
     * @return whether it is gzip
     * @throws IllegalArgumentException for anything else
     */
    static boolean gzip(String compression) {
        String value = compression == null ? "" : compression.trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "gzip":
                return true;
            case "none":
                return false;
            default:
                throw new IllegalArgumentException("compression must be 'gzip' or 'none', got '" + compression + "'");
        }
    }
}
