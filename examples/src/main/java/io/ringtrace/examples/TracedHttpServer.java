package io.ringtrace.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.StatusCode;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceContext;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.W3cTraceContext;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.testkit.OtlpReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The span API in a service: a tiny HTTP server ({@code com.sun.net.httpserver}, on 127.0.0.1) whose
 * {@code GET /hop?n=N} continues the caller's trace from its W3C {@code traceparent} header and, while
 * {@code N > 0}, calls itself with {@code N - 1}, sending the trace on in a {@code traceparent} of its
 * own. So one request makes a chain of spans, all in one trace:
 * <pre>
 * SERVER GET /hop (n=2)          handler thread, parent = the incoming traceparent (or a new trace)
 *   CLIENT call /hop             client thread: explicit parent, the span crosses threads
 *     SERVER GET /hop (n=1)      the next handler thread, parent from the traceparent we sent
 *       CLIENT call /hop
 *         SERVER GET /hop (n=0)
 * </pre>
 * The response body is the server span's own {@code traceparent}. With {@code parentbased_*}
 * sampling (the default), an incoming {@code traceparent} with the sampled flag off makes the whole
 * chain unsampled: nothing is recorded, but the context is still propagated.
 *
 * <p>Run: {@code java $FLAGS -cp ... io.ringtrace.examples.TracedHttpServer [--serve]}: sends a few
 * requests to itself and prints their traceparents; with {@code --serve} it then keeps serving (try
 * {@code curl -H 'traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
 * 'http://127.0.0.1:PORT/hop?n=2'}) until Enter is pressed.
 */
public final class TracedHttpServer implements AutoCloseable {

    /** Deepest chain a request may ask for (each hop holds a handler and a client thread). */
    public static final int MAX_HOPS = 8;

    static final Utf8Constant GET_HOP = Utf8Constant.of("GET /hop");
    static final Utf8Constant CALL_HOP = Utf8Constant.of("call /hop");
    static final Utf8Constant HTTP_METHOD = Utf8Constant.of("http.request.method");
    static final Utf8Constant HTTP_ROUTE = Utf8Constant.of("http.route");
    static final Utf8Constant HTTP_STATUS = Utf8Constant.of("http.response.status_code");
    static final Utf8Constant HOPS_LEFT = Utf8Constant.of("hops.left");
    static final Utf8Constant SERVER_PORT = Utf8Constant.of("server.port");

    /** One reusable context per handler thread: parsing into it allocates nothing. */
    private static final ThreadLocal<TraceContext> INCOMING = ThreadLocal.withInitial(TraceContext::new);

    private final Tracer tracer;
    private final HttpServer server;
    private final ExecutorService handlerThreads;
    private final ExecutorService clientThreads;

    /**
     * Starts the server on 127.0.0.1 and a free port.
     *
     * @param engine the engine its spans go to
     * @throws IOException if the server cannot bind
     */
    public TracedHttpServer(TraceEngine engine) throws IOException {
        this.tracer = engine.tracer(InstrumentationScope.builder("io.ringtrace.examples.http").version("1.0").build());
        // one handler and one client thread per hop of the deepest chain: each hop waits for the next
        this.handlerThreads = Executors.newFixedThreadPool(MAX_HOPS + 1);
        this.clientThreads = Executors.newFixedThreadPool(MAX_HOPS + 1);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/hop", this::handle);
        server.setExecutor(handlerThreads);
        server.start();
    }

    /** @return the base URL, {@code http://127.0.0.1:port} */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        // W3C in: the caller's context becomes our parent (remote). Invalid or absent: a new trace.
        TraceContext incoming = INCOMING.get(); // parseTraceParent clears it first
        if (W3cTraceContext.parseTraceParent(exchange.getRequestHeaders().getFirst("traceparent"), incoming)) {
            W3cTraceContext.parseTraceState(exchange.getRequestHeaders().getFirst("tracestate"), incoming);
        }
        int hops = hopsOf(exchange.getRequestURI());
        Span serverSpan = tracer.start(GET_HOP, SpanKind.SERVER, incoming);
        serverSpan.attribute(HTTP_METHOD, "GET").attribute(HTTP_ROUTE, "/hop").attribute(HOPS_LEFT, hops)
                .attribute(SERVER_PORT, server.getAddress().getPort());
        int status = 200;
        try {
            if (hops < 0 || hops > MAX_HOPS) {
                status = 400;
                serverSpan.status(StatusCode.ERROR, "n must be in [0, " + MAX_HOPS + "]");
            } else if (hops > 0) {
                // the downstream call runs on another thread; its span names its parent explicitly
                Future<Integer> call = clientThreads.submit(() -> callNextHop(serverSpan, hops - 1));
                int downstream = call.get(10, TimeUnit.SECONDS);
                if (downstream != 200) {
                    status = 502;
                    serverSpan.status(StatusCode.ERROR, "downstream hop answered " + downstream);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 500;
            serverSpan.status(StatusCode.ERROR, "interrupted");
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            status = 502;
            serverSpan.status(StatusCode.ERROR, "downstream hop failed: " + e);
        }
        // the response body is our span's traceparent, so callers (and the test) can see the chain
        StringBuilder body = new StringBuilder(W3cTraceContext.TRACEPARENT_LENGTH);
        W3cTraceContext.writeTraceParent(serverSpan.context(), body);
        serverSpan.attribute(HTTP_STATUS, status);
        serverSpan.end(); // before responding: once the caller has the answer, our span is in the ring
        byte[] bytes = body.toString().getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Calls {@code /hop?n=hops} on this server, in a CLIENT span that is a child of {@code parent}. */
    private int callNextHop(Span parent, int hops) throws IOException {
        Span clientSpan = tracer.start(CALL_HOP, SpanKind.CLIENT, parent); // explicit parent: another thread's span
        try {
            // W3C out: the next hop continues our trace, as a child of this CLIENT span
            StringBuilder traceparent = new StringBuilder(W3cTraceContext.TRACEPARENT_LENGTH);
            W3cTraceContext.writeTraceParent(clientSpan.context(), traceparent);
            int status = get(URI.create(baseUrl() + "/hop?n=" + hops), traceparent.toString()).status();
            clientSpan.attribute(HTTP_METHOD, "GET").attribute(HTTP_STATUS, status);
            if (status != 200) {
                clientSpan.status(StatusCode.ERROR, "HTTP " + status);
            }
            return status;
        } catch (IOException e) {
            clientSpan.status(StatusCode.ERROR, e.toString());
            throw e;
        } finally {
            clientSpan.end();
        }
    }

    /**
     * An HTTP answer.
     *
     * @param status the HTTP status
     * @param body the body as text
     */
    public record Response(int status, String body) {}

    /**
     * A plain {@code GET} with an optional {@code traceparent} header.
     *
     * @param uri where
     * @param traceparent the header value, or null for none
     * @return the answer
     * @throws IOException on a network error
     */
    public static Response get(URI uri, String traceparent) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(15_000);
        if (traceparent != null) {
            connection.setRequestProperty("traceparent", traceparent);
        }
        int status = connection.getResponseCode();
        try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    private static int hopsOf(URI uri) {
        String query = uri.getRawQuery();
        if (query == null || !query.startsWith("n=")) {
            return 0;
        }
        try {
            return Integer.parseInt(query.substring(2));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Stops the server (waiting up to a second for exchanges in progress) and its threads. */
    @Override
    public void close() {
        server.stop(1);
        handlerThreads.shutdownNow();
        clientThreads.shutdownNow();
    }

    /**
     * @param args {@code --serve} to keep serving after the demo requests, until Enter is pressed
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.builder().countOnly().start()) {
            TraceEngine engine = TraceEngine.builder()
                    .exporter(OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build())
                    .build();
            try (TracedHttpServer server = new TracedHttpServer(engine)) {
                String sampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
                Response continued = get(URI.create(server.baseUrl() + "/hop?n=2"), sampled);
                System.out.println("traceparent " + sampled + " -> 3 hops, last server span " + continued.body());
                Response fresh = get(URI.create(server.baseUrl() + "/hop?n=1"), null);
                System.out.println("no traceparent -> a new trace: " + fresh.body());
                if (args.length > 0 && args[0].equals("--serve")) {
                    System.out.println("serving at " + server.baseUrl() + "/hop?n=N; press Enter to stop");
                    System.in.read();
                }
            } finally {
                engine.close(Duration.ofSeconds(10));
            }
            receiver.awaitSpanCount(8, Duration.ofSeconds(5));
            System.out.println("spans received by the embedded OTLP receiver: " + receiver.spanCount());
        }
    }
}
