package io.ringtrace.exporter;

import io.ringtrace.engine.export.Signal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
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
public final class OtlpHttpSpanExporterBuilder extends OtlpExporterBuilder<OtlpHttpSpanExporterBuilder> {

    /** The OTLP/HTTP default traces URL. */
    public static final String DEFAULT_ENDPOINT = "http://localhost:4318/v1/traces";
    /** The receiver the default URLs point at. */
    static final String DEFAULT_BASE = "http://localhost:4318";

    /** Each signal's URL when set as is (the method or its own variable), by {@link Signal#ordinal()}. */
    final URI[] signalUrls = new URI[Signal.values().length];
    /** {@code OTEL_EXPORTER_OTLP_ENDPOINT}: the base every other signal's path is appended to, or null. */
    String base;
    String endpointSetting = "endpoint";
    Client client = Client.AUTO;

    /** Which HTTP client sends the requests. */
    public enum Client {
        /** {@link #SOCKET} for plain-text {@code http://} URLs without compression, else {@link #JDK}. */
        AUTO,
        /**
         * The JDK's {@code java.net.http.HttpClient}: TLS, mTLS and gzip; ~19.5 KB of heap per request
         * whatever its size.
         */
        JDK,
        /**
         * ringtrace's own HTTP/1.1 client, one blocking connection and one I/O thread per in-flight
         * slot, writing the body straight from the off-heap buffer: no heap allocated per request in
         * steady state. Plain-text {@code http://} without compression only.
         */
        SOCKET
    }

    OtlpHttpSpanExporterBuilder() {}

    /**
     * Which HTTP client sends the requests; default {@link Client#AUTO}.
     *
     * @param client the client
     * @return this builder
     * @throws NullPointerException if {@code client} is null
     */
    public OtlpHttpSpanExporterBuilder client(Client client) {
        if (client == null) {
            throw new NullPointerException("client");
        }
        this.client = client;
        return this;
    }

    @Override
    OtlpHttpSpanExporterBuilder self() {
        return this;
    }

    @Override
    void environmentEndpoint(String value, String variable, boolean signalSpecific) {
        // every signal's URL is read by fromEnvironment itself: the base gets each signal's path
    }

    @Override
    void environmentInsecure(boolean insecure) {
        // a URL's scheme says whether it is TLS
    }

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
    @Override
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

    @Override
    OtlpHttpSpanExporterBuilder fromEnvironment(Function<String, String> environment, Signal signal) {
        OtlpEnvironment.requireProtocol(environment, OtlpEnvironment.HTTP_PROTOBUF, signal);
        String general = environment.apply("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (general != null && !general.isBlank()) {
            parse(general, "OTEL_EXPORTER_OTLP_ENDPOINT"); // validate, naming it and showing the value as set
            parse(signalUrl(general, pathOf(Signal.TRACES)), "OTEL_EXPORTER_OTLP_ENDPOINT"); // and what it becomes
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
        applyEnvironment(environment, signal);
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
