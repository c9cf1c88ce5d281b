package io.ringtrace.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the load tool working: its smoke mode (seconds, in-process, every scenario, both systems)
 * runs end to end against the real loopback receiver and writes a complete report. Asserts that
 * the tool measured and reported, never how fast anything was (numbers live in bench/README.md).
 */
class LoadToolSmokeTest {

    @Test
    void smokeModeRunsEveryScenarioForEverySystemAndWritesTheReport(@TempDir Path out) throws Exception {
        LoadTool.Outcome outcome = LoadTool.run(new String[] {"--smoke", "--out=" + out, "--systems=" + SYSTEMS},
                System.out);

        List<String> systems = List.of(SYSTEMS.split(","));
        assertEquals(4 * systems.size(), outcome.results().size(), "4 smoke scenarios x systems");
        for (RunResult result : outcome.results()) {
            String run = result.spec.scenario().label() + "/" + result.spec.system();
            assertTrue(result.published > 0, run + ": published nothing");
            assertTrue(result.windowPublished > 0, run + ": nothing in the measured window");
            assertEquals(result.windowPublished, result.latency.getTotalCount(), run + ": one latency per windowed span");
            assertTrue(result.received > 0, run + ": the receiver decoded nothing");
            assertTrue(result.received <= result.published, run + ": received more than published");
            assertTrue(result.cpuNanos > 0, run + ": no CPU time measured");
            assertTrue(result.allocatedBytes >= 0 && result.producerAllocatedBytes >= 0, run + ": negative allocation");
        }

        String report = Files.readString(outcome.report(), StandardCharsets.UTF_8);
        for (String scenario : List.of("max", "rate-20k", "outage-20k", "burst-4096")) {
            assertTrue(report.contains("### " + scenario), "report lacks " + scenario);
            Path chart = out.resolve("latency-" + scenario + ".png");
            assertNotNull(ImageIO.read(chart.toFile()), "no readable chart " + chart);
            for (String system : systems) {
                assertTrue(Files.size(out.resolve(scenario + "-" + system + ".hgrm")) > 0);
            }
        }
        assertTrue(report.contains("| latency p99.99 (us) |"), "report lacks the percentile rows");
        assertTrue(report.contains("cores: "), "report lacks the machine");
    }

    private static final String SYSTEMS = RunSpec.RINGTRACE + "," + RunSpec.SDK;
}
