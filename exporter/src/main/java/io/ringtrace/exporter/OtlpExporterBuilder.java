package io.ringtrace.exporter;

import io.ringtrace.engine.config.OtelConfiguration;
import io.ringtrace.engine.export.Signal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The options both OTLP exporter builders share (headers, timeout, compression, certificates, the
 * in-flight bound, the retry policy) and the reading of their {@code OTEL_EXPORTER_OTLP_*}
 * variables, so that gRPC and HTTP take them the same way. What is a transport's own (its endpoint
 * forms, which header keys are legal) stays in its builder.
 *
 * @param <B> the builder, which every option returns
 */
abstract class OtlpExporterBuilder<B extends OtlpExporterBuilder<B>> {

    final Map<String, String> headers = new LinkedHashMap<>();
    Duration timeout = OtlpGrpcSpanExporterBuilder.DEFAULT_TIMEOUT;
    boolean gzip;
    Path trustedCertificates;
    Path clientCertificate;
    Path clientKey;
    int maxInFlight = OtlpGrpcSpanExporterBuilder.DEFAULT_MAX_IN_FLIGHT;
    RetryPolicy retryPolicy = RetryPolicy.defaults();
    SpoolOptions spool;

    /** @return this builder as its own type */
    abstract B self();

    /**
     * Adds a header sent with every request (e.g. an API key). Keys are lower-cased.
     *
     * @param key a header key the transport accepts
     * @param value printable ASCII; never logged
     * @return this builder
     */
    public abstract B addHeader(String key, String value);

    /**
     * As {@link #fromEnvironment(Map, Signal)}, reading through a resolver ({@link OtelConfiguration}).
     *
     * @param environment the resolver of variables
     * @param signal whose variables win over the general ones
     * @return this builder
     */
    abstract B fromEnvironment(Function<String, String> environment, Signal signal);

    /**
     * Applies the standard settings from {@code otel.*} system properties and the process environment
     * (a property wins over its variable, as in the OpenTelemetry SDK); see {@link #fromEnvironment(Map)}.
     *
     * @return this builder
     */
    public B fromEnvironment() {
        return fromEnvironment(OtelConfiguration.system(), Signal.TRACES);
    }

    /**
     * Applies the standard OTLP exporter variables found in {@code environment}, the signal-specific
     * {@code OTEL_EXPORTER_OTLP_TRACES_X} taking precedence over {@code OTEL_EXPORTER_OTLP_X}:
     * {@code ENDPOINT} (gRPC: used as is; HTTP: {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} is used as
     * is, {@code OTEL_EXPORTER_OTLP_ENDPOINT} gets {@code v1/traces} appended), {@code HEADERS}
     * ({@code k1=v1,k2=v2}, values percent-decoded), {@code TIMEOUT} (milliseconds),
     * {@code COMPRESSION} ({@code gzip}|{@code none}), {@code CERTIFICATE},
     * {@code CLIENT_CERTIFICATE}, {@code CLIENT_KEY}, {@code INSECURE} ({@code true}|{@code false};
     * gRPC only, a URL's scheme says it for HTTP). {@code PROTOCOL}, if set, must be the builder's
     * ({@code grpc} or {@code http/protobuf}); unset, the builder keeps its own transport, whereas
     * {@link OtlpExporters#fromEnvironment()} picks the exporter by protocol, {@code http/protobuf}
     * when unset. Unset or empty variables leave the option as it is.
     *
     * @param environment variable names to values
     * @return this builder
     * @throws IllegalArgumentException if a variable has an invalid value (header values are not
     *     repeated in the message)
     */
    public B fromEnvironment(Map<String, String> environment) {
        return fromEnvironment(environment, Signal.TRACES);
    }

    /**
     * As {@link #fromEnvironment(Map)}, with {@code signal}'s own variables
     * ({@code OTEL_EXPORTER_OTLP_METRICS_X}, {@code OTEL_EXPORTER_OTLP_LOGS_X}) winning over the
     * general ones for the options shared by all signals. The exporter sends requests of every
     * signal over one set of connections, each to its signal's service or URL (over HTTP, each
     * signal's URL comes from its own {@code ..._<SIGNAL>_ENDPOINT}, as is, or from
     * {@code OTEL_EXPORTER_OTLP_ENDPOINT} + {@code v1/<signal>}, whatever {@code signal} is).
     *
     * @param environment variable names to values
     * @param signal whose variables apply
     * @return this builder
     * @throws IllegalArgumentException if a variable has an invalid value
     */
    public B fromEnvironment(Map<String, String> environment, Signal signal) {
        return fromEnvironment(OtelConfiguration.of(environment), signal);
    }

    /** Applies {@code OTEL_EXPORTER_OTLP_[SIGNAL_]ENDPOINT}, read by {@link #applyEnvironment}. */
    abstract void environmentEndpoint(String value, String variable, boolean signalSpecific);

    /** Applies {@code OTEL_EXPORTER_OTLP_[SIGNAL_]INSECURE}, read by {@link #applyEnvironment}. */
    abstract void environmentInsecure(boolean insecure);

    /**
     * Sets the per-attempt deadline, from sending to the whole reply ({@code OTEL_EXPORTER_OTLP_TIMEOUT}).
     * Default 10 s.
     *
     * @param timeout &gt; 0 and at most {@link OtlpGrpcSpanExporterBuilder#MAX_TIMEOUT} (1 h)
     * @return this builder
     */
    public B timeout(Duration timeout) {
        this.timeout = ExporterSettings.timeout(timeout);
        return self();
    }

    /**
     * @param compression {@code gzip} or {@code none} (default)
     * @return this builder
     */
    public B compression(String compression) {
        gzip = ExporterSettings.gzip(compression);
        return self();
    }

    /**
     * Trusts the CA certificates in this PEM file instead of the JVM's default trust store
     * ({@code OTEL_EXPORTER_OTLP_CERTIFICATE}).
     *
     * @param caPem the PEM file
     * @return this builder
     */
    public B trustedCertificates(Path caPem) {
        this.trustedCertificates = caPem;
        return self();
    }

    /**
     * Presents this client certificate (mTLS; {@code OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE} and
     * {@code OTEL_EXPORTER_OTLP_CLIENT_KEY}).
     *
     * @param certificatePem the client certificate chain, PEM
     * @param privateKeyPem the client's private key, PEM (PKCS#8, EC or RSA)
     * @return this builder
     */
    public B clientCertificate(Path certificatePem, Path privateKeyPem) {
        this.clientCertificate = certificatePem;
        this.clientKey = privateKeyPem;
        return self();
    }

    /**
     * At most this many requests in flight at once (default
     * {@value OtlpGrpcSpanExporterBuilder#DEFAULT_MAX_IN_FLIGHT}; the OpenTelemetry SDK allows one).
     * Over HTTP each uses its own HTTP/1.1 connection. Requests beyond it wait in the exporter, in
     * order.
     *
     * @param maxInFlight 1 to {@value OtlpGrpcSpanExporterBuilder#MAX_IN_FLIGHT_LIMIT}
     * @return this builder
     */
    public B maxInFlight(int maxInFlight) {
        if (maxInFlight < 1 || maxInFlight > OtlpGrpcSpanExporterBuilder.MAX_IN_FLIGHT_LIMIT) {
            throw new IllegalArgumentException("maxInFlight must be in [1, "
                    + OtlpGrpcSpanExporterBuilder.MAX_IN_FLIGHT_LIMIT + "], got " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        return self();
    }

    /**
     * @param retryPolicy how retryable failures are retried (default {@link RetryPolicy#defaults()})
     * @return this builder
     */
    public B retryPolicy(RetryPolicy retryPolicy) {
        if (retryPolicy == null) {
            throw new IllegalArgumentException("retryPolicy must not be null");
        }
        this.retryPolicy = retryPolicy;
        return self();
    }

    /**
     * Applies the {@code OTEL_EXPORTER_OTLP_[SIGNAL_]*} variables every transport reads, the
     * endpoint and {@code INSECURE} through the builder's own hooks.
     *
     * @param environment the resolver of variables
     * @param signal whose variables win over the general ones
     */
    /**
     * Turns the on-disk spool on: requests the receiver does not take in time are written to
     * {@code options.directory()} and replayed when it is back, or by the next process on that
     * directory (see {@link SpoolOptions}). Off by default; {@code fromEnvironment()} turns it on when
     * {@value SpoolOptions#DIR_VARIABLE} is set.
     *
     * @param options where and how much, or null for no spool
     * @return this builder
     */
    public B spool(SpoolOptions options) {
        this.spool = options;
        return self();
    }

    /**
     * Opens the spool if one is configured (the directory's lock and recovery, no thread yet).
     *
     * @param onFailure releases what the exporter made before, when the spool cannot open
     * @return the spool, or null
     */
    Spool openSpool(Runnable onFailure) {
        if (spool == null) {
            return null;
        }
        try {
            return new Spool(spool, maxInFlight, retryPolicy);
        } catch (RuntimeException | Error e) {
            onFailure.run();
            throw e;
        }
    }

    void applyEnvironment(Function<String, String> environment, Signal signal) {
        SpoolOptions fromEnvironment = SpoolOptions.fromEnvironment(environment);
        if (fromEnvironment != null) {
            spool = fromEnvironment;
        }
        OtlpEnvironment.apply(new OtlpEnvironment.Settings() {
            @Override
            public void endpoint(String value, String variable, boolean signalSpecific) {
                environmentEndpoint(value, variable, signalSpecific);
            }

            @Override
            public void insecure(boolean insecure) {
                environmentInsecure(insecure);
            }

            @Override
            public void addHeader(String key, String value) {
                OtlpExporterBuilder.this.addHeader(key, value);
            }

            @Override
            public void timeout(Duration timeout) {
                OtlpExporterBuilder.this.timeout(timeout);
            }

            @Override
            public void compression(String compression) {
                OtlpExporterBuilder.this.compression(compression);
            }

            @Override
            public void trustedCertificates(Path caPem) {
                OtlpExporterBuilder.this.trustedCertificates(caPem);
            }

            @Override
            public void clientCertificate(Path certificatePem, Path keyPem) {
                OtlpExporterBuilder.this.clientCertificate(certificatePem, keyPem);
            }
        }, environment, signal);
    }
}
