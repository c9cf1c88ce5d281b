package io.ringtrace.log4j2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.testkit.OtlpHttpReceiver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/**
 * The appender's builder: invalid settings are refused naming the setting (and the plugin returns
 * null, as Log4j2's own do), a given engine is written into and flushed but left open, a disabled
 * configuration ({@code OTEL_LOGS_EXPORTER=none}) makes an appender that sends nothing and costs
 * the logging thread one failed claim, and a full ring under {@code DROP} is counted, never thrown.
 */
class RingtraceAppenderBuilderTest {

    private static LogEvent event(String message) {
        return Log4jLogEvent.newBuilder().setLoggerName("b").setLevel(Level.INFO).setMessage(new SimpleMessage(message))
                .setTimeMillis(System.currentTimeMillis()).build();
    }

    @Test
    void invalidSettingsAreRefusedNamingTheSetting() {
        RingtraceAppenderBuilder builder = RingtraceAppender.newBuilder().setName("bad").setOverloadPolicy("SOMETIMES")
                .setEnvironment(Map.of("OTEL_LOGS_EXPORTER", "none")::get);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::buildOrThrow);
        assertTrue(e.getMessage().contains("overloadPolicy"), e.getMessage());
        assertNull(builder.build(), "the plugin returns null; Log4j2 reports the appender as missing");
        IllegalArgumentException endpoint = assertThrows(IllegalArgumentException.class, () -> RingtraceAppender.newBuilder()
                .setName("bad").setEndpoint("not a url at all").setEnvironment(Map.<String, String>of()::get).buildOrThrow());
        assertTrue(endpoint.getMessage().contains("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"), endpoint.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RingtraceAppender.newBuilder().buildOrThrow(), "a name is required");
    }

    @Test
    void theEngineNameIsTheAppendersMadeSafe() {
        assertEquals("log4j2-otlp", RingtraceAppenderBuilder.engineName("otlp"));
        assertEquals("log4j2-my-app-n-1", RingtraceAppenderBuilder.engineName("my app/n\u00e91").replace("\u00e9", "-"));
        assertEquals(64, RingtraceAppenderBuilder.engineName("x".repeat(100)).length());
    }

    @Test
    void aGivenEngineIsWrittenIntoAndFlushedButLeftOpen() {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        try (LogEngine engine = LogEngine.builder().exporter(exporter).build()) {
            RingtraceAppender appender = RingtraceAppender.newBuilder().setName("given").setLogEngine(engine).build();
            appender.start();
            appender.append(event("one"));
            appender.append(event("two"));
            appender.stop(5, TimeUnit.SECONDS);
            assertFalse(engine.isClosed(), "its owner closes it");
            EngineStats stats = appender.stats(new EngineStats());
            assertEquals(2, stats.published());
            assertEquals(2, stats.exported(), "stopping flushed it");
            assertEquals(2, exporter.decodedLogRecords().size());
        }
    }

    @Test
    void withoutAProtocolTheAppenderSendsOverOtlpHttpToTheLogsPath() throws InterruptedException {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            RingtraceAppender appender = RingtraceAppender.newBuilder().setName("default-transport")
                    .setEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.baseUrl())::get).build();
            appender.start();
            appender.append(event("one"));
            appender.append(event("two"));
            assertTrue(appender.stop(10, TimeUnit.SECONDS));

            assertTrue(receiver.awaitLogRecordCount(2, Duration.ofSeconds(5)));
            assertEquals(2, receiver.logRecordCount());
            assertTrue(receiver.paths().stream().allMatch("/v1/logs"::equals), receiver.paths().toString());
        }
    }

    @Test
    void aDisabledConfigurationMakesAnAppenderThatSendsNothing() {
        RingtraceAppender appender = RingtraceAppender.newBuilder().setName("off")
                .setEnvironment(Map.of("OTEL_LOGS_EXPORTER", "none")::get).build();
        appender.start();
        appender.append(event("ignored"));
        assertEquals(0, appender.stats(new EngineStats()).published());
        assertTrue(appender.stop(1, TimeUnit.SECONDS));
    }

    @Test
    void aFullRingUnderDropIsCountedNotThrown() {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        exporter.mode(InMemorySpanExporter.Mode.HOLD); // nothing completes: buffers and then the ring fill
        try (LogEngine engine = LogEngine.builder().exporter(exporter).ringSize(16).maxExportBatchSize(1)
                .requestBuffers(1).build()) {
            RingtraceAppender appender = RingtraceAppender.newBuilder().setName("full").setLogEngine(engine).build();
            appender.start();
            for (int i = 0; i < 200; i++) {
                appender.append(event("r" + i));
            }
            assertTrue(appender.stats(new EngineStats()).dropped(DropReason.RING_FULL) > 0);
            exporter.mode(InMemorySpanExporter.Mode.SUCCEED);
            exporter.completeHeld(Integer.MAX_VALUE);
        }
    }
}
