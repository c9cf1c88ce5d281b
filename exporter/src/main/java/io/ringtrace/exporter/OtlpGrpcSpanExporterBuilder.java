package io.ringtrace.exporter;

import io.grpc.Metadata;
import io.grpc.NameResolverRegistry;
import io.ringtrace.engine.export.Signal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Configures an {@link OtlpGrpcSpanExporter}. Every option has a default; {@link #fromEnvironment()}
 * reads the standard {@code OTEL_EXPORTER_OTLP_[TRACES_]*} variables. Options are applied in call
 * order, so call {@link #fromEnvironment()} first and override after it.
 *
 * <p>Header values (tokens) and an endpoint's user-info are never put into log messages or exception
 * messages. An invalid value is an {@link IllegalArgumentException} naming the builder method or the
 * variable it came from.
 */
public final class OtlpGrpcSpanExporterBuilder extends OtlpExporterBuilder<OtlpGrpcSpanExporterBuilder> {

    /** The OTLP/gRPC default endpoint. */
    public static final String DEFAULT_ENDPOINT = "http://localhost:4317";
    /** The default per-attempt deadline, as {@code OTEL_EXPORTER_OTLP_TIMEOUT}'s default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The longest per-attempt deadline accepted: an attempt holds one of the engine's request buffers. */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    /** The default number of {@code Export} calls in flight at once. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;
    /** The most calls in flight allowed. */
    public static final int MAX_IN_FLIGHT_LIMIT = 64;

    String endpoint = DEFAULT_ENDPOINT;
    /** Where {@link #endpoint} came from, as error messages name it: the method or the variable. */
    String endpointSetting = "endpoint";
    boolean insecure;
    String loadBalancingPolicy;
    int eventLoopThreads = 1;
    boolean waitForReady = true;

    OtlpGrpcSpanExporterBuilder() {}

    @Override
    OtlpGrpcSpanExporterBuilder self() {
        return this;
    }

    @Override
    void environmentEndpoint(String value, String variable, boolean signalSpecific) {
        endpoint(value, variable); // gRPC uses either endpoint variable as is
    }

    @Override
    void environmentInsecure(boolean insecure) {
        insecure(insecure);
    }

    /**
     * The receiver. {@code http://host:port} is plain text, {@code https://host:port} is TLS (as the
     * OTLP exporter spec says). Anything else is used as a gRPC target as is, e.g.
     * {@code dns:///collectors.internal:4317} (several collectors, {@code round_robin} by default) or
     * {@code host:port}; those use TLS unless {@link #insecure(boolean)}. The scheme of a gRPC target
     * must be one a gRPC name resolver serves ({@code dns} always). No user-info
     * ({@code user:password@}): credentials go in headers. Default {@value #DEFAULT_ENDPOINT}.
     *
     * @param endpoint the endpoint URL or gRPC target
     * @return this builder
     * @throws IllegalArgumentException if the endpoint is none of these forms (the message shows the
     *     endpoint without its user-info or query)
     */
    public OtlpGrpcSpanExporterBuilder endpoint(String endpoint) {
        return endpoint(endpoint, "endpoint");
    }

    /** Sets the endpoint; error messages name {@code setting} (the method or the variable). */
    OtlpGrpcSpanExporterBuilder endpoint(String endpoint, String setting) {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException(setting + " must not be empty; " + Endpoint.ACCEPTED);
        }
        Endpoint.parse(endpoint.trim(), false, setting); // validate now, with a clear message
        this.endpoint = endpoint.trim();
        this.endpointSetting = setting;
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
    @Override
    public OtlpGrpcSpanExporterBuilder addHeader(String key, String value) {
        String normalized = ExporterSettings.headerKey(key);
        if (normalized.endsWith(Metadata.BINARY_HEADER_SUFFIX) || normalized.startsWith("grpc-")) {
            throw new IllegalArgumentException("header key '" + normalized + "' is reserved or binary");
        }
        try {
            Metadata.Key.of(normalized, Metadata.ASCII_STRING_MARSHALLER);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header key '" + normalized + "' is not a valid gRPC metadata key");
        }
        headers.put(normalized, ExporterSettings.headerValue(normalized, value, "a gRPC metadata value"));
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

    @Override
    OtlpGrpcSpanExporterBuilder fromEnvironment(Function<String, String> environment, Signal signal) {
        OtlpEnvironment.requireProtocol(environment, OtlpEnvironment.GRPC, signal);
        applyEnvironment(environment, signal);
        return this;
    }

    /**
     * Builds the exporter: creates its event loop, executor and channel, and starts connecting in
     * the background (a receiver that is not up yet is fine: the first export waits for the
     * connection, and requests that wait make the channel try again at least once a second).
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
        /** What an endpoint may be, as every endpoint error message says. */
        static final String ACCEPTED = "use http://host:port (plain text) or https://host:port (TLS),"
                + " or a gRPC target such as dns:///host:port";
        /** A target that starts with a URI scheme and a slash, as gRPC tells targets from authorities. */
        private static final Pattern SCHEME_TARGET = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:/.*");
        /** The most characters of an endpoint an error message repeats. */
        private static final int MAX_SHOWN_CHARS = 200;

        final String target;
        final boolean tls;
        final boolean dnsScheme;

        private Endpoint(String target, boolean tls, boolean dnsScheme) {
            this.target = target;
            this.tls = tls;
            this.dnsScheme = dnsScheme;
        }

        static Endpoint parse(String endpoint, boolean insecure) {
            return parse(endpoint, insecure, "endpoint");
        }

        /**
         * @param setting what error messages call the value: the builder method or the variable
         * @throws IllegalArgumentException naming {@code setting} and the accepted forms; the
         *     message never repeats user-info, and carries no cause (a {@link URISyntaxException}
         *     quotes its whole input)
         */
        static Endpoint parse(String endpoint, boolean insecure, String setting) {
            String lower = endpoint.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                URI uri = uri(endpoint, setting, "is not a valid URL");
                rejectUserInfo(uri.getRawUserInfo() != null, endpoint, setting);
                if (uri.getHost() == null) {
                    throw invalid(setting, endpoint, "has no host");
                }
                String path = uri.getRawPath();
                if (path != null && !path.isEmpty() && !"/".equals(path)) {
                    throw invalid(setting, endpoint, "has a path, and an OTLP/gRPC endpoint has none (the method is fixed)");
                }
                if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    throw invalid(setting, endpoint, "has a query or a fragment");
                }
                boolean tls = lower.startsWith("https://");
                int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
                return new Endpoint(uri.getHost() + ":" + port, tls, false);
            }
            if (SCHEME_TARGET.matcher(endpoint).matches()) {
                // A gRPC target URI, resolved by the name resolver registered for its scheme.
                URI uri = uri(endpoint, setting, "is not a valid URI");
                rejectUserInfo(uri.getRawUserInfo() != null, endpoint, setting);
                if (NameResolverRegistry.getDefaultRegistry().getProviderForScheme(uri.getScheme()) == null) {
                    throw invalid(setting, endpoint, "has scheme '" + uri.getScheme() + "', which no gRPC name resolver serves");
                }
                return new Endpoint(endpoint, !insecure, "dns".equalsIgnoreCase(uri.getScheme()));
            }
            // host:port, which gRPC resolves as dns:///host:port
            rejectUserInfo(endpoint.indexOf('@') >= 0, endpoint, setting);
            URI authority = uri("//" + endpoint, setting, "is not a URL nor host:port", endpoint);
            if (authority.getHost() == null || !authority.getRawPath().isEmpty()
                    || authority.getRawQuery() != null || authority.getRawFragment() != null) {
                throw invalid(setting, endpoint, "is not a URL nor host:port");
            }
            return new Endpoint(endpoint, !insecure, false);
        }

        private static URI uri(String text, String setting, String problem) {
            return uri(text, setting, problem, text);
        }

        private static URI uri(String text, String setting, String problem, String endpoint) {
            try {
                return new URI(text);
            } catch (URISyntaxException e) {
                throw invalid(setting, endpoint, problem);
            }
        }

        private static void rejectUserInfo(boolean hasUserInfo, String endpoint, String setting) {
            if (hasUserInfo) {
                throw invalid(setting, endpoint,
                        "has user-info; credentials go in headers (addHeader, OTEL_EXPORTER_OTLP_HEADERS), never in the endpoint");
            }
        }

        static IllegalArgumentException invalid(String setting, String endpoint, String problem) {
            return new IllegalArgumentException(setting + " '" + shown(endpoint) + "' " + problem + "; " + ACCEPTED);
        }

        /**
         * The endpoint as messages may show it: everything from the authority's start to the last
         * {@code @} (user-info, whatever characters it holds) and any query are hidden, and it is cut
         * to {@value #MAX_SHOWN_CHARS} characters.
         *
         * @param endpoint the endpoint as configured
         * @return the endpoint without secrets
         */
        static String shown(String endpoint) {
            String shown = endpoint;
            int at = shown.lastIndexOf('@');
            if (at >= 0) {
                int slashes = shown.indexOf("//");
                int authority = slashes >= 0 && slashes < at ? slashes + 2 : 0;
                shown = shown.substring(0, authority) + "<user-info hidden>" + shown.substring(at);
            }
            int query = shown.indexOf('?');
            if (query >= 0) {
                shown = shown.substring(0, query) + "?<query hidden>";
            }
            return shown.length() > MAX_SHOWN_CHARS ? shown.substring(0, MAX_SHOWN_CHARS) + "..." : shown;
        }
    }
}
