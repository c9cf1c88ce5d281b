package io.ringtrace.exporter;

import io.ringtrace.engine.config.OtelConfiguration;
import io.ringtrace.engine.export.Signal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads the OpenTelemetry OTLP exporter variables ({@code specification/protocol/exporter.md}):
 * each option from the signal's {@code OTEL_EXPORTER_OTLP_<SIGNAL>_<X>} ({@code TRACES},
 * {@code METRICS}, {@code LOGS}) if set, else {@code OTEL_EXPORTER_OTLP_<X>}.
 */
final class OtlpEnvironment {

    private static final String GENERAL = "OTEL_EXPORTER_OTLP_";

    /** @return {@code OTEL_EXPORTER_OTLP_<SIGNAL>_}, the prefix of the signal's own variables */
    static String prefix(Signal signal) {
        return GENERAL + signal.name() + "_";
    }

    private OtlpEnvironment() {}

    /** The protocols an OTLP exporter may be asked for in {@code OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL}. */
    static final String GRPC = "grpc";
    static final String HTTP_PROTOBUF = "http/protobuf";
    /**
     * The protocol when neither variable is set: the OTLP specification's default, which the
     * OpenTelemetry Java agent also uses.
     */
    static final String DEFAULT_PROTOCOL = HTTP_PROTOBUF;
    /** The port OTLP/gRPC receivers listen on by convention: an OTLP/HTTP endpoint there is most likely a mistake. */
    static final int GRPC_PORT = 4317;

    /** What {@link #apply} sets: each exporter builder gives its own adapter. */
    interface Settings {
        /**
         * @param value the endpoint as the variable holds it
         * @param variable the variable's name, for error messages
         * @param signalSpecific whether it came from {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (used
         *     as is) rather than {@code OTEL_EXPORTER_OTLP_ENDPOINT} (a base the transport may extend)
         */
        void endpoint(String value, String variable, boolean signalSpecific);

        void insecure(boolean insecure);

        void addHeader(String key, String value);

        void timeout(Duration timeout);

        void compression(String compression);

        void trustedCertificates(Path caPem);

        void clientCertificate(Path certificatePem, Path keyPem);
    }

    /**
     * The protocol the environment asks for.
     *
     * @param env the variables
     * @return {@link #GRPC}, {@link #HTTP_PROTOBUF}, or null if unset
     * @throws IllegalArgumentException naming the variable for anything else ({@code http/json} included)
     */
    static String protocol(Function<String, String> env) {
        return protocol(env, Signal.TRACES);
    }

    /**
     * The protocol an exporter for {@code signal} uses: the one asked for, else {@link #DEFAULT_PROTOCOL}.
     *
     * @throws IllegalArgumentException as {@link #protocol(Function, Signal)}
     */
    static String effectiveProtocol(Function<String, String> env, Signal signal) {
        String asked = protocol(env, signal);
        return asked != null ? asked : DEFAULT_PROTOCOL;
    }

    /** As {@link #protocol(Function)}, the signal's own variable winning over the general one. */
    static String protocol(Function<String, String> env, Signal signal) {
        String protocol = value(env, "PROTOCOL", signal);
        if (protocol == null) {
            return null;
        }
        String normalized = protocol.trim().toLowerCase(Locale.ROOT);
        if (GRPC.equals(normalized) || HTTP_PROTOBUF.equals(normalized)) {
            return normalized;
        }
        if ("http/json".equals(normalized)) {
            throw new IllegalArgumentException(name(env, "PROTOCOL", signal) + "=" + protocol
                    + " is not supported: ringtrace sends protobuf; set it to http/protobuf or grpc");
        }
        throw new IllegalArgumentException(name(env, "PROTOCOL", signal) + "=" + protocol
                + " is not an OTLP protocol ringtrace speaks; set it to grpc or http/protobuf");
    }

    /**
     * Checks that the environment asks for {@code expected} (or for no protocol).
     *
     * @throws IllegalArgumentException naming the variable and the entry point that serves the
     *     protocol asked for
     */
    static void requireProtocol(Function<String, String> env, String expected, Signal signal) {
        String protocol = protocol(env, signal);
        if (protocol != null && !protocol.equals(expected)) {
            throw new IllegalArgumentException(name(env, "PROTOCOL", signal) + "=" + protocol + " asks for "
                    + (GRPC.equals(protocol) ? "OTLP/gRPC" : "OTLP/HTTP") + ", but this builder is the "
                    + (GRPC.equals(expected) ? "OTLP/gRPC" : "OTLP/HTTP")
                    + " exporter's; OtlpExporters.fromEnvironment() picks the exporter the variable names");
        }
    }

    /**
     * Applies {@code env} to {@code builder}: for each option the signal's own variable
     * ({@code OTEL_EXPORTER_OTLP_<SIGNAL>_X}) if set, else the general one.
     */
    static void apply(Settings builder, Function<String, String> env, Signal signal) {
        String insecure = value(env, "INSECURE", signal);
        if (insecure != null) {
            String normalized = insecure.trim().toLowerCase(Locale.ROOT);
            if (!"true".equals(normalized) && !"false".equals(normalized)) {
                throw new IllegalArgumentException(name(env, "INSECURE", signal) + " must be true or false, got " + insecure);
            }
            builder.insecure("true".equals(normalized));
        }
        String endpoint = value(env, "ENDPOINT", signal);
        if (endpoint != null) {
            builder.endpoint(endpoint, name(env, "ENDPOINT", signal), name(env, "ENDPOINT", signal).startsWith(prefix(signal)));
        }
        String headers = value(env, "HEADERS", signal);
        if (headers != null) {
            applyHeaders(builder, headers, name(env, "HEADERS", signal));
        }
        String timeout = value(env, "TIMEOUT", signal);
        if (timeout != null) {
            long millis;
            try {
                millis = Long.parseLong(timeout.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        name(env, "TIMEOUT", signal) + " must be a whole number of milliseconds, got " + timeout);
            }
            long maxMillis = OtlpGrpcSpanExporterBuilder.MAX_TIMEOUT.toMillis();
            if (millis <= 0 || millis > maxMillis) {
                throw new IllegalArgumentException(
                        name(env, "TIMEOUT", signal) + " must be in [1, " + maxMillis + "] ms, got " + timeout);
            }
            builder.timeout(Duration.ofMillis(millis));
        }
        String compression = value(env, "COMPRESSION", signal);
        if (compression != null) {
            builder.compression(compression);
        }
        String certificate = value(env, "CERTIFICATE", signal);
        if (certificate != null) {
            builder.trustedCertificates(Path.of(certificate.trim()));
        }
        String clientCertificate = value(env, "CLIENT_CERTIFICATE", signal);
        String clientKey = value(env, "CLIENT_KEY", signal);
        if ((clientCertificate == null) != (clientKey == null)) {
            throw new IllegalArgumentException(
                    "mTLS needs both OTEL_EXPORTER_OTLP_[" + signal.name() + "_]CLIENT_CERTIFICATE and _CLIENT_KEY, only one is set");
        }
        if (clientCertificate != null) {
            builder.clientCertificate(Path.of(clientCertificate.trim()), Path.of(clientKey.trim()));
        }
    }

    /** The signal-specific value if set and non-empty, else the general one, else null. */
    static String value(Function<String, String> env, String option, Signal signal) {
        String specific = env.apply(prefix(signal) + option);
        if (specific != null && !specific.isBlank()) {
            return specific;
        }
        String general = env.apply(GENERAL + option);
        return general != null && !general.isBlank() ? general : null;
    }

    static String name(Function<String, String> env, String option, Signal signal) {
        String specific = env.apply(prefix(signal) + option);
        return specific != null && !specific.isBlank() ? prefix(signal) + option : GENERAL + option;
    }

    /**
     * W3C-baggage-style list {@code key1=value1,key2=value2}; keys and values trimmed, values
     * percent-decoded ({@code +} stays a plus: this is not form encoding). Error messages name the
     * entry by position and key only, never by value.
     */
    static void applyHeaders(Settings builder, String list, String variable) {
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
        return OtelConfiguration.percentDecode(value);
    }
}
