package io.ringtrace.log4j2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.ringtrace.testkit.OtlpReceiver;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The appender as a user configures it: {@code log4j2-otlp-e2e.xml} declares a {@code <Ringtrace>}
 * appender (found through Log4j2's plugin cache, which the build generates), loggers log through
 * Log4j2's API, and every record arrives over OTLP/gRPC at the test kit's receiver on 127.0.0.1,
 * decoded by the official classes: resource, scope per logger, time, severity, body, context map,
 * thread and exception attributes. Stopping the logger context closes the appender's engine, which
 * exports everything first.
 */
class XmlConfiguredEndToEndTest {

    private final OtlpReceiver receiver = OtlpReceiver.start();
    private LoggerContext context;

    @AfterEach
    void stop() {
        ThreadContext.clearMap();
        if (context != null) {
            context.stop(10, TimeUnit.SECONDS);
        }
        receiver.close();
        System.clearProperty("ringtrace.test.endpoint");
    }

    private static Map<String, KeyValue> attributes(LogRecord r) {
        Map<String, KeyValue> m = new HashMap<>();
        for (KeyValue kv : r.getAttributesList()) {
            m.put(kv.getKey(), kv);
        }
        return m;
    }

    @Test
    void recordsConfiguredInLog4j2XmlArriveAtAnOtlpReceiver() throws Exception {
        System.setProperty("ringtrace.test.endpoint", receiver.endpoint());
        context = new LoggerContext("e2e", null, URI.create(getClass().getResource("/log4j2-otlp-e2e.xml").toString()));
        context.start();
        assertNotNull(context.getConfiguration().getAppender("otlp"), "the plugin was found and built");
        Logger orders = context.getLogger("com.example.orders");
        Logger audit = context.getLogger("com.example.audit");

        ThreadContext.put("order.id", "A-17");
        orders.info("filled {} at {}", 250, 101.25);
        orders.debug("below the logger's level: never sent");
        orders.error("rejected", new IllegalStateException("limit breached"));
        ThreadContext.clearMap();
        audit.log(Level.forName("NOTICE", 350), "checked");
        context.stop(10, TimeUnit.SECONDS); // closes the engine: everything published is exported first
        context = null;

        ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
                .addAllResourceLogs(receiver.logsRequests().stream().flatMap(r -> r.getResourceLogsList().stream())
                        .collect(java.util.stream.Collectors.toList())).build();
        Map<String, List<LogRecord>> byScope = new HashMap<>();
        for (ResourceLogs rl : request.getResourceLogsList()) {
            assertTrue(rl.getResource().getAttributesList().stream().anyMatch(kv -> kv.getKey().equals("service.name")
                    && kv.getValue().getStringValue().equals("log4j2-e2e")), rl.getResource().toString());
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                byScope.computeIfAbsent(sl.getScope().getName(), k -> new java.util.ArrayList<>()).addAll(sl.getLogRecordsList());
            }
        }
        List<LogRecord> fromOrders = byScope.get("com.example.orders");
        assertEquals(2, fromOrders.size(), byScope.toString());
        LogRecord filled = fromOrders.get(0);
        assertEquals("filled 250 at 101.25", filled.getBody().getStringValue());
        assertEquals(SeverityNumber.SEVERITY_NUMBER_INFO, filled.getSeverityNumber());
        assertEquals("INFO", filled.getSeverityText());
        assertTrue(filled.getTimeUnixNano() > 0 && filled.getObservedTimeUnixNano() >= filled.getTimeUnixNano() - 1_000_000);
        assertEquals("A-17", attributes(filled).get("order.id").getValue().getStringValue());
        assertEquals(Thread.currentThread().getName(), attributes(filled).get("thread.name").getValue().getStringValue());
        assertEquals(Thread.currentThread().getId(), attributes(filled).get("thread.id").getValue().getIntValue());
        LogRecord rejected = fromOrders.get(1);
        assertEquals(SeverityNumber.SEVERITY_NUMBER_ERROR, rejected.getSeverityNumber());
        Map<String, KeyValue> exception = attributes(rejected);
        assertEquals("java.lang.IllegalStateException", exception.get("exception.type").getValue().getStringValue());
        assertEquals("limit breached", exception.get("exception.message").getValue().getStringValue());
        String trace = exception.get("exception.stacktrace").getValue().getStringValue();
        assertTrue(trace.startsWith("java.lang.IllegalStateException: limit breached") && trace.length() <= 2048, trace);
        LogRecord notice = byScope.get("com.example.audit").get(0);
        assertEquals(SeverityNumber.SEVERITY_NUMBER_INFO3, notice.getSeverityNumber());
        assertEquals("NOTICE", notice.getSeverityText());
    }
}
