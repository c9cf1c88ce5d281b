package io.ringtrace.testkit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real OTLP/HTTP receiver ({@code http/protobuf}) on 127.0.0.1 and a free port, on the JDK's
 * {@code com.sun.net.httpserver}: {@code POST /v1/traces}, {@code /v1/metrics} and {@code /v1/logs},
 * bodies (gzip or not) decoded with the official {@code opentelemetry-proto} classes.
 *
 * <p>Recording, the shared scripting (partial success, delays) and waiting come from
 * {@link RecordingReceiver}; this class adds how faults look over HTTP: a status with
 * {@code Retry-After} or a {@code google.rpc.Status} body, an unparseable 200 body, a connection
 * closed without a reply. Headers are maps of lower-cased names to values, paths the URL paths;
 * every POST counts as a call and takes the next scripted answer. {@link #stop()} and
 * {@link #startServing()} keep the port. Plain text, TLS or mTLS with certificates made at run time
 * ({@link TestCertificates}).
 *
 * <p>Bounded resources: {@value #HANDLER_THREADS} handler threads (a scripted delay holds one), the
 * JDK server's dispatcher thread while serving, a backlog of 64 connections.
 */
public final class OtlpHttpReceiver extends RecordingReceiver<OtlpHttpReceiver, Map<String, List<String>>> {

    /** Threads that read, decode and answer requests. */
    public static final int HANDLER_THREADS = 4;

    private final int port;
    private final ThreadPoolExecutor executor;

    private OtlpHttpReceiver(Builder builder) {
        super(builder);
        this.port = builder.port != 0 ? builder.port : freePort(host());
        AtomicInteger number = new AtomicInteger();
        this.executor = (ThreadPoolExecutor) Executors.newFixedThreadPool(HANDLER_THREADS, recorded(task -> {
            Thread thread = new Thread(task, "otlp-http-receiver-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }));
        // all of them now, so that the thread count is fixed from the start
        executor.prestartAllCoreThreads();
    }

    /** @return a builder for a plain-text receiver on 127.0.0.1 and a free port */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a started plain-text receiver on 127.0.0.1 and a free port */
    public static OtlpHttpReceiver start() {
        return builder().start();
    }

    @Override
    Serving serve() {
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host()), port);
            HttpServer created;
            if (certificates() != null) {
                HttpsServer https = HttpsServer.create(address, 64);
                SSLContext context = sslContext();
                https.setHttpsConfigurator(new HttpsConfigurator(context) {
                    @Override
                    public void configure(HttpsParameters parameters) {
                        SSLParameters ssl = context.getDefaultSSLParameters();
                        ssl.setNeedClientAuth(requiresClientCertificate());
                        parameters.setSSLParameters(ssl);
                    }
                });
                created = https;
            } else {
                created = HttpServer.create(address, 64);
            }
            created.setExecutor(executor);
            created.createContext("/", this::handle);
            created.start();
            return () -> created.stop(0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve OTLP/HTTP on " + host() + ":" + port, e);
        }
    }

    private SSLContext sslContext() {
        try {
            KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
            keys.load(null, null);
            keys.setKeyEntry("server", KeyFactory.getInstance("EC").generatePrivate(
                            new PKCS8EncodedKeySpec(pemBody(certificates().serverKey(), "PRIVATE KEY"))),
                    new char[0], certificatesIn(certificates().serverCertificate()).toArray(new Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificatesIn(certificates().caCertificate()).iterator().next());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up the receiver's TLS", e);
        }
    }

    private static byte[] pemBody(Path pem, String type) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        int from = text.indexOf(begin) + begin.length();
        int to = text.indexOf("-----END " + type + "-----");
        return Base64.getMimeDecoder().decode(text.substring(from, to));
    }

    private static Collection<? extends Certificate> certificatesIn(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    @Override
    void shutDownTransport() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** @return the port, fixed for the receiver's life */
    public int port() {
        return port;
    }

    /** @return {@code http://127.0.0.1:port} (or {@code https://}), the base for {@code OTEL_EXPORTER_OTLP_ENDPOINT} */
    public String baseUrl() {
        return scheme() + host() + ":" + port;
    }

    /** @return the traces URL, {@code baseUrl() + "/v1/traces"} */
    public String tracesUrl() {
        return baseUrl() + "/v1/traces";
    }

    // ---------------------------------------------------------------- HTTP faults

    /**
     * The next {@code calls} requests are answered with {@code status} and an empty body.
     *
     * @param calls how many
     * @param status the HTTP status, e.g. 503
     * @return this receiver
     */
    public OtlpHttpReceiver failNext(int calls, int status) {
        return script(calls, ScriptedReply.failure(failureStatus(status), null, null, null));
    }

    /**
     * The next {@code calls} requests are answered with {@code status} and a {@code Retry-After}
     * header holding {@code retryAfter} (seconds or an HTTP date, sent as given).
     *
     * @param calls how many
     * @param status the HTTP status, e.g. 429
     * @param retryAfter the header's value
     * @return this receiver
     */
    public OtlpHttpReceiver failNext(int calls, int status, String retryAfter) {
        return script(calls, ScriptedReply.failure(failureStatus(status), null, retryAfter, null));
    }

    /**
     * The next {@code calls} requests are answered with {@code status} and a {@code google.rpc.Status}
     * body whose message is {@code message}, as an OTLP/HTTP receiver reports errors.
     *
     * @param calls how many
     * @param status the HTTP status, e.g. 400
     * @param message the status message
     * @return this receiver
     */
    public OtlpHttpReceiver failNextWithStatus(int calls, int status, String message) {
        return script(calls, ScriptedReply.failure(failureStatus(status), null, null, message));
    }

    /**
     * The next {@code calls} requests are accepted and answered 200 with a body that is not an
     * {@code ExportTraceServiceResponse}.
     *
     * @param calls how many
     * @return this receiver
     */
    public OtlpHttpReceiver unparseableReplyNext(int calls) {
        return script(calls, ScriptedReply.unparseableReply());
    }

    /**
     * The next {@code calls} requests are read and not recorded, and their connection is closed
     * without any reply (the client sees the connection end, as on a reset).
     *
     * @param calls how many
     * @return this receiver
     */
    public OtlpHttpReceiver resetNext(int calls) {
        return script(calls, ScriptedReply.closeWithoutReply());
    }

    private static int failureStatus(int status) {
        if (status < 100 || status > 599 || status / 100 == 2) {
            throw new IllegalArgumentException("a failure needs an HTTP status outside 2xx, got " + status);
        }
        return status;
    }

    @Override
    public String toString() {
        return "OtlpHttpReceiver[" + baseUrl() + "]";
    }

    // ---------------------------------------------------------------- serving

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"POST".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, new byte[0]);
                return;
            }
            if (!path.equals("/v1/traces") && !path.equals("/v1/metrics") && !path.equals("/v1/logs")) {
                reply(exchange, 404, new byte[0]);
                return;
            }
            InputStream in = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in);
            }
            byte[] body = in.readAllBytes();
            // A gzip stream ends at its trailer, before a chunked body's last (empty) chunk: read the
            // body to its end before answering, as the OpenTelemetry Collector does. JDK 17's
            // HttpClient can miss an answer that arrives over TLS before it has written that chunk,
            // and waits for its timeout.
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            Map<String, List<String>> requestHeaders = new TreeMap<>();
            exchange.getRequestHeaders().forEach((key, values) ->
                    requestHeaders.put(key.toLowerCase(Locale.ROOT), new ArrayList<>(values)));
            ScriptedReply scripted = callArrived(path, requestHeaders);
            if (!"application/x-protobuf".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                reply(exchange, 415, new byte[0]);
                return;
            }
            if (scripted.closeWithoutReply) {
                callFailed();
                return; // closing the exchange before any reply closes the connection
            }
            if (!scripted.delay.isZero()) {
                try {
                    Thread.sleep(scripted.delay.toMillis()); // a slow receiver: the scripted fault itself
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (scripted.fails()) {
                callFailed();
                if (scripted.retryAfter != null) {
                    exchange.getResponseHeaders().add("Retry-After", scripted.retryAfter);
                }
                reply(exchange, scripted.failure, scripted.statusMessage == null ? new byte[0]
                        : errorStatus(scripted.statusMessage));
                return;
            }
            byte[] answer;
            try {
                answer = accept(path, body, scripted);
            } catch (InvalidProtocolBufferException e) {
                reply(exchange, 400, errorStatus("cannot decode: " + e.getMessage()));
                return;
            }
            reply(exchange, 200, scripted.unparseableReply
                    ? "<html>not protobuf</html>".getBytes(StandardCharsets.US_ASCII) : answer);
        }
    }

    /** Decodes and records the body by its path; returns the success answer to send. */
    private byte[] accept(String path, byte[] body, ScriptedReply scripted) throws InvalidProtocolBufferException {
        switch (path) {
            case "/v1/metrics":
                acceptMetrics(ExportMetricsServiceRequest.parseFrom(body));
                return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
            case "/v1/logs":
                return acceptLogs(ExportLogsServiceRequest.parseFrom(body)).toByteArray();
            default:
                // the JDK server cannot tell whether the client is still waiting: it is, as far as we know
                return acceptTraces(ExportTraceServiceRequest.parseFrom(body), scripted, () -> false).toByteArray();
        }
    }

    /** @return a {@code google.rpc.Status} body with code INVALID_ARGUMENT and {@code message} */
    private static byte[] errorStatus(String message) {
        return com.google.rpc.Status.newBuilder().setCode(3).setMessage(message).build().toByteArray();
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Configures an {@link OtlpHttpReceiver}: the shared settings; nothing HTTP-specific yet. */
    public static final class Builder extends ReceiverBuilder<Builder, OtlpHttpReceiver> {

        private Builder() {}

        /**
         * Creates the receiver without starting it; its port is fixed already.
         *
         * @return the receiver, not serving yet
         */
        @Override
        public OtlpHttpReceiver build() {
            return new OtlpHttpReceiver(this);
        }
    }
}
