package io.ringtrace.exporter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the OpenTelemetry OTLP exporter variables ({@code specification/protocol/exporter.md}):
 * each option from {@code OTEL_EXPORTER_OTLP_TRACES_<X>} if set, else {@code OTEL_EXPORTER_OTLP_<X>}.
 */
final class OtlpEnvironment {

    private static final String GENERAL = "OTEL_EXPORTER_OTLP_";
    private static final String TRACES = "OTEL_EXPORTER_OTLP_TRACES_";

    private OtlpEnvironment() {}

    static void apply(OtlpGrpcSpanExporterBuilder builder, Map<String, String> env) {
        String protocol = value(env, "PROTOCOL");
        if (protocol != null && !"grpc".equals(protocol.trim())) {
            throw new IllegalArgumentException(name(env, "PROTOCOL") + "=" + protocol
                    + " is not supported: this exporter speaks OTLP/gRPC only (set it to grpc or unset it)");
        }
        String insecure = value(env, "INSECURE");
        if (insecure != null) {
            String normalized = insecure.trim().toLowerCase(Locale.ROOT);
            if (!"true".equals(normalized) && !"false".equals(normalized)) {
                throw new IllegalArgumentException(name(env, "INSECURE") + " must be true or false, got " + insecure);
            }
            builder.insecure("true".equals(normalized));
        }
        String endpoint = value(env, "ENDPOINT");
        if (endpoint != null) {
            builder.endpoint(endpoint, name(env, "ENDPOINT"));
        }
        String headers = value(env, "HEADERS");
        if (headers != null) {
            applyHeaders(builder, headers, name(env, "HEADERS"));
        }
        String timeout = value(env, "TIMEOUT");
        if (timeout != null) {
            long millis;
            try {
                millis = Long.parseLong(timeout.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        name(env, "TIMEOUT") + " must be a whole number of milliseconds, got " + timeout);
            }
            long maxMillis = OtlpGrpcSpanExporterBuilder.MAX_TIMEOUT.toMillis();
            if (millis <= 0 || millis > maxMillis) {
                throw new IllegalArgumentException(
                        name(env, "TIMEOUT") + " must be in [1, " + maxMillis + "] ms, got " + timeout);
            }
            builder.timeout(Duration.ofMillis(millis));
        }
        String compression = value(env, "COMPRESSION");
        if (compression != null) {
            builder.compression(compression);
        }
        String certificate = value(env, "CERTIFICATE");
        if (certificate != null) {
            builder.trustedCertificates(Path.of(certificate.trim()));
        }
        String clientCertificate = value(env, "CLIENT_CERTIFICATE");
        String clientKey = value(env, "CLIENT_KEY");
        if ((clientCertificate == null) != (clientKey == null)) {
            throw new IllegalArgumentException(
                    "mTLS needs both OTEL_EXPORTER_OTLP_[TRACES_]CLIENT_CERTIFICATE and _CLIENT_KEY, only one is set");
        }
        if (clientCertificate != null) {
            builder.clientCertificate(Path.of(clientCertificate.trim()), Path.of(clientKey.trim()));
        }
    }

    /** The signal-specific value if set and non-empty, else the general one, else null. */
    private static String value(Map<String, String> env, String option) {
        String specific = env.get(TRACES + option);
        if (specific != null && !specific.isBlank()) {
            return specific;
        }
        String general = env.get(GENERAL + option);
        return general != null && !general.isBlank() ? general : null;
    }

    private static String name(Map<String, String> env, String option) {
        String specific = env.get(TRACES + option);
        return specific != null && !specific.isBlank() ? TRACES + option : GENERAL + option;
    }

    /**
     * W3C-baggage-style list {@code key1=value1,key2=value2}; keys and values trimmed, values
     * percent-decoded ({@code +} stays a plus: this is not form encoding). Error messages name the
     * entry by position and key only, never by value.
     */
    static void applyHeaders(OtlpGrpcSpanExporterBuilder builder, String list, String variable) {
        String[] entries = list.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i];
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(variable + ": entry " + (i + 1) + " is not key=value");
            }
            String key = entry.substring(0, equals).trim();
            if (key.isEmpty()) {
                throw new IllegalArgumentException(variable + ": entry " + (i + 1) + " has an empty key");
            }
            String value;
            try {
                value = percentDecode(entry.substring(equals + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        variable + ": the value of header '" + key + "' has an invalid %-escape");
            }
            builder.addHeader(key, value);
        }
    }

    static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    throw new IllegalArgumentException("truncated %-escape");
                }
                int high = Character.digit(value.charAt(i + 1), 16);
                int low = Character.digit(value.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("bad %-escape");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                int codePoint = value.codePointAt(i);
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
