package io.ringtrace.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The log benchmark's ringtrace and SDK variants deliver what they emit, and the ringtrace
 * tear-down's delivery check fails a run that lost a record. (The Log4j2 variants need their fork's
 * system properties: the smoke run of the README covers them.)
 */
class LogEmitDeliveryTest {

    private static final int RECORDS = 20_000; // more than the ring's 8,192 slots: BLOCK is exercised

    @Test
    void ringtraceLoggerExportsEveryRecord() {
        LogEmitBenchmark benchmark = new LogEmitBenchmark();
        LogEmitBenchmark.Ringtrace state = new LogEmitBenchmark.Ringtrace();
        state.start();
        for (int i = 0; i < RECORDS; i++) {
            benchmark.ringtraceLogger(state);
        }
        state.stop();
        assertEquals(RECORDS, state.exporter.exportedSpans());
    }

    @Test
    void tearDownFailsWhenARecordIsMissing() {
        LogEmitBenchmark benchmark = new LogEmitBenchmark();
        LogEmitBenchmark.Ringtrace state = new LogEmitBenchmark.Ringtrace();
        state.start();
        for (int i = 0; i < 10; i++) {
            benchmark.ringtraceLogger(state);
        }
        state.published++; // one emit the engine never saw
        IllegalStateException failure = assertThrows(IllegalStateException.class, state::stop);
        assertEquals("ringtrace logger: 11 records emitted, 10 exported, 0 dropped", failure.getMessage());
    }

    @Test
    void otelSdkExportsWhatItsQueueHeld() {
        LogEmitBenchmark benchmark = new LogEmitBenchmark();
        LogEmitBenchmark.OtelSdk state = new LogEmitBenchmark.OtelSdk();
        state.start();
        for (int i = 0; i < 100; i++) { // below its 2,048-record queue: nothing dropped
            benchmark.otelSdk(state);
        }
        state.stop();
        assertEquals(100, state.exporter.exported());
    }
}
