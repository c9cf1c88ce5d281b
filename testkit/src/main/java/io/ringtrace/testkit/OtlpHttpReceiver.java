package io.ringtrace.testkit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
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
 * bodies (gzip or not) decoded with the official {@code opentelemetry-proto} classes and recorded,
 * with scriptable faults: an HTTP status with {@code Retry-After} or a {@code google.rpc.Status} body,
 * a slow reply, a partial success, an unparseable 200 body, a connection closed without a reply.
 * {@link #stop()} and {@link #startServing()} keep the port. Plain text, TLS or mTLS with
 * certificates made at run time ({@link TestCertificates}).
 */
public final class OtlpHttpReceiver implements AutoCloseable {

    private final String host;
    private final int port;
    private final TestCertificates certificates;
    private final boolean ownsCertificates;
    private final boolean mtls;
    private final boolean countOnly;
    private final ExecutorService executor;
    private final List<Thread> ownThreads = new ArrayList<>();

    private final Object lock = new Object();
    private HttpServer server;
    private boolean closed;
    private final ArrayDeque<Script> script = new ArrayDeque<>();
    private final List<ExportTraceServiceRequest> requests = new ArrayList<>();
    private final List<ExportMetricsServiceRequest> metricsRequests = new ArrayList<>();
    private final List<ExportLogsServiceRequest> logsRequests = new ArrayList<>();
    private final List<Map<String, List<String>>> headers = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();
    private long callCount;
    private long failedCallCount;
    private long requestCount;
    private long spanCount;
    private long rejectedSpanCount;

    private OtlpHttpReceiver(Builder builder) {
        this.host = builder.bindAddress;
        this.port = builder.port != 0 ? builder.port : freePort(host);
        this.mtls = builder.mtls;
        this.countOnly = builder.countOnly;
        this.ownsCertificates = builder.tls && builder.certificates == null;
        this.certificates = builder.tls ? (ownsCertificates ? TestCertificates.generate() : builder.certificates) : null;
        AtomicInteger number = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "otlp-http-receiver-" + number.incrementAndGet());
            thread.setDaemon(true);
            synchronized (ownThreads) {
                ownThreads.add(thread);
            }
            return thread;
        });
        // all four now, so that the thread count is fixed from the start
        ((java.util.concurrent.ThreadPoolExecutor) executor).prestartAllCoreThreads();
    }

    /** @return a builder for a plain-text receiver on 127.0.0.1 and a free port */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a started plain-text receiver on 127.0.0.1 and a free port */
    public static OtlpHttpReceiver start() {
        return builder().start();
    }

    /**
     * Starts serving on the receiver's port (again, after {@link #stop()}).
     *
     * @return this receiver
     */
    public OtlpHttpReceiver startServing() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            if (server != null) {
                return this;
            }
            try {
                InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
                HttpServer created;
                if (certificates != null) {
                    HttpsServer https = HttpsServer.create(address, 64);
                    SSLContext context = sslContext();
                    https.setHttpsConfigurator(new HttpsConfigurator(context) {
                        @Override
                        public void configure(HttpsParameters parameters) {
                            SSLParameters ssl = context.getDefaultSSLParameters();
                            ssl.setNeedClientAuth(mtls);
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
                server = created;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serve OTLP/HTTP on " + host + ":" + port, e);
            }
        }
        return this;
    }

    private SSLContext sslContext() {
        try {
            KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
            keys.load(null, null);
            keys.setKeyEntry("server", KeyFactory.getInstance("EC").generatePrivate(
                            new PKCS8EncodedKeySpec(pemBody(certificates.serverKey(), "PRIVATE KEY"))),
                    new char[0], certificatesIn(certificates.serverCertificate()).toArray(new Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificatesIn(certificates.caCertificate()).iterator().next());
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

    /** Stops serving (open connections are closed); {@link #startServing()} serves the same port again. */
    public void stop() {
        HttpServer running;
        synchronized (lock) {
            running = server;
            server = null;
        }
        if (running != null) {
            running.stop(0);
        }
    }

    /** @return the port, fixed for the receiver's life */
    public int port() {
        return port;
    }

    /** @return {@code http://127.0.0.1:port} (or {@code https://}), the base for {@code OTEL_EXPORTER_OTLP_ENDPOINT} */
    public String baseUrl() {
        return (certificates == null ? "http://" : "https://") + host + ":" + port;
    }

    /** @return the traces URL, {@code baseUrl() + "/v1/traces"} */
    public String tracesUrl() {
        return baseUrl() + "/v1/traces";
    }

    /** @return the certificates the server uses, or null if plain text */
    public TestCertificates certificates() {
        return certificates;
    }

    // ---------------------------------------------------------------- scripting

    /**
     * The next {@code calls} requests are answered with {@code status} and an empty body.
     *
     * @param calls how many
     * @param status the HTTP status, e.g. 503
     * @return this receiver
     */
    public OtlpHttpReceiver failNext(int calls, int status) {
        return add(calls, new Script(status, null, null, 0, null, Duration.ZERO, false, false));
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
        return add(calls, new Script(status, retryAfter, null, 0, null, Duration.ZERO, false, false));
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
        return add(calls, new Script(status, null, message, 0, null, Duration.ZERO, false, false));
    }

    /**
     * The next {@code calls} requests are accepted with a {@code partial_success}.
     *
     * @param calls how many
     * @param rejectedSpans spans reported rejected per request (at most its span count)
     * @param message the {@code error_message}
     * @return this receiver
     */
    public OtlpHttpReceiver partialSuccessNext(int calls, long rejectedSpans, String message) {
        return add(calls, new Script(200, null, null, rejectedSpans, message, Duration.ZERO, false, false));
    }

    /**
     * The next {@code calls} requests are accepted and answered only after {@code delay}.
     *
     * @param calls how many
     * @param delay how long to hold each answer
     * @return this receiver
     */
    public OtlpHttpReceiver delayNext(int calls, Duration delay) {
        return add(calls, new Script(200, null, null, 0, null, delay, false, false));
    }

    /**
     * The next {@code calls} requests are accepted and answered 200 with a body that is not an
     * {@code ExportTraceServiceResponse}.
     *
     * @param calls how many
     * @return this receiver
     */
    public OtlpHttpReceiver unparseableReplyNext(int calls) {
        return add(calls, new Script(200, null, null, 0, null, Duration.ZERO, true, false));
    }

    /**
     * The next {@code calls} requests are read and not recorded, and their connection is closed
     * without any reply (the client sees the connection end, as on a reset).
     *
     * @param calls how many
     * @return this receiver
     */
    public OtlpHttpReceiver resetNext(int calls) {
        return add(calls, new Script(0, null, null, 0, null, Duration.ZERO, false, true));
    }

    private OtlpHttpReceiver add(int calls, Script entry) {
        if (calls < 1) {
            throw new IllegalArgumentException("calls must be >= 1, got " + calls);
        }
        synchronized (lock) {
            for (int i = 0; i < calls; i++) {
                script.addLast(entry);
            }
        }
        return this;
    }

    // ---------------------------------------------------------------- what was received

    /** @return the trace requests accepted, in arrival order */
    public List<ExportTraceServiceRequest> requests() {
        synchronized (lock) {
            return new ArrayList<>(requests);
        }
    }

    /** @return the metrics requests accepted, in arrival order */
    public List<ExportMetricsServiceRequest> metricsRequests() {
        synchronized (lock) {
            return new ArrayList<>(metricsRequests);
        }
    }

    /** @return the logs requests accepted, in arrival order */
    public List<ExportLogsServiceRequest> logsRequests() {
        synchronized (lock) {
            return new ArrayList<>(logsRequests);
        }
    }

    /** @return every span of the accepted trace requests, in arrival order */
    public List<Span> spans() {
        List<Span> spans = new ArrayList<>();
        for (ExportTraceServiceRequest request : requests()) {
            for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
                for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                    spans.addAll(scopeSpans.getSpansList());
                }
            }
        }
        return spans;
    }

    /** @return the headers of every request received (names lower-cased), in order */
    public List<Map<String, List<String>>> headers() {
        synchronized (lock) {
            return new ArrayList<>(headers);
        }
    }

    /** @return the path of every request received, in order */
    public List<String> paths() {
        synchronized (lock) {
            return new ArrayList<>(paths);
        }
    }

    /** @return every request that reached the receiver, whatever its answer */
    public long callCount() {
        synchronized (lock) {
            return callCount;
        }
    }

    /** @return requests answered with a scripted failure or reset */
    public long failedCallCount() {
        synchronized (lock) {
            return failedCallCount;
        }
    }

    /** @return trace requests accepted (200, including partial successes and unparseable replies) */
    public long requestCount() {
        synchronized (lock) {
            return requestCount;
        }
    }

    /** @return spans in accepted trace requests */
    public long spanCount() {
        synchronized (lock) {
            return spanCount;
        }
    }

    /** @return spans reported rejected in partial successes */
    public long rejectedSpanCount() {
        synchronized (lock) {
            return rejectedSpanCount;
        }
    }

    /**
     * Waits until at least {@code spans} spans were accepted.
     *
     * @param spans the count
     * @param timeout how long at most
     * @return whether it was reached
     * @throws InterruptedException if interrupted
     */
    public boolean awaitSpanCount(long spans, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (spanCount < spans) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /** Forgets what was recorded (not the script). */
    public void clear() {
        synchronized (lock) {
            requests.clear();
            metricsRequests.clear();
            logsRequests.clear();
            headers.clear();
            paths.clear();
            callCount = 0;
            failedCallCount = 0;
            requestCount = 0;
            spanCount = 0;
            rejectedSpanCount = 0;
        }
    }

    /** Stops serving, ends the threads and deletes generated certificates. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stop();
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsCertificates) {
            certificates.close();
        }
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
            byte[] body;
            InputStream in = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in);
            }
            body = in.readAllBytes();
            Map<String, List<String>> requestHeaders = new TreeMap<>();
            exchange.getRequestHeaders().forEach((key, values) ->
                    requestHeaders.put(key.toLowerCase(java.util.Locale.ROOT), new ArrayList<>(values)));
            Script entry;
            synchronized (lock) {
                callCount++;
                if (!countOnly) {
                    headers.add(requestHeaders);
                    paths.add(path);
                }
                entry = script.pollFirst();
                lock.notifyAll();
            }
            if (!"application/x-protobuf".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                reply(exchange, 415, new byte[0]);
                return;
            }
            if (entry != null && entry.reset) {
                synchronized (lock) {
                    failedCallCount++;
                }
                return; // closing the exchange before any reply closes the connection
            }
            if (entry != null && !entry.delay.isZero()) {
                try {
                    Thread.sleep(entry.delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (entry != null && entry.status != 200) {
                synchronized (lock) {
                    failedCallCount++;
                }
                if (entry.retryAfter != null) {
                    exchange.getResponseHeaders().add("Retry-After", entry.retryAfter);
                }
                byte[] error = entry.statusMessage == null ? new byte[0] : com.google.rpc.Status.newBuilder()
                        .setCode(3).setMessage(entry.statusMessage).build().toByteArray();
                reply(exchange, entry.status, error);
                return;
            }
            byte[] answer;
            try {
                answer = accept(path, body, entry);
            } catch (InvalidProtocolBufferException e) {
                reply(exchange, 400, com.google.rpc.Status.newBuilder().setCode(3)
                        .setMessage("cannot decode: " + e.getMessage()).build().toByteArray());
                return;
            }
            reply(exchange, 200, entry != null && entry.unparseable
                    ? "<html>not protobuf</html>".getBytes(StandardCharsets.US_ASCII) : answer);
        }
    }

    private byte[] accept(String path, byte[] body, Script entry) throws InvalidProtocolBufferException {
        switch (path) {
            case "/v1/metrics": {
                ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
                synchronized (lock) {
                    metricsRequests.add(request);
                    lock.notifyAll();
                }
                return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
            }
            case "/v1/logs": {
                ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body);
                synchronized (lock) {
                    logsRequests.add(request);
                    lock.notifyAll();
                }
                return ExportLogsServiceResponse.getDefaultInstance().toByteArray();
            }
            default: {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
                long spans = 0;
                for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
                    for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                        spans += scopeSpans.getSpansCount();
                    }
                }
                ExportTraceServiceResponse.Builder answer = ExportTraceServiceResponse.newBuilder();
                long rejected = 0;
                if (entry != null && entry.rejectionMessage != null) {
                    rejected = Math.min(entry.rejectedSpans, spans);
                    answer.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                            .setRejectedSpans(rejected).setErrorMessage(entry.rejectionMessage));
                }
                synchronized (lock) {
                    if (!countOnly) {
                        requests.add(request);
                    }
                    requestCount++;
                    spanCount += spans;
                    rejectedSpanCount += rejected;
                    lock.notifyAll();
                }
                return answer.build().toByteArray();
            }
        }
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

    private static int freePort(String address) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + address, e);
        }
    }

    /** One scripted answer. */
    private static final class Script {
        final int status;
        final String retryAfter;
        final String statusMessage;
        final long rejectedSpans;
        final String rejectionMessage;
        final Duration delay;
        final boolean unparseable;
        final boolean reset;

        Script(int status, String retryAfter, String statusMessage, long rejectedSpans, String rejectionMessage,
               Duration delay, boolean unparseable, boolean reset) {
            this.status = status;
            this.retryAfter = retryAfter;
            this.statusMessage = statusMessage;
            this.rejectedSpans = rejectedSpans;
            this.rejectionMessage = rejectionMessage;
            this.delay = delay;
            this.unparseable = unparseable;
            this.reset = reset;
        }
    }

    /** Configures an {@link OtlpHttpReceiver}. */
    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port;
        private boolean tls;
        private boolean mtls;
        private TestCertificates certificates;
        private boolean countOnly;

        private Builder() {}

        /**
         * Decodes every request with the official classes but keeps only the counters, for long runs.
         *
         * @return this builder
         */
        public Builder countOnly() {
            this.countOnly = true;
            return this;
        }

        /**
         * @param port the port; 0 (default) picks a free one
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * @param address the loopback address to bind (default {@code 127.0.0.1})
         * @return this builder
         */
        public Builder bindAddress(String address) {
            this.bindAddress = address;
            return this;
        }

        /**
         * Serves TLS with fresh certificates (deleted on close).
         *
         * @return this builder
         */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * Serves TLS and requires a client certificate signed by the test CA.
         *
         * @return this builder
         */
        public Builder mtls() {
            this.tls = true;
            this.mtls = true;
            return this;
        }

        /**
         * @param certificates certificates to serve TLS with (not deleted on close)
         * @return this builder
         */
        public Builder certificates(TestCertificates certificates) {
            this.tls = true;
            this.certificates = certificates;
            return this;
        }

        /** @return the started receiver */
        public OtlpHttpReceiver start() {
            OtlpHttpReceiver receiver = new OtlpHttpReceiver(this);
            try {
                return receiver.startServing();
            } catch (RuntimeException e) {
                receiver.close();
                throw e;
            }
        }
    }
}
