package io.ringtrace.exporter;

import io.grpc.Metadata;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Configures an {@link OtlpGrpcSpanExporter}. Every option has a default; {@link #fromEnvironment()}
 * reads the standard {@code OTEL_EXPORTER_OTLP_[TRACES_]*} variables. Options are applied in call
 * order, so call {@link #fromEnvironment()} first and override after it.
 *
 * <p>Header values (tokens) are never put into log messages or exception messages.
 */
public final class OtlpGrpcSpanExporterBuilder {

    /** The OTLP/gRPC default endpoint. */
    public static final String DEFAULT_ENDPOINT = "http://localhost:4317";
    /** The default per-attempt deadline, as {@code OTEL_EXPORTER_OTLP_TIMEOUT}'s default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The default number of {@code Export} calls in flight at once. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;
    /** The most calls in flight allowed. */
    public static final int MAX_IN_FLIGHT_LIMIT = 64;

    String endpoint = DEFAULT_ENDPOINT;
    boolean insecure;
    final Map<String, String> headers = new LinkedHashMap<>();
    Duration timeout = DEFAULT_TIMEOUT;
    boolean gzip;
    Path trustedCertificates;
    Path clientCertificate;
    Path clientKey;
    int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    RetryPolicy retryPolicy = RetryPolicy.defaults();
    String loadBalancingPolicy;
    int eventLoopThreads = 1;
    boolean waitForReady = true;

    OtlpGrpcSpanExporterBuilder() {}

    /**
     * The receiver. {@code http://host:port} is plain text, {@code https://host:port} is TLS (as the
     * OTLP exporter spec says). Anything else is used as a gRPC target as is, e.g.
     * {@code dns:///collectors.internal:4317} (several collectors, {@code round_robin} by default) or
     * {@code host:port}; those use TLS unless {@link #insecure(boolean)}. Default
     * {@value #DEFAULT_ENDPOINT}.
     *
     * @param endpoint the endpoint URL or gRPC target
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder endpoint(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("endpoint must not be empty");
        }
        Endpoint.parse(endpoint.trim(), false); // validate now, with a clear message
        this.endpoint = endpoint.trim();
        return this;
    }

    /**
     * For endpoints without an {@code http}/{@code https} scheme only: use plain text instead of TLS
     * ({@code OTEL_EXPORTER_OTLP_INSECURE}). Default false.
     *
     * @param insecure whether to disable TLS for scheme-less targets
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder insecure(boolean insecure) {
        this.insecure = insecure;
        return this;
    }

    /**
     * Adds a header sent with every request (e.g. an API key). Keys are lower-cased.
     *
     * @param key a gRPC metadata key (ASCII, not ending in {@code -bin}, not starting with {@code grpc-})
     * @param value printable ASCII; never logged
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder addHeader(String key, String value) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("header key must not be empty");
        }
        String normalized = key.trim().toLowerCase(Locale.ROOT);
        if (normalized.endsWith(Metadata.BINARY_HEADER_SUFFIX) || normalized.startsWith("grpc-")) {
            throw new IllegalArgumentException("header key '" + normalized + "' is reserved or binary");
        }
        try {
            Metadata.Key.of(normalized, Metadata.ASCII_STRING_MARSHALLER);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header key '" + normalized + "' is not a valid gRPC metadata key");
        }
        if (value == null) {
            throw new IllegalArgumentException("header '" + normalized + "' has no value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                // the value is a secret: say where the problem is, never what the value is
                throw new IllegalArgumentException(
                        "header '" + normalized + "' has a character not allowed in a gRPC metadata value at index " + i);
            }
        }
        headers.put(normalized, value);
        return this;
    }

    /**
     * Sets the per-attempt deadline ({@code OTEL_EXPORTER_OTLP_TIMEOUT}). Default 10 s.
     *
     * @param timeout &gt; 0
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * @param compression {@code gzip} or {@code none} (default)
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder compression(String compression) {
        String value = compression == null ? "" : compression.trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "gzip":
                gzip = true;
                break;
            case "none":
                gzip = false;
                break;
            default:
                throw new IllegalArgumentException("compression must be 'gzip' or 'none', got '" + compression + "'");
        }
        return this;
    }

    /**
     * Trusts the CA certificates in this PEM file instead of the JVM's default trust store
     * ({@code OTEL_EXPORTER_OTLP_CERTIFICATE}).
     *
     * @param caPem the PEM file
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder trustedCertificates(Path caPem) {
        this.trustedCertificates = caPem;
        return this;
    }

    /**
     * Presents this client certificate (mTLS; {@code OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE} and
     * {@code OTEL_EXPORTER_OTLP_CLIENT_KEY}).
     *
     * @param certificatePem the client certificate chain, PEM
     * @param privateKeyPem the client's private key, PEM (PKCS#8)
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder clientCertificate(Path certificatePem, Path privateKeyPem) {
        this.clientCertificate = certificatePem;
        this.clientKey = privateKeyPem;
        return this;
    }

    /**
     * At most this many {@code Export} calls in flight at once (default {@value #DEFAULT_MAX_IN_FLIGHT};
     * the OpenTelemetry SDK allows one). Requests beyond it wait in the exporter, in order.
     *
     * @param maxInFlight 1 to {@value #MAX_IN_FLIGHT_LIMIT}
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder maxInFlight(int maxInFlight) {
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT_LIMIT) {
            throw new IllegalArgumentException(
                    "maxInFlight must be in [1, " + MAX_IN_FLIGHT_LIMIT + "], got " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        return this;
    }

    /**
     * @param retryPolicy how retryable failures are retried (default {@link RetryPolicy#defaults()})
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder retryPolicy(RetryPolicy retryPolicy) {
        if (retryPolicy == null) {
            throw new IllegalArgumentException("retryPolicy must not be null");
        }
        this.retryPolicy = retryPolicy;
        return this;
    }

    /**
     * The gRPC load-balancing policy over the addresses the target resolves to. Default:
     * {@code round_robin} for {@code dns:} targets, {@code pick_first} otherwise.
     *
     * @param policy {@code pick_first} or {@code round_robin}
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder loadBalancingPolicy(String policy) {
        if (!"pick_first".equals(policy) && !"round_robin".equals(policy)) {
            throw new IllegalArgumentException("loadBalancingPolicy must be pick_first or round_robin, got " + policy);
        }
        this.loadBalancingPolicy = policy;
        return this;
    }

    /**
     * @param threads Netty event loop threads owned by the exporter (default 1, at most 16)
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder eventLoopThreads(int threads) {
        if (threads < 1 || threads > 16) {
            throw new IllegalArgumentException("eventLoopThreads must be in [1, 16], got " + threads);
        }
        this.eventLoopThreads = threads;
        return this;
    }

    /**
     * Whether an attempt made while the connection is down waits (up to its deadline) for the
     * connection instead of failing at once with {@code UNAVAILABLE}. Default true: a collector that
     * restarts then costs one waiting attempt instead of burning every retry while gRPC reconnects.
     *
     * @param waitForReady gRPC's wait-for-ready call option
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder waitForReady(boolean waitForReady) {
        this.waitForReady = waitForReady;
        return this;
    }

    /**
     * Applies the standard variables from the process environment; see {@link #fromEnvironment(Map)}.
     *
     * @return this builder
     */
    public OtlpGrpcSpanExporterBuilder fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Applies the standard OTLP exporter variables found in {@code environment}, the signal-specific
     * {@code OTEL_EXPORTER_OTLP_TRACES_X} taking precedence over {@code OTEL_EXPORTER_OTLP_X}:
     * {@code ENDPOINT} (used as is for gRPC), {@code HEADERS} ({@code k1=v1,k2=v2}, values
     * percent-decoded), {@code TIMEOUT} (milliseconds), {@code COMPRESSION} ({@code gzip}|{@code none}),
     * {@code CERTIFICATE}, {@code CLIENT_CERTIFICATE}, {@code CLIENT_KEY}, {@code INSECURE}
     * ({@code true}|{@code false}). {@code PROTOCOL}, if set, must be {@code grpc}. Unset or empty
     * variables leave the option as it is.
     *
     * @param environment variable names to values
     * @return this builder
     * @throws IllegalArgumentException if a variable has an invalid value (header values are not
     *     repeated in the message)
     */
    public OtlpGrpcSpanExporterBuilder fromEnvironment(Map<String, String> environment) {
        OtlpEnvironment.apply(this, environment);
        return this;
    }

    /**
     * Builds the exporter: creates its event loop, executor and channel (connections are made
     * lazily, so a receiver that is not up yet is fine).
     *
     * @return the exporter
     * @throws IllegalArgumentException if the configuration is inconsistent or a certificate file
     *     cannot be read
     */
    public OtlpGrpcSpanExporter build() {
        return new OtlpGrpcSpanExporter(this);
    }

    /** An endpoint split into a gRPC target and whether it uses TLS. */
    static final class Endpoint {
        final String target;
        final boolean tls;
        final boolean dnsScheme;

        private Endpoint(String target, boolean tls, boolean dnsScheme) {
            this.target = target;
            this.tls = tls;
            this.dnsScheme = dnsScheme;
        }

        static Endpoint parse(String endpoint, boolean insecure) {
            String lower = endpoint.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                URI uri;
                try {
                    uri = new URI(endpoint);
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException("endpoint is not a valid URL: " + endpoint, e);
                }
                if (uri.getHost() == null) {
                    throw new IllegalArgumentException("endpoint has no host: " + endpoint);
                }
                String path = uri.getRawPath();
                if (path != null && !path.isEmpty() && !"/".equals(path)) {
                    throw new IllegalArgumentException(
                            "an OTLP/gRPC endpoint has no path (the method is fixed), got " + endpoint);
                }
                if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    throw new IllegalArgumentException("endpoint must be scheme://host:port, got " + endpoint);
                }
                boolean tls = lower.startsWith("https://");
                int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
                String host = uri.getHost();
                return new Endpoint(host + ":" + port, tls, false);
            }
            return new Endpoint(endpoint, !insecure, lower.startsWith("dns:"));
        }
    }
}
