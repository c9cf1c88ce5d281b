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
            assertEquals(result.windowPublished, result.serviceTime.getTotalCount(), run + ": one service time per windowed span");
            assertTrue(result.delivered > 0, run + ": the receiver decoded nothing");
            assertTrue(result.delivered <= result.published, run + ": received more than published");
            assertTrue(result.cpuNanos > 0, run + ": no CPU time measured");
            assertTrue(result.allocatedBytes >= 0 && result.producerAllocatedBytes >= 0, run + ": negative allocation");
        }

        String report = Files.readString(outcome.report(), StandardCharsets.UTF_8);
        for (String scenario : List.of("max", "rate-20k", "outage-20k", "burst-4096")) {
            assertTrue(report.contains("### " + scenario), "report lacks " + scenario);
            Path chart = out.resolve("latency-" + scenario + ".png");
            assertNotNull(ImageIO.read(chart.toFile()), "no readable chart " + chart);
            assertNotNull(ImageIO.read(out.resolve("service-" + scenario + ".png").toFile()), "no service-time chart");
            for (String system : systems) {
                assertTrue(Files.size(out.resolve("raw").resolve(scenario + "-" + system + ".hgrm")) > 0);
                assertTrue(Files.size(out.resolve("raw").resolve(scenario + "-" + system + "-service.hgrm")) > 0);
            }
        }
        assertTrue(report.contains("| response time from intended start, p99.99 (us) |"), "report lacks the response-time rows");
        assertTrue(report.contains("| service time: the call itself, p99.9 (us) |"), "report lacks the service-time rows");
        assertTrue(report.contains("transport: **otlp**"), "report does not say which transport ran");
        assertTrue(report.contains("cores: "), "report lacks the machine");
    }

    /**
     * The outage scenario with the spool: the receiver is down longer than the spool's 1 s
     * {@code spoolAfter}, so the spool column spools, drains after the receiver's return and loses
     * nothing; plain ringtrace has no spool to report. Both split their service time by phase, and
     * the temporary spool directories are gone afterwards.
     */
    @Test
    void outageWithTheSpoolReportsSpooledSpansDrainAndPhases(@TempDir Path out) throws Exception {
        long spoolDirsBefore = temporarySpoolDirs();
        LoadTool.Outcome outcome = LoadTool.run(new String[] {"--smoke", "--out=" + out,
            "--systems=" + RunSpec.RINGTRACE + "," + RunSpec.RINGTRACE_SPOOL, "--scenarios=outage=5k",
            // 512-span requests: at 5k spans/s one seals every 0.1 s, so requests start failing early
            // enough in the short outage to pass the spool's 1 s (the default 4096 take 0.8 s to fill)
            "--warmup=0.3", "--measure=3", "--outage=1.5", "--batch=512"}, System.out);

        RunResult plain = outcome.results().get(0);
        RunResult spooled = outcome.results().get(1);
        assertEquals(RunSpec.RINGTRACE_SPOOL, spooled.spec.system());
        assertEquals(-1, plain.spooledAtOutageEnd, "plain ringtrace has no spool");
        assertEquals(-1, plain.drainNanos, "plain ringtrace has no drain time");
        assertTrue(spooled.spooledAtOutageEnd > 0, "nothing spooled during a 1.5 s outage");
        assertTrue(spooled.drainNanos >= 0, "the spool did not drain: " + spooled.drainNanos);
        assertEquals(0, spooled.countedDrops, "the spool dropped spans");
        assertEquals(spooled.published, spooled.delivered, "with the spool every published span arrives");
        for (RunResult result : outcome.results()) {
            long before = result.beforeServiceTime.getTotalCount();
            long outage = result.outageServiceTime.getTotalCount();
            long drain = result.drainServiceTime.getTotalCount();
            assertTrue(before > 0, result.spec.system() + ": no service time before the outage");
            assertTrue(outage > 0, result.spec.system() + ": no service time during the outage");
            assertTrue(before + outage + drain <= result.serviceTime.getTotalCount(), "phases hold more calls than the window");
        }
        assertEquals(spoolDirsBefore, temporarySpoolDirs(), "a temporary spool directory was left behind");
        String report = Files.readString(outcome.report(), StandardCharsets.UTF_8);
        assertTrue(report.contains("| spooled spans when the receiver came back |"), "report lacks the spool row");
        assertTrue(report.contains("| drain: receiver back until the spool is empty (s) |"), "report lacks the drain row");
        assertTrue(report.contains("| service time before the outage (the receiver up), p99.9 (us) |"),
                "report lacks the baseline before the outage");
        assertTrue(report.contains("| service time during the outage, p99.9 (us) |"), "report lacks the outage phase");
    }

    private static long temporarySpoolDirs() throws java.io.IOException {
        try (java.util.stream.Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(dir -> dir.getFileName().toString().startsWith("ringtrace-load-spool")).count();
        }
    }

    /**
     * The engine-level path: transport none, no receiver, 2 producer threads, ring API
     * under the BLOCK policy with a non-default batch, the minimal span (no event). Exported spans are
     * counted by the discarding exporters, and ringtrace's accounting closes exactly.
     */
    @Test
    void transportNoneRunsWithoutReceiverAndRecordsServiceTime(@TempDir Path out) throws Exception {
        LoadTool.Outcome outcome = LoadTool.run(new String[] {"--smoke", "--out=" + out, "--systems=" + SYSTEMS,
            "--transport=none", "--scenarios=rate=20k,max", "--producers=2", "--api=ring", "--policy=block",
            "--batch=256", "--events=0", "--warmup=0.3", "--measure=1"}, System.out);

        assertEquals(4, outcome.results().size(), "2 scenarios x 2 systems");
        for (RunResult result : outcome.results()) {
            String run = result.spec.scenario().label() + "/" + result.spec.system();
            assertEquals(RunSpec.TRANSPORT_NONE, result.spec.transport(), run);
            assertEquals(2, result.spec.producers(), run);
            assertEquals(0, result.spec.events(), run + ": the run JVM did not get the minimal span shape");
            assertTrue(result.windowPublished > 0, run + ": nothing in the measured window");
            assertEquals(result.windowPublished, result.serviceTime.getTotalCount(), run + ": one service time per call");
            assertEquals(result.windowPublished, result.latency.getTotalCount(), run + ": one response time per call");
            assertTrue(result.windowDelivered > 0, run + ": the discarding exporter completed nothing in the window");
            assertTrue(result.delivered > 0 && result.delivered <= result.published, run + ": exported " + result.delivered
                    + " of " + result.published);
            if (result.spec.scenario().paced()) {
                // every call starts at or after its intended start: response time >= service time, percentile by percentile
                for (double p : new double[] {50, 99, 99.9}) {
                    assertTrue(result.latency.getValueAtPercentile(p) >= result.serviceTime.getValueAtPercentile(p),
                            run + ": response time below service time at p" + p);
                }
            }
            if (result.spec.system().equals(RunSpec.RINGTRACE)) {
                assertEquals(0, result.unaccounted(), run + ": published " + result.published + " = exported "
                        + result.delivered + " + counted drops " + result.countedDrops);
                assertEquals(0, result.refused, run + ": BLOCK never refuses at the call");
                assertEquals(result.published, result.counters.get("ringtrace published"), run + ": engine saw every call");
            } else {
                assertEquals(-1, result.countedDrops, run + ": the SDK counts no drops");
            }
        }

        String report = Files.readString(outcome.report(), StandardCharsets.UTF_8);
        assertTrue(report.contains("transport: **none**"), "report does not say which transport ran");
        assertTrue(report.contains("- span: name, 4 attributes, no event (the minimal span)"), "span shape not stated");
        assertTrue(report.contains("| exported (whole run, counted by the discarding exporter) |"), "no exported row");
        assertTrue(!report.contains("decoded by the receiver"), "transport none has no receiver rows");
        assertTrue(report.contains("| service time: the call itself, p99.99 (us) |"), "no service-time rows");
        assertTrue(report.contains("queue 2048 (raised to max(2048, 4 x batch)"), "SDK queue not stated");
        for (String scenario : List.of("rate-20k", "max")) {
            assertNotNull(ImageIO.read(out.resolve("service-" + scenario + ".png").toFile()), "no service-time chart");
            for (String system : SYSTEMS.split(",")) {
                assertTrue(Files.size(out.resolve("raw").resolve(scenario + "-" + system + "-service.hgrm")) > 0);
            }
        }
    }

    /**
     * End to end over OTLP/HTTP: ringtrace's {@code OtlpHttpSpanExporter} and the SDK's own
     * {@code OtlpHttpSpanExporter} to the in-process {@code OtlpHttpReceiver}, paced and flat out under
     * BLOCK: both deliver, both time their exports, and every span ringtrace published arrived or was
     * counted.
     */
    @Test
    void httpTransportDeliversBothSystemsToTheHttpReceiver(@TempDir Path out) throws Exception {
        LoadTool.Outcome outcome = LoadTool.run(new String[] {"--smoke", "--out=" + out, "--systems=" + SYSTEMS,
            "--transport=http", "--http-client=jdk", "--scenarios=rate=25k,max", "--policy=block", "--warmup=0.3", "--measure=1"},
            System.out);

        assertEquals(4, outcome.results().size(), "2 scenarios x 2 systems");
        for (RunResult result : outcome.results()) {
            String run = result.spec.scenario().label() + "/" + result.spec.system();
            assertEquals(RunSpec.TRANSPORT_HTTP, result.spec.transport(), run);
            assertEquals("jdk", result.spec.httpClient(), run + ": the run names the HTTP client");
            assertTrue(result.spec.endpoint().matches("http://127\\.0\\.0\\.1:\\d+/v1/traces"), run + ": " + result.spec.endpoint());
            assertTrue(result.windowDelivered > 0, run + ": the HTTP receiver decoded nothing in the window");
            assertTrue(result.delivered > 0 && result.delivered <= result.published, run + ": received " + result.delivered
                    + " of " + result.published);
            assertTrue(result.exportLatency.count() > 0, run + ": no export completed in the window");
            assertTrue(result.exportLatency.percentileNanos(50) > 0, run + ": no export latency");
            if (result.spec.system().equals(RunSpec.RINGTRACE)) {
                assertEquals(0, result.unaccounted(), run + ": published " + result.published + " = received "
                        + result.delivered + " + counted drops " + result.countedDrops);
            }
        }
        String report = Files.readString(outcome.report(), StandardCharsets.UTF_8);
        assertTrue(report.contains("transport: **http**"), "report does not say which transport ran");
        assertTrue(report.contains("with client `jdk`"), "report does not say which HTTP client ran");
        assertTrue(report.contains("Receiver: testkit `OtlpHttpReceiver`"), "report does not name the HTTP receiver");
        assertTrue(report.contains("| export latency, p99 (ms, power-of-two bucket bound) |"), "no export latency rows");
        assertTrue(report.contains("| delivered spans/s (window, decoded by the receiver) |"), "no delivered row");
    }

    private static final String SYSTEMS = RunSpec.RINGTRACE + "," + RunSpec.SDK;
    /** The ring API with the caller's own times: every span exported, the report says so. */
    @Test
    void ringApiWithGivenTimesRuns(@TempDir Path out) throws Exception {
        LoadTool.Outcome outcome = LoadTool.run(new String[] {"--smoke", "--out=" + out, "--systems=" + RunSpec.RINGTRACE,
            "--transport=none", "--scenarios=max", "--api=" + RunSpec.RING_GIVEN_TIMES, "--policy=block", "--events=0",
            "--warmup=0.3", "--measure=1"}, System.out);

        assertEquals(1, outcome.results().size());
        RunResult result = outcome.results().get(0);
        assertTrue(result.windowPublished > 0, "nothing in the measured window");
        assertEquals(0, result.unaccounted(), "published " + result.published + " = exported " + result.delivered
                + " + counted drops " + result.countedDrops);
        assertEquals(0, result.countedDrops, "BLOCK with valid caller times: nothing dropped");
        String report = Files.readString(outcome.report(), StandardCharsets.UTF_8);
        assertTrue(report.contains("ring API with times supplied by the caller"), "the report names the API variant");
    }

    @Test
    void theOpenTelemetryApiCallsRunThroughTheProcessorAndTheApiOnTheRing(@TempDir Path out) throws Exception {
        for (String api : new String[] {RunSpec.OTEL_PROCESSOR, RunSpec.OTEL_API}) {
            LoadTool.Outcome outcome = LoadTool.run(new String[] {"--smoke", "--out=" + out.resolve(api),
                "--systems=" + RunSpec.RINGTRACE, "--transport=none", "--scenarios=max", "--api=" + api,
                "--policy=block", "--events=1", "--warmup=0.3", "--measure=1"}, System.out);

            assertEquals(1, outcome.results().size(), api);
            RunResult result = outcome.results().get(0);
            assertTrue(result.windowPublished > 0, api + ": nothing in the measured window");
            assertTrue(result.delivered > 0, api + ": the engine exported nothing");
            assertEquals(0, result.unaccounted(), api + ": published " + result.published + " = exported "
                    + result.delivered + " + counted drops " + result.countedDrops);
            String report = Files.readString(outcome.report(), StandardCharsets.UTF_8);
            assertTrue(report.contains(api.equals(RunSpec.OTEL_API) ? "`RingtraceOpenTelemetry`" : "`RingtraceSpanProcessor`"),
                    api + ": the report names the API variant");
        }
    }
}
