package io.ringtrace.exporter;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.Signal;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The export stage over OTLP/HTTP ({@code http/protobuf}): POSTs each sealed request of any signal,
 * straight from its off-heap buffer, to the receiver's URL for that signal ({@code /v1/traces},
 * {@code /v1/metrics}, {@code /v1/logs}) with {@code Content-Type: application/x-protobuf}, with
 * the OTLP spec's retries for HTTP.
 *
 * <p>The in-flight bound, the waiting list, the retry schedule, completion exactly once and the
 * drain at shutdown are {@link InFlightRequests}'s, the same as OTLP/gRPC's. One attempt is a
 * {@code POST} over HTTP/1.1 on one of two clients ({@link OtlpHttpSpanExporterBuilder.Client}):
 * <ul>
 *   <li>plain text without compression: ringtrace's socket client ({@link SocketHttpTransport}), one
 *       keep-alive connection and one I/O thread per slot, the body written from a direct view of
 *       the off-heap buffer; no heap allocated per request beyond ~140 B;
 *   <li>TLS, mTLS or gzip: the JDK's {@link HttpClient} on the exporter's own executor
 *       ({@link HttpTransport}); each slot owns one prepared request per signal whose body streams
 *       the slot's current request through the slot's four reused 64 KiB chunks
 *       ({@link HttpSlotBody}; gzip: deflated into them as the client asks for more).
 * </ul>
 * Neither makes a {@code byte[]} of the request. Both map replies the same way.
 *
 * <h2>Bounds</h2>
 * At most {@code maxInFlight} requests in flight; a waiting list bounded by the engine's request
 * buffers; at most {@link #MAX_REPLY_BYTES} of a reply read. Threads, no thread per connection or
 * per request: socket client, one executor thread (retry timers, the timeout watchdog) and one
 * I/O thread per slot ({@code ringtrace-otlp-http-io-*}); JDK client, two executor threads
 * ({@code ringtrace-otlp-http-*}: the client's callbacks, body chunks, retry timers) plus the
 * client's one selector thread. {@link #shutdown(long)} stops and joins them and lets the JDK client
 * go: on JDK 21 and later its {@code shutdownNow()} is called, on JDK 17 its selector thread ends
 * once the client is unreachable (the exporter drops its reference).
 */
public final class OtlpHttpSpanExporter extends TransportExporter {

    private static final System.Logger LOG = System.getLogger(OtlpHttpSpanExporter.class.getName());

    /** The most bytes of a reply read; the rest is discarded unread into memory. */
    static final int MAX_REPLY_BYTES = ExportResponse.MAX_REPLY_BYTES;

    /** Where each signal's requests go, by {@link Signal#ordinal()}. */
    private final URI[] uris;
    private final boolean gzip;
    private final ScheduledThreadPoolExecutor executor;
    private final OwnedThreads ownThreads = new OwnedThreads();
    /** The JDK client's transport, or null when the socket client sends. */
    private final HttpTransport transport;
    /** The socket client's transport, or null when the JDK client sends. */
    private final SocketHttpTransport socketTransport;
    private final InFlightRequests<?> requests;

    OtlpHttpSpanExporter(OtlpHttpSpanExporterBuilder builder) {
        this.uris = new URI[Signal.values().length];
        boolean tls = false;
        for (Signal signal : Signal.values()) {
            uris[signal.ordinal()] = builder.resolve(signal);
            tls |= "https".equalsIgnoreCase(uris[signal.ordinal()].getScheme());
        }
        URI uri = uris[Signal.TRACES.ordinal()];
        this.gzip = builder.gzip;
        if (!tls && (builder.trustedCertificates != null || builder.clientCertificate != null)) {
            throw new IllegalArgumentException("certificates are configured but " + builder.endpointSetting + " '"
                    + OtlpGrpcSpanExporterBuilder.Endpoint.shown(uri.toString()) + "' is plain text: use an https:// URL");
        }
        SSLContext sslContext = tls && (builder.trustedCertificates != null || builder.clientCertificate != null)
                ? PemTls.context(builder.trustedCertificates, builder.clientCertificate, builder.clientKey)
                : null;
        boolean socket = builder.client == OtlpHttpSpanExporterBuilder.Client.SOCKET
                || builder.client == OtlpHttpSpanExporterBuilder.Client.AUTO && !tls && !gzip;
        if (socket && (tls || gzip)) {
            throw new IllegalArgumentException("client(SOCKET) sends plain-text http:// without compression only; "
                    + (tls ? "the URL is https://" : "compression is gzip") + ": use client(JDK) or client(AUTO)");
        }
        AtomicInteger threadNumber = new AtomicInteger();
        // The socket client's attempts run on its own I/O threads: one executor thread is enough
        // for retry timers and the timeout watchdog. The JDK client also runs callbacks here.
        this.executor = new ScheduledThreadPoolExecutor(socket ? 1 : 2, ownThreads.recording(task -> {
            Thread thread = new Thread(task, "ringtrace-otlp-http-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }));
        // Retry timers cut by shutdown must not stay queued.
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.prestartAllCoreThreads();
        Spool spool = builder.openSpool(executor::shutdownNow); // before the client's threads: a refused spool stops only these
        if (socket) {
            this.transport = null;
            this.socketTransport = new SocketHttpTransport(uris, builder.timeout.toNanos(), builder.headers,
                    builder.maxInFlight, ownThreads.recording(task -> {
                        Thread thread = new Thread(task, "ringtrace-otlp-http-io-" + threadNumber.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    }));
            this.requests = new InFlightRequests<>(socketTransport, builder.maxInFlight, builder.retryPolicy, executor, false, LOG,
                    spool);
            executor.scheduleWithFixedDelay(socketTransport::cutOverdueAttempts, SocketHttpTransport.WATCHDOG_INTERVAL_MILLIS,
                    SocketHttpTransport.WATCHDOG_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        this.socketTransport = null;
        HttpClient.Builder clientBuilder = HttpClient.newBuilder()
                // HTTP/1.1: one request per connection at a time, so maxInFlight bounds the connections;
                // no h2c upgrade dance on plain text.
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .connectTimeout(builder.timeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (sslContext != null) {
            clientBuilder.sslContext(sslContext);
        }
        this.transport = new HttpTransport(clientBuilder.build(), uris, builder.timeout, builder.headers, gzip);
        // The client sends asynchronously and streams the body on its own threads: start inline.
        this.requests = new InFlightRequests<>(transport, builder.maxInFlight, builder.retryPolicy, executor, false, LOG,
                spool);
    }

    /** @return a builder with the defaults (URL {@code http://localhost:4318/v1/traces}, 4 in flight, 10 s timeout) */
    public static OtlpHttpSpanExporterBuilder builder() {
        return new OtlpHttpSpanExporterBuilder();
    }

    @Override
    InFlightRequests<?> requests() {
        return requests;
    }

    @Override
    void stopTransport(long deadlineNanoTime) {
        HttpClient last = transport == null ? null : transport.detachClient();
        if (last != null) {
            shutdownNowIfSupported(last);
        }
        executor.shutdownNow();
        try {
            if (socketTransport != null) {
                socketTransport.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
            }
            executor.awaitTermination(2, TimeUnit.SECONDS);
            ownThreads.join(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * JDK 21 added {@code HttpClient.shutdownNow()}, which stops the selector thread at once; on JDK
     * 17 there is no such method and the thread ends once the client is unreachable.
     */
    private static void shutdownNowIfSupported(HttpClient client) {
        try {
            Method shutdownNow = HttpClient.class.getMethod("shutdownNow");
            shutdownNow.invoke(client);
        } catch (NoSuchMethodException jdk17) {
            // the client becomes unreachable with this exporter's reference dropped
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "HttpClient.shutdownNow failed", e);
        }
    }

    /** @return the URL trace requests are POSTed to */
    public URI endpoint() {
        return uris[Signal.TRACES.ordinal()];
    }

    /**
     * @param signal a signal
     * @return the URL that signal's requests are POSTed to
     */
    public URI endpoint(Signal signal) {
        return uris[signal.ordinal()];
    }

    /** @return body chunks made because the client still held a slot's chunk (0 in steady state) */
    int extraChunks() {
        return transport == null ? 0 : transport.extraChunks.get();
    }

    @Override
    public String toString() {
        return "OtlpHttpSpanExporter[" + endpoint() + ", gzip=" + gzip + ", client=" + (transport == null ? "socket" : "jdk")
                + ", " + requests + "]";
    }
}
