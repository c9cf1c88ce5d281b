package io.ringtrace.exporter;

import io.ringtrace.engine.config.OtelConfiguration;
import io.ringtrace.engine.export.Signal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Configures an {@link OtlpHttpSpanExporter}. Every option has a default; {@link #fromEnvironment()}
 * reads the standard {@code OTEL_EXPORTER_OTLP_[TRACES_]*} variables. Options are applied in call
 * order, so call {@link #fromEnvironment()} first and override after it.
 *
 * <p>Header values (tokens) and an endpoint's user-info are never put into log messages or exception
 * messages. An invalid value is an {@link IllegalArgumentException} naming the builder method or the
 * variable it came from.
 */
public final class OtlpHttpSpanExporterBuilder {

    /** The OTLP/HTTP default traces URL. */
    public static final String DEFAULT_ENDPOINT = "http://localhost:4318/v1/traces";
    /** The receiver the default URLs point at. */
    static final String DEFAULT_BASE = "http://localhost:4318";

    /** Each signal's URL when set as is (the method or its own variable), by {@link Signal#ordinal()}. */
    final URI[] signalUrls = new URI[Signal.values().length];
    /** {@code OTEL_EXPORTER_OTLP_ENDPOINT}: the base every other signal's path is appended to, or null. */
    String base;
    String endpointSetting = "endpoint";
    final Map<String, String> headers = new LinkedHashMap<>();
    Duration timeout = OtlpGrpcSpanExporterBuilder.DEFAULT_TIMEOUT;
    boolean gzip;
    Path trustedCertificates;
    Path clientCertificate;
    Path clientKey;
    int maxInFlight = OtlpGrpcSpanExporterBuilder.DEFAULT_MAX_IN_FLIGHT;
    RetryPolicy retryPolicy = RetryPolicy.defaults();

    OtlpHttpSpanExporterBuilder() {}

    /**
     * The full URL requests are POSTed to, used as is (as {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}):
     * {@code http://} is plain text, {@code https://} is TLS. No user-info: credentials go in headers.
     * Default {@value #DEFAULT_ENDPOINT}.
     *
     * @param url the URL, e.g. {@code https://collector:4318/v1/traces}
     * @return this builder
     * @throws IllegalArgumentException if it is not an http or https URL with a host
     */
    public OtlpHttpSpanExporterBuilder endpoint(String url) {
        return endpoint(url, "endpoint");
    }

    OtlpHttpSpanExporterBuilder endpoint(String url, String setting) {
        return endpoint(Signal.TRACES, url, setting);
    }

    /**
     * The full URL requests of {@code signal} are POSTed to, used as is
     * ({@code OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT}). A signal without one goes to
     * {@code OTEL_EXPORTER_OTLP_ENDPOINT} + {@code v1/<signal>} if that is set, else to the traces URL
     * with its {@code /v1/traces} ending replaced, else to {@code http://localhost:4318/v1/<signal>}.
     *
     * @param signal the signal
     * @param url the URL
     * @return this builder
     * @throws IllegalArgumentException if it is not an http or https URL with a host
     */
    public OtlpHttpSpanExporterBuilder endpoint(Signal signal, String url) {
        return endpoint(signal, url, "endpoint");
    }

    private OtlpHttpSpanExporterBuilder endpoint(Signal signal, String url, String setting) {
        signalUrls[signal.ordinal()] = parse(url, setting);
        if (signal == Signal.TRACES) {
            this.endpointSetting = setting;
        }
        return this;
    }

    /** @return the path the spec appends to {@code OTEL_EXPORTER_OTLP_ENDPOINT} for {@code signal} */
    static String pathOf(Signal signal) {
        return "v1/" + signal.name().toLowerCase(Locale.ROOT);
    }

    /** @return the URL requests of {@code signal} go to, by the rule of {@link #endpoint(Signal, String)} */
    URI resolve(Signal signal) {
        URI explicit = signalUrls[signal.ordinal()];
        if (explicit != null) {
            return explicit;
        }
        if (base != null) {
            return URI.create(signalUrl(base, pathOf(signal)));
        }
        URI traces = signalUrls[Signal.TRACES.ordinal()];
        if (traces != null) {
            String text = traces.toString();
            if (text.endsWith("/v1/traces")) {
                return URI.create(text.substring(0, text.length() - "v1/traces".length()) + pathOf(signal));
            }
        }
        return URI.create(signalUrl(DEFAULT_BASE, pathOf(signal)));
    }

    /**
     * The spec's rule for {@code OTEL_EXPORTER_OTLP_ENDPOINT} over HTTP: the signal's path is
     * appended to the base URL (with a {@code /} between them when the base has none at its end).
     *
     * @param base the base URL, e.g. {@code http://collector:4318} or {@code http://gw/otlp/}
     * @param path the signal's path, e.g. {@code v1/traces}
     * @return the URL to POST to
     */
    static String signalUrl(String base, String path) {
        String trimmed = base.trim();
        return trimmed.endsWith("/") ? trimmed + path : trimmed + "/" + path;
    }

    static URI parse(String url, String setting) {
        String accepted = "use http://host:port/path (plain text) or https://host:port/path (TLS)";
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(setting + " must not be empty; " + accepted);
        }
        String trimmed = url.trim();
        String shown = OtlpGrpcSpanExporterBuilder.Endpoint.shown(trimmed);
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(setting + " '" + shown + "' is not a valid URL; " + accepted);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException(setting + " '" + shown + "' is not an http or https URL; " + accepted);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(setting + " '" + shown
                    + "' has user-info; credentials go in headers (addHeader, OTEL_EXPORTER_OTLP_HEADERS), never in the endpoint");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(setting + " '" + shown + "' has no host; " + accepted);
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException(setting + " '" + shown + "' has a fragment; " + accepted);
        }
        return uri;
    }

    /**
     * Adds a header sent with every request (e.g. an API key). Keys are lower-cased.
     *
     * @param key an HTTP header name (a token; not one the exporter sets itself)
     * @param value printable ASCII; never logged
     * @return this builder
     */
    public OtlpHttpSpanExporterBuilder addHeader(String key, String value) {
        String normalized = ExporterSettings.headerKey(key);
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new IllegalArgumentException("header key '" + normalized + "' is not a valid HTTP header name");
            }
        }
        switch (normalized) {
            case "content-type":
            case "content-encoding":
            case "content-length":
            case "user-agent":
            case "host":
            case "connection":
            case "expect":
            case "upgrade":
                throw new IllegalArgumentException("header key '" + normalized + "' is set by the exporter");
            default:
                break;
        }
        headers.put(normalized, ExporterSettings.headerValue(normalized, value, "an HTTP header value"));
        return this;
    }

    /**
     * Sets the per-attempt deadline, from sending to the whole reply ({@code OTEL_EXPORTER_OTLP_TIMEOUT}).
     * Default 10 s.
     *
     * @param timeout &gt; 0 and at most {@link OtlpGrpcSpanExporterBuilder#MAX_TIMEOUT} (1 h)
     * @return this builder
     */
    public OtlpHttpSpanExporterBuilder timeout(Duration timeout) {
        this.timeout = ExporterSettings.timeout(timeout);
        return this;
    }

    /**
     * @param compression {@code gzip} or {@code none} (default)
     * @return this builder
     */
    public OtlpHttpSpanExporterBuilder compression(String compression) {
        gzip = ExporterSettings.gzip(compression);
        return this;
    }

    /**
     * Trusts the CA certificates in this PEM file instead of the JVM's default trust store
     * ({@code OTEL_EXPORTER_OTLP_CERTIFICATE}).
     *
     * @param caPem the PEM file
     * @return this builder
     */
    public OtlpHttpSpanExporterBuilder trustedCertificates(Path caPem) {
        this.trustedCertificates = caPem;
        return this;
    }

    /**
     * Presents this client certificate (mTLS; {@code OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE} and
     * {@code OTEL_EXPORTER_OTLP_CLIENT_KEY}).
     *
     * @param certificatePem the client certificate chain, PEM
     * @param privateKeyPem the client's private key, PEM (PKCS#8, EC or RSA)
     * @return this builder
     */
    public OtlpHttpSpanExporterBuilder clientCertificate(Path certificatePem, Path privateKeyPem) {
        this.clientCertificate = certificatePem;
        this.clientKey = privateKeyPem;
        return this;
    }

    /**
     * At most this many requests in flight at once (default
     * {@value OtlpGrpcSpanExporterBuilder#DEFAULT_MAX_IN_FLIGHT}); each uses its own HTTP/1.1
     * connection. Requests beyond it wait in the exporter, in order.
     *
     * @param maxInFlight 1 to {@value OtlpGrpcSpanExporterBuilder#MAX_IN_FLIGHT_LIMIT}
     * @return this builder
     */
    public OtlpHttpSpanExporterBuilder maxInFlight(int maxInFlight) {
        if (maxInFlight < 1 || maxInFlight > OtlpGrpcSpanExporterBuilder.MAX_IN_FLIGHT_LIMIT) {
            throw new IllegalArgumentException("maxInFlight must be in [1, "
                    + OtlpGrpcSpanExporterBuilder.MAX_IN_FLIGHT_LIMIT + "], got " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        return this;
    }

    /**
     * @param retryPolicy how retryable failures are retried (default {@link RetryPolicy#defaults()})
     * @return this builder
     */
    public OtlpHttpSpanExporterBuilder retryPolicy(RetryPolicy retryPolicy) {
        if (retryPolicy == null) {
            throw new IllegalArgumentException("retryPolicy must not be null");
        }
        this.retryPolicy = retryPolicy;
        return this;
    }

    /**
     * Applies the standard settings from {@code otel.*} system properties and the process environment
     * (a property wins over its variable, as in the OpenTelemetry SDK); see {@link #fromEnvironment(Map)}.
     *
     * @return this builder
     */
    public OtlpHttpSpanExporterBuilder fromEnvironment() {
        return fromEnvironment(OtelConfiguration.system(), Signal.TRACES);
    }

    /**
     * Applies the standard OTLP exporter variables found in {@code environment}, the signal-specific
     * {@code OTEL_EXPORTER_OTLP_TRACES_X} taking precedence over {@code OTEL_EXPORTER_OTLP_X}:
     * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} is used as is, {@code OTEL_EXPORTER_OTLP_ENDPOINT}
     * gets {@code v1/traces} appended; {@code HEADERS}, {@code TIMEOUT}, {@code COMPRESSION},
     * {@code CERTIFICATE}, {@code CLIENT_CERTIFICATE}, {@code CLIENT_KEY} as for gRPC;
     * {@code INSECURE} has no meaning for URLs and is ignored. {@code PROTOCOL}, if set, must be
     * {@code http/protobuf}.
     *
     * @param environment variable names to values
     * @return this builder
     * @throws IllegalArgumentException if a variable has an invalid value (header values are not
     *     repeated in the message)
     */
    public OtlpHttpSpanExporterBuilder fromEnvironment(Map<String, String> environment) {
        return fromEnvironment(environment, Signal.TRACES);
    }

    /**
     * As {@link #fromEnvironment(Map)}, with {@code signal}'s own variables
     * ({@code OTEL_EXPORTER_OTLP_METRICS_X}, {@code OTEL_EXPORTER_OTLP_LOGS_X}) winning over the
     * general ones for the options shared by all signals (headers, timeout, compression,
     * certificates). Each signal's URL comes from its own {@code ..._<SIGNAL>_ENDPOINT} (as is) or
     * from {@code OTEL_EXPORTER_OTLP_ENDPOINT} + {@code v1/<signal>}, whatever {@code signal} is.
     *
     * @param environment variable names to values
     * @param signal whose variables apply to the shared options
     * @return this builder
     * @throws IllegalArgumentException if a variable has an invalid value
     */
    public OtlpHttpSpanExporterBuilder fromEnvironment(Map<String, String> environment, Signal signal) {
        return fromEnvironment(OtelConfiguration.of(environment), signal);
    }

    /** As {@link #fromEnvironment(Map, Signal)}, reading through a resolver ({@link OtelConfiguration}). */
    OtlpHttpSpanExporterBuilder fromEnvironment(Function<String, String> environment, Signal signal) {
        OtlpEnvironment.requireProtocol(environment, OtlpEnvironment.HTTP_PROTOBUF, signal);
        String general = environment.apply("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (general != null && !general.isBlank()) {
            parse(signalUrl(general, pathOf(Signal.TRACES)), "OTEL_EXPORTER_OTLP_ENDPOINT"); // validate, naming it
            base = general.trim();
            endpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
            java.util.Arrays.fill(signalUrls, null); // the environment overrides what was set before it

        }
        for (Signal each : Signal.values()) {
            String variable = OtlpEnvironment.prefix(each) + "ENDPOINT";
            String value = environment.apply(variable);
            if (value != null && !value.isBlank()) {
                endpoint(each, value, variable);
            }
        }
        OtlpEnvironment.apply(new OtlpEnvironment.Settings() {
            @Override
            public void endpoint(String value, String variable, boolean signalSpecific) {
                // every signal's URL was read above
            }

            @Override
            public void insecure(boolean insecure) {
                // a URL's scheme says whether it is TLS
            }

            @Override
            public void addHeader(String key, String value) {
                OtlpHttpSpanExporterBuilder.this.addHeader(key, value);
            }

            @Override
            public void timeout(Duration timeout) {
                OtlpHttpSpanExporterBuilder.this.timeout(timeout);
            }

            @Override
            public void compression(String compression) {
                OtlpHttpSpanExporterBuilder.this.compression(compression);
            }

            @Override
            public void trustedCertificates(Path caPem) {
                OtlpHttpSpanExporterBuilder.this.trustedCertificates(caPem);
            }

            @Override
            public void clientCertificate(Path certificatePem, Path keyPem) {
                OtlpHttpSpanExporterBuilder.this.clientCertificate(certificatePem, keyPem);
            }
        }, environment, signal);
        return this;
    }

    /**
     * Builds the exporter: its HTTP client and threads (connections are made lazily, so a receiver
     * that is not up yet is fine).
     *
     * @return the exporter
     * @throws IllegalArgumentException if the configuration is inconsistent or a certificate file
     *     cannot be read
     */
    public OtlpHttpSpanExporter build() {
        return new OtlpHttpSpanExporter(this);
    }
}
