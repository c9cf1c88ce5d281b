package io.ringtrace.opentelemetry.agent;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The application {@link AgentExtensionIT} runs under the OpenTelemetry Java agent: spans from the
 * OpenTelemetry API ({@link GlobalOpenTelemetry}) and from libraries the agent instruments (the JDK
 * {@code HttpClient} calling the JDK {@code HttpServer}, both on loopback). It knows ringtrace only
 * by its JMX MBean: it waits until the engine has exported every span it made, prints the engine's
 * accounting on one line and exits (the agent's shutdown hook then closes the SDK and the engine).
 *
 * <p>Spans: 1 API parent, {@link #CALLS} HTTP client and {@link #CALLS} HTTP server spans under it,
 * and {@link #API_SPANS} more API spans.
 */
public final class AgentProgram {

    static final int CALLS = 3;
    static final int API_SPANS = 5;
    static final int SPANS = 1 + 2 * CALLS + API_SPANS;
    static final String STATS = "RINGTRACE-STATS";

    private AgentProgram() {}

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/orders", exchange -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Tracer tracer = GlobalOpenTelemetry.getTracer("io.ringtrace.it.app", "1.0.0");
            HttpClient client = HttpClient.newHttpClient();
            Span parent = tracer.spanBuilder("checkout").setSpanKind(SpanKind.INTERNAL)
                    .setAttribute("order.id", 42L).startSpan();
            try (Scope ignored = parent.makeCurrent()) {
                for (int i = 0; i < CALLS; i++) {
                    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/orders/" + i);
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("status " + response.statusCode());
                    }
                }
            } finally {
                parent.end();
            }
            for (int i = 0; i < API_SPANS; i++) {
                tracer.spanBuilder("api span " + i).setAttribute("index", i).startSpan().end();
            }
            System.out.println(awaitExported());
        } finally {
            server.stop(0);
        }
    }

    /** @return the engine's accounting once it has exported {@link #SPANS} spans and holds none, or at the deadline */
    private static String awaitExported() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName engine = new ObjectName("io.ringtrace:type=Engine,name=opentelemetry");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        do {
            long published = (Long) jmx.getAttribute(engine, "Published");
            long exported = (Long) jmx.getAttribute(engine, "Exported");
            long inFlight = (Long) jmx.getAttribute(engine, "InFlight");
            long dropped = (Long) jmx.getAttribute(engine, "DroppedTotal");
            line = STATS + " published=" + published + " exported=" + exported + " inFlight=" + inFlight + " dropped=" + dropped;
            if (published + dropped >= SPANS && inFlight == 0) {
                return line;
            }
            Thread.sleep(20); // polls a condition with a deadline
        } while (System.nanoTime() < deadline);
        return line;
    }
}
