package io.ringtrace.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the load tool's log mode working: {@code --signal=logs} in smoke mode (in-process, a low
 * fixed rate, about two seconds per system) runs the four log systems end to end, the three that
 * export through the real loopback receiver and the Log4j2 file reference, and writes the report's
 * rows for them. Asserts that records arrived and were counted, never how fast anything was.
 */
class LogLoadSmokeTest {

    @Test
    void everyLogSystemDeliversAtALowRateAndTheReportHasItsRows(@TempDir Path out) throws Exception {
        LoadTool.Outcome outcome = LoadTool.run(new String[] {"--smoke", "--signal=logs", "--scenarios=rate=5k",
            "--warmup=0.3", "--measure=1.5", "--out=" + out}, System.out);

        assertEquals(LogSystems.DEFAULTS.size(), outcome.results().size(), "one run per log system");
        for (RunResult result : outcome.results()) {
            String system = result.spec.system();
            assertEquals("logs", result.spec.signal());
            assertTrue(result.windowPublished > 0, system + ": nothing in the measured window");
            assertEquals(result.windowPublished, result.serviceTime.getTotalCount(), system + ": one service time per record");
            assertTrue(result.windowDelivered > 0, system + ": nothing delivered in the window");
            if (system.equals(LogSystems.OTEL_LOGS_SDK)) {
                assertTrue(result.delivered > 0 && result.delivered <= result.published, system + ": " + result.delivered);
            } else {
                // 5k records/s: far below what any of them sustains, so none may lose one
                assertEquals(result.published, result.delivered, system + ": records lost at 5k/s");
            }
            if (system.equals(LogSystems.RINGTRACE_LOGGER) || system.equals(LogSystems.LOG4J2_RINGTRACE)) {
                assertEquals(0, result.countedDrops, system + ": counted drops");
                assertEquals(result.published, result.counters.get("ringtrace logs exported"), system + ": engine's count");
            }
        }
        assertEquals(outcome.results().get(3).published,
                outcome.results().get(3).counters.get("log4j2 file: lines written (whole run)"), "a line per event");

        String report = Files.readString(outcome.report(), StandardCharsets.UTF_8);
        assertTrue(report.contains("| metric | otel-logs-sdk | ringtrace-logger | log4j2-ringtrace | log4j2-file |"
                + " ringtrace-logger vs otel-logs-sdk |"), "report lacks the log systems' columns");
        for (String row : List.of("| offered records/s (window) |", "| delivered records/s (window, ",
                "| service time: the call itself, p99.9 (us) |", "| service time: the call itself, p50 (us) |",
                "| heap allocated B/record, producer threads |", "| GC cycles (window) |",
                "| dropped with a counted reason (all reasons) |", "| lost = published - delivered |")) {
            assertTrue(report.contains(row), "report lacks the row " + row);
        }
        assertTrue(report.contains("fixed offered rate 5,000 records/s"), "scenario described in records");
    }

    @Test
    void theEmptyRecordFloorRunsWhenNamedAndDeliversEveryRecord(@TempDir Path out) throws Exception {
        LoadTool.Outcome outcome = LoadTool.run(new String[] {"--smoke", "--signal=logs",
            "--systems=" + LogSystems.RINGTRACE_LOGGER_EMPTY, "--scenarios=rate=5k", "--warmup=0.3", "--measure=1.5",
            "--out=" + out}, System.out);

        assertEquals(1, outcome.results().size());
        RunResult result = outcome.results().get(0);
        assertEquals(LogSystems.RINGTRACE_LOGGER_EMPTY, result.spec.system());
        assertTrue(result.windowDelivered > 0, "nothing delivered in the window");
        assertEquals(result.published, result.delivered, "records lost at 5k/s");
        assertEquals(result.published, result.counters.get("ringtrace logs exported"), "engine's count");
        assertTrue(Files.readString(outcome.report(), StandardCharsets.UTF_8).contains("`logger.atInfo().emit()`"),
                "the report describes the empty record");
    }

    @Test
    void spanOnlyOptionsAndUnknownSystemsAreRefusedForLogs() {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(
                new String[] {"--signal=logs", "--systems=ringtrace"}));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(
                new String[] {"--systems=ringtrace-logger"}));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(
                new String[] {"--signal=logs", "--spool=on"}));
        LoadOptions defaults = LoadOptions.parse(new String[] {"--signal=logs"});
        assertEquals(LogSystems.DEFAULTS, defaults.systems);
        assertEquals(3, defaults.scenarios.size(), "rate=100k, rate=500k, max");
    }
}
