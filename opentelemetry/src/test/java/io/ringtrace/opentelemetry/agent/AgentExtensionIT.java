package io.ringtrace.opentelemetry.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The extension jar under the real OpenTelemetry Java agent ({@code -javaagent} with {@code
 * -Dotel.javaagent.extensions}): a forked JVM runs {@link AgentProgram} with {@code
 * OTEL_TRACES_EXPORTER=ringtrace} and the endpoint of a recording OTLP/HTTP receiver (HTTP is the
 * agent's default protocol, which ringtrace must take from the agent's configuration). Every span the program
 * makes (OpenTelemetry API spans through {@code GlobalOpenTelemetry}, the agent's JDK HttpClient
 * and HttpServer spans) arrives exactly once, through ringtrace (the engine's accounting, read over
 * JMX in the program, agrees with the receiver), with the agent's resource and scopes, and
 * ringtrace's own exports are not traced. Runs after {@code package} (it needs the shaded jar).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // each test: one forked JVM of at most 50 s
class AgentExtensionIT {

    private static final Pattern STATS = Pattern.compile(AgentProgram.STATS
            + " published=(\\d+) exported=(\\d+) inFlight=(\\d+) dropped=(\\d+)");

    /** The agent's default protocol, http/protobuf, which ringtrace takes from the agent's configuration. */
    @Test
    void everySpanOfTheAgentGoesThroughRingtraceOverHttp() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            String log = runUnderTheAgent(receiver.baseUrl(), null);
            check(receiver.requests(), log);
        }
    }

    /** OTLP/gRPC: the extension's relocated gRPC and protobuf run beside the agent's own. */
    @Test
    void everySpanOfTheAgentGoesThroughRingtraceOverGrpc() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            String log = runUnderTheAgent(receiver.endpoint(), "grpc");
            check(receiver.requests(), log);
        }
    }

    /** @return the program's output, after checking it ended well within the bound */
    private static String runUnderTheAgent(String endpoint, String protocol) throws Exception {
        Path extension = existing("ringtrace.extension.jar");
        Path agent = existing("ringtrace.agent.jar");
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("ringtrace.jvm.flags").trim().split("\\s+")));
        command.add("-Xmx256m");
        command.add("-javaagent:" + agent);
        command.add("-Dotel.javaagent.extensions=" + extension);
        command.add("-cp");
        command.add(programClassPath());
        command.add(AgentProgram.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("OTEL_TRACES_EXPORTER", "ringtrace");
        env.put("OTEL_METRICS_EXPORTER", "none");
        env.put("OTEL_LOGS_EXPORTER", "none");
        env.put("OTEL_SERVICE_NAME", "agent-it");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
        env.remove("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
        if (protocol == null) {
            env.remove("OTEL_EXPORTER_OTLP_PROTOCOL"); // the agent's default
        } else {
            env.put("OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
        }
        env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
        Path output = Files.createTempFile("agent-it", ".log");
        try {
            Process process = builder.redirectOutput(output.toFile()).start();
            boolean exited = process.waitFor(50, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            String log = new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
            assertTrue(exited, "the program did not end in 50 s:\n" + log);
            assertEquals(0, process.exitValue(), log);
            return log;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static void check(List<ExportTraceServiceRequest> requests, String log) {
        Matcher stats = STATS.matcher(log);
        assertTrue(stats.find(), "no engine stats (the extension did not install?):\n" + log);
        long published = Long.parseLong(stats.group(1));
        long exported = Long.parseLong(stats.group(2));
        assertEquals(AgentProgram.SPANS, published, log);
        assertEquals(AgentProgram.SPANS, exported, log);
        assertEquals(0, Long.parseLong(stats.group(4)), log);

        List<Received> spans = received(requests);
        assertEquals(AgentProgram.SPANS, spans.size(), "every span exactly once, through ringtrace only: " + names(spans) + "\n" + log);
        Map<String, Integer> perScope = new HashMap<>();
        for (Received r : spans) {
            assertEquals("agent-it", attribute(r.resource, "service.name"));
            assertEquals("opentelemetry-java-instrumentation", attribute(r.resource, "telemetry.distro.name"), "the agent's resource");
            assertFalse(String.valueOf(attribute(r.span.getAttributesList(), "url.full")).endsWith("/v1/traces"),
                    "ringtrace's own export was traced");
            perScope.merge(r.scope.getScope().getName(), 1, Integer::sum);
        }
        assertEquals(1 + AgentProgram.API_SPANS, perScope.get("io.ringtrace.it.app"), perScope.toString());
        assertEquals(AgentProgram.CALLS, perScope.get("io.opentelemetry.java-http-client"), perScope.toString());
        assertEquals(AgentProgram.CALLS, perScope.get("io.opentelemetry.java-http-server"), perScope.toString());

        Received checkout = spans.stream().filter(r -> r.span.getName().equals("checkout")).findFirst().orElseThrow();
        assertEquals("1.0.0", checkout.scope.getScope().getVersion());
        for (Received r : spans) {
            if (r.scope.getScope().getName().equals("io.opentelemetry.java-http-client")) {
                assertEquals(checkout.span.getTraceId(), r.span.getTraceId(), "client spans in the API span's trace");
                assertEquals(checkout.span.getSpanId(), r.span.getParentSpanId(), "client spans under the API span");
            }
        }
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        // set by the integration-test execution only: the unit-test phase (-Dtest=... names it there too) skips
        Assumptions.assumeTrue(value != null, property + " is set in the integration-test phase, after package");
        Path path = Paths.get(value);
        assertTrue(Files.isRegularFile(path), path + " exists (built by the package phase)");
        return path;
    }

    /** The program's classes and the OpenTelemetry API it compiles against; nothing of ringtrace's. */
    private static String programClassPath() throws Exception {
        List<String> entries = new ArrayList<>();
        entries.add(Paths.get(AgentProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        for (Class<?> c : new Class<?>[] {GlobalOpenTelemetry.class, Context.class, Class.forName("io.opentelemetry.common.ComponentLoader")}) {
            entries.add(Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static final class Received {
        final List<KeyValue> resource;
        final ScopeSpans scope;
        final Span span;

        Received(ResourceSpans r, ScopeSpans s, Span span) {
            this.resource = r.getResource().getAttributesList();
            this.scope = s;
            this.span = span;
        }
    }

    private static List<Received> received(List<ExportTraceServiceRequest> requests) {
        List<Received> spans = new ArrayList<>();
        for (ExportTraceServiceRequest request : requests) {
            for (ResourceSpans r : request.getResourceSpansList()) {
                for (ScopeSpans s : r.getScopeSpansList()) {
                    for (Span span : s.getSpansList()) {
                        spans.add(new Received(r, s, span));
                    }
                }
            }
        }
        return spans;
    }

    private static List<String> names(List<Received> spans) {
        List<String> names = new ArrayList<>();
        spans.forEach(r -> names.add(r.scope.getScope().getName() + ":" + r.span.getName()));
        return names;
    }

    private static Object attribute(List<KeyValue> attributes, String key) {
        for (KeyValue kv : attributes) {
            if (kv.getKey().equals(key)) {
                return kv.getValue().hasStringValue() ? kv.getValue().getStringValue() : kv.getValue().toString();
            }
        }
        return null;
    }
}
