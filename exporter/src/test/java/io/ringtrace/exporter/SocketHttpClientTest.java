package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.ringtrace.engine.export.DropReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The socket client's HTTP/1.1 against replies a real receiver or proxy may send, scripted byte for
 * byte by a raw server on 127.0.0.1: a chunked body, {@code Connection: close}, a body delimited by
 * the end of the connection, {@code Retry-After} as an HTTP date, lower-case header names, a reply
 * head over the limit; and the request it writes (head, exact body bytes, keep-alive reuse).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketHttpClientTest extends ExporterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Answers each request with the next scripted reply; records each request's head and body. */
    private static final class ScriptedServer implements AutoCloseable {
        final ServerSocket socket;
        final LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
        final List<String> heads = new CopyOnWriteArrayList<>();
        final List<byte[]> bodies = new CopyOnWriteArrayList<>();
        volatile int connections;
        private final Thread acceptor;

        ScriptedServer() throws IOException {
            socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            acceptor = new Thread(this::acceptLoop, "scripted-http-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/v1/traces";
        }

        private void acceptLoop() {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    connections++;
                    serve(connection);
                } catch (IOException | InterruptedException closed) {
                    // next connection, or the server is closed
                }
            }
        }

        private void serve(Socket connection) throws IOException, InterruptedException {
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                heads.add(head);
                int length = Integer.parseInt(header(head, "content-length"));
                bodies.add(in.readNBytes(length));
                String reply = replies.take();
                out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (reply.toLowerCase(Locale.ROOT).contains("connection: close") || !reply.contains("ength:")
                        && !reply.contains("chunked")) {
                    return; // closes the connection
                }
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        static String header(String head, String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String partialSuccessBody(long rejected) {
        byte[] body = ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected).setErrorMessage("some"))
                .build().toByteArray();
        return new String(body, StandardCharsets.ISO_8859_1);
    }

    private OtlpHttpSpanExporter exporterTo(ScriptedServer server, Duration timeout) {
        return track(OtlpHttpSpanExporter.builder().endpoint(server.url())
                .client(OtlpHttpSpanExporterBuilder.Client.SOCKET)
                .addHeader("api-key", "secret-value")
                .timeout(timeout)
                .retryPolicy(FAST_RETRIES)
                .build());
    }

    private TestRequest export(OtlpHttpSpanExporter exporter, ExportTraceServiceRequest message) throws InterruptedException {
        TestRequest request = request(message);
        exporter.export(request);
        return request.await(WAIT);
    }

    @Test
    void repliesInEveryFramingAreReadAndKeptAliveConnectionsReused() throws Exception {
        try (ScriptedServer server = new ScriptedServer()) {
            String partial = partialSuccessBody(3);
            String chunkedPartial = Integer.toHexString(partial.length()) + "\r\n" + partial + "\r\n0\r\n\r\n";
            server.replies.add("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
            server.replies.add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedPartial);
            server.replies.add("HTTP/1.1 200 OK\r\nContent-Length: " + partial.length() + "\r\nConnection: close\r\n\r\n" + partial);
            server.replies.add("HTTP/1.1 200 OK\r\n\r\n" + partial); // delimited by the connection's end
            server.replies.add("HTTP/1.1 204 No Content\r\n\r\n");
            OtlpHttpSpanExporter exporter = exporterTo(server, Duration.ofSeconds(10));
            ExportTraceServiceRequest message = otlpRequest(300);

            assertEquals(0, export(exporter, message).rejectedSpans());
            assertEquals(3, export(exporter, message).rejectedSpans(), "chunked reply decoded");
            assertEquals(3, export(exporter, message).rejectedSpans(), "Content-Length reply decoded");
            assertEquals(3, export(exporter, message).rejectedSpans(), "reply to the end of the connection decoded");
            assertTrue(export(exporter, message).succeeded(), "204 without a body");

            assertEquals(3, server.connections, "kept alive until the receiver closed: after the 3rd and 4th replies");
            byte[] expected = message.toByteArray();
            for (byte[] body : server.bodies) {
                assertEquals(ExportTraceServiceRequest.parseFrom(expected), ExportTraceServiceRequest.parseFrom(body));
            }
            String head = server.heads.get(0);
            assertTrue(head.startsWith("POST /v1/traces HTTP/1.1\r\n"), head);
            assertEquals("application/x-protobuf", ScriptedServer.header(head, "content-type"));
            assertEquals("secret-value", ScriptedServer.header(head, "api-key"));
            assertEquals(String.valueOf(expected.length), ScriptedServer.header(head, "content-length"));
            assertEquals("127.0.0.1:" + server.socket.getLocalPort(), ScriptedServer.header(head, "host"));
        }
    }

    @Test
    void retryAfterAsAnHttpDateAndAnOversizedHeadAreHandled() throws Exception {
        try (ScriptedServer server = new ScriptedServer()) {
            String soon = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(2)); // whole seconds: at least 1 s from now
            server.replies.add("HTTP/1.1 503 Service Unavailable\r\nretry-after: " + soon + "\r\nContent-Length: 0\r\n\r\n");
            server.replies.add("HTTP/1.1 200 OK\r\nX-Filler: " + "x".repeat(HttpReplyReader.MAX_HEAD_BYTES) + "\r\n\r\n");
            server.replies.add("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            OtlpHttpSpanExporter exporter = exporterTo(server, Duration.ofSeconds(10));

            long start = System.nanoTime();
            TestRequest request = export(exporter, otlpRequest(10));

            assertTrue(request.succeeded(), "503, then a head too long to read (retried), then 200");
            assertEquals(2, request.retries());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900),
                    "the first retry waited for the HTTP date");
            assertEquals(null, request.failure());
            assertTrue(logLines().stream().noneMatch(line -> line.contains("secret-value")), logLines().toString());
        }
    }

    @Test
    void aReceiverThatNeverRepliesIsCutAtTheTimeout() throws Exception {
        try (ScriptedServer server = new ScriptedServer()) { // no reply scripted: the server waits
            OtlpHttpSpanExporter exporter = track(OtlpHttpSpanExporter.builder().endpoint(server.url())
                    .client(OtlpHttpSpanExporterBuilder.Client.SOCKET)
                    .timeout(Duration.ofMillis(300))
                    .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(10)).maxAttempts(2).build())
                    .build());

            TestRequest request = export(exporter, otlpRequest(10));

            assertEquals(DropReason.EXPORT_FAILED, request.failure());
            assertEquals(1, request.retries());
            assertTrue(logLines().stream().anyMatch(line -> line.contains("no reply within the timeout of 300 ms")),
                    logLines().toString());
        }
    }
}
