package io.ringtrace.bench.load;

import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.codec.TraceRequestEncoder;
import io.ringtrace.engine.TraceEngineBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Timer;
import java.util.TimerTask;

/**
 * The end-to-end load tool: runs each scenario for ringtrace and for the OpenTelemetry
 * Java SDK, one after the other, each system in a fresh JVM with the same flags, and writes
 * {@code report.md}, two charts per scenario (response time {@code latency-<scenario>.png}, service
 * time {@code service-<scenario>.png}) and the raw percentile distributions
 * ({@code <scenario>-<system>.hgrm} and {@code <scenario>-<system>-service.hgrm}) into the results
 * folder.
 *
 * <p>Transport {@code otlp} (default): both systems export over OTLP/gRPC to the same loopback
 * receiver (its own JVM, decoding every request with the official classes). Transport {@code none}
 * (engine level): no receiver; each system's exporter stage serializes every batch to OTLP
 * bytes and discards them (ringtrace: serializer + {@code DiscardingSpanExporter}; SDK:
 * {@code BatchSpanProcessor} + {@code MarshalingDiscardExporter}).
 *
 * <pre>
 * java &lt;Chronicle flags&gt; -cp bench/target/benchmarks.jar io.ringtrace.bench.load.LoadTool [options]
 *   --scenarios=max,rate=100k,rate=1m,outage=20k,burst=32768   (default; outage needs transport otlp)
 *   --systems=ringtrace,otel-sdk  --producers=1  --warmup=10  --measure=20  --outage=10 (seconds)
 *   --transport=otlp|none  --api=span|ring  --ring-size=8192  --batch=N  --policy=drop|block
 *   --max-request-bytes=N  --pacing=spin|park  --events=1|0  --out=DIR  --jvm-args="-Xmx256m"  --in-process  --smoke
 * </pre>
 */
public final class LoadTool {

    private LoadTool() {
    }

    /**
     * @param args options, see the class comment
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        Outcome outcome = run(args, System.out);
        System.out.println("report: " + outcome.report().toAbsolutePath());
        System.exit(0);
    }

    /**
     * Runs the tool.
     *
     * @param args options
     * @param console where progress goes
     * @return the written {@code report.md} and every run's result
     * @throws Exception if a run fails
     */
    public static Outcome run(String[] args, PrintStream console) throws Exception {
        Options options = Options.parse(args);
        Files.createDirectories(options.out);
        String loadBefore = MachineInfo.loadAverage();
        console.println("ringtrace load tool: " + String.join(" ", args));
        console.println("results: " + options.out.toAbsolutePath() + "; load average " + loadBefore);

        List<RunResult> allResults = new ArrayList<>();
        StringBuilder md = new StringBuilder();
        md.append("# ringtrace vs OpenTelemetry Java SDK: end-to-end load\n\n");
        md.append("Produced by `io.ringtrace.bench.load.LoadTool ").append(String.join(" ", args)).append("` on ")
                .append(LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)).append(" UTC.\n\n");
        md.append("## Machine\n\n").append(MachineInfo.describe());
        md.append("- load average (1/5/15 min) before the runs: ").append(loadBefore).append('\n');
        md.append("- run JVMs: ").append(options.inProcess ? "in-process (smoke mode)" : "one fresh JVM per system and scenario")
                .append(", flags `").append(String.join(" ", options.jvmArgs)).append("`\n");
        md.append("- producers: ").append(options.producers).append(" thread(s), warm-up ").append(options.warmupMillis)
                .append(" ms (excluded), measured window ").append(options.measureMillis).append(" ms\n");
        md.append(configuration(options));
        if (options.noTransport()) {
            md.append("- transport: **none** (engine level, no receiver, no network). ringtrace: the serializer encodes "
                    + "every span into off-heap OTLP requests and `DiscardingSpanExporter` completes each request at once. "
                    + "SDK: the `BatchSpanProcessor` worker marshals every batch to OTLP bytes with the marshaler "
                    + "`OtlpGrpcSpanExporter` uses by default (`MarshalingDiscardExporter`), then discards them: the same "
                    + "work. \"exported\" counts what each discarding exporter completed.\n\n");
        } else {
            md.append("- transport: **otlp** (OTLP/gRPC). Receiver: testkit `OtlpReceiver` (count-only; decodes every "
                    + "request with the official opentelemetry-proto classes) in ")
                    .append(options.inProcess ? "this JVM" : "its own JVM")
                    .append(", 127.0.0.1, warmed up by both systems publishing flat out before the first run\n\n");
        }
        md.append(howToRead(options));
        md.append("## Results\n\n");

        // transport none: no receiver (try-with-resources skips a null resource)
        try (Receiver receiver = options.noTransport() ? null : options.inProcess ? new InProcessReceiver()
                : new ReceiverProcess(javaExecutable(), System.getProperty("java.class.path"), receiverJvmArgs())) {
            if (receiver != null) {
                warmUpReceiver(receiver, options, console);
            }
            for (Scenario scenario : options.scenarios) {
                List<RunResult> results = new ArrayList<>();
                List<LatencyChart.Series> responseSeries = new ArrayList<>();
                List<LatencyChart.Series> serviceSeries = new ArrayList<>();
                for (String system : options.systems) {
                    RunSpec spec = options.spec(system, scenario, options.producers, options.warmupMillis,
                            options.measureMillis, receiver == null ? RunSpec.TRANSPORT_NONE : receiver.endpoint());
                    console.println("== " + scenario.label() + " / " + system);
                    RunResult result = runOne(spec, options, receiver, console);
                    results.add(result);
                    allResults.add(result);
                    responseSeries.add(new LatencyChart.Series(system, result.latency));
                    serviceSeries.add(new LatencyChart.Series(system, result.serviceTime));
                    writeHistogram(options.out.resolve(scenario.label() + "-" + system + ".hgrm"), result.latency);
                    writeHistogram(options.out.resolve(scenario.label() + "-" + system + "-service.hgrm"), result.serviceTime);
                    console.printf(Locale.ROOT, "   %s: offered %,.0f/s, %s %,.0f/s, lost %,d of %,d, counted drops %s, "
                                    + "response p50 %.2f us p99.9 %.2f us, service p50 %.2f us p99.9 %.2f us, GC %d, %.1f B/span%n",
                            system, result.offeredPerSecond(), options.noTransport() ? "exported" : "received",
                            result.deliveredPerSecond(), result.lost(), result.published,
                            result.countedDrops < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", result.countedDrops),
                            result.latency.getValueAtPercentile(50) / 1000.0, result.latency.getValueAtPercentile(99.9) / 1000.0,
                            result.serviceTime.getValueAtPercentile(50) / 1000.0,
                            result.serviceTime.getValueAtPercentile(99.9) / 1000.0,
                            result.gcCount, result.windowPublished == 0 ? 0.0 : (double) result.allocatedBytes / result.windowPublished);
                }
                md.append(Report.scenarioTable(scenario, results, options.noTransport()));
                drawChart(options.out.resolve("latency-" + scenario.label() + ".png"),
                        scenario.label() + ": response time from intended start, by percentile", responseSeries, md, console);
                drawChart(options.out.resolve("service-" + scenario.label() + ".png"),
                        scenario.label() + ": service time (the call itself), by percentile", serviceSeries, md, console);
            }
        }
        md.append("Load average (1/5/15 min) after the runs: ").append(MachineInfo.loadAverage()).append(".\n");
        Path report = options.out.resolve("report.md");
        Files.writeString(report, md.toString(), StandardCharsets.UTF_8);
        return new Outcome(report, allResults);
    }

    /**
     * What a tool run produced.
     *
     * @param report the Markdown report (charts and distributions beside it)
     * @param results every run, in order
     */
    public record Outcome(Path report, List<RunResult> results) {
    }

    private static void drawChart(Path chart, String title, List<LatencyChart.Series> series, StringBuilder md,
                                  PrintStream console) {
        try {
            LatencyChart.write(title, series, chart);
            md.append("![").append(title).append("](").append(chart.getFileName()).append(")\n\n");
        } catch (IOException | RuntimeException | LinkageError e) {
            // headless AWT without fonts: the numbers in the table still stand
            console.println("warning: could not draw " + chart + ": " + e);
        }
    }

    /** The report's lines on how each system was configured. */
    private static String configuration(Options options) {
        StringBuilder md = new StringBuilder();
        md.append("- span: name, 4 attributes").append(options.events == 1 ? ", 1 event (the typical span)" : ", no event (the minimal span)")
                .append(", the same on both systems\n");
        md.append("- ringtrace: ").append(options.api).append(" API, ring ").append(options.ringSize)
                .append(" slots, max export batch ").append(options.batch == 0 ? "512 (default)" : Integer.toString(options.batch))
                .append(", max request bytes ")
                .append(options.maxRequestBytes == 0 ? "1 MiB (default)" : String.format(Locale.ROOT, "%,d", options.maxRequestBytes))
                .append(", overload policy ").append(options.policy.toUpperCase(Locale.ROOT)).append('\n');
        md.append("- OpenTelemetry SDK: `BatchSpanProcessor` max export batch ")
                .append(options.batch == 0 ? "512 (default)" : Integer.toString(options.batch))
                .append(", queue ").append(RunSpec.sdkQueueSize(options.batch))
                .append(options.batch == 0 ? " (default)" : " (raised to max(2048, 4 x batch) so it can form such batches)")
                .append("; it has no overload policy: a full queue always drops, silently")
                .append(options.policy.equals("block") ? " (so `--policy=block` applies to ringtrace only)" : "")
                .append('\n');
        return md.toString();
    }

    /** The report's "How to read it" section. */
    private static String howToRead(Options options) {
        String delivered = options.noTransport()
                ? "what the discarding exporter completed (exported)" : "what the receiver decoded";
        return "## How to read it\n\n"
                + "Each producer call records and hands off one typical span. Two times per call, in every scenario:\n\n"
                + "- **service time: the call itself**: `System.nanoTime()` right before and right after `publishSpan()`.\n"
                + "- **response time from intended start**: in paced scenarios (`rate`, `outage`) every span has an intended "
                + "start time on a fixed schedule and the response time counts from it, so a stall is charged to every span "
                + "it delayed (no coordinated omission). In `max` and `burst` there is no schedule and it equals the service "
                + "time.\n\n"
                + "With several producer threads both histograms hold every call of every thread; \"offered spans/s\" is "
                + "the total over the threads.\n\n"
                + "Pacing (the same for both systems): a producer parks while its next intended start is more than "
                + LoadRun.PARK_THRESHOLD_NANOS / 1000 + " us away (waking " + LoadRun.SPIN_NANOS / 1000 + " us early, since a "
                + "park overshoots by ~100 us on these VMs), then spins with `Thread.onSpinWait()`; it never calls "
                + "`Thread.yield()`, which under CFS can give away a whole time slice. From "
                + String.format(Locale.ROOT, "%,d", 1_000_000_000L / LoadRun.PARK_THRESHOLD_NANOS)
                + " spans/s per producer on it therefore never parks: it spins between calls and occupies a core. "
                + "With `--pacing=park` (throughput runs) a producer always parks until its next start instead: it "
                + "oversleeps and then publishes the spans that fell due meanwhile back to back, so the offered rate "
                + "holds on average and the CPU goes to the pipeline and the receiver; response times then include "
                + "the oversleep. This run: `" + options.pacing + "`.\n\n"
                + "\"lost\" compares what the producers published (calls) with " + delivered + " after the system closed "
                + "(flush + shutdown). ringtrace counts every drop by reason (rows `ringtrace dropped ...`); \"unaccounted\" "
                + "= published - delivered - counted drops, 0 when every lost span has a counted reason. The SDK's queue "
                + "drops silently, so for it lost is all we know. "
                + "GC, allocation and CPU are those of the run JVM during the measured window"
                + (options.noTransport() ? "" : " (receiver excluded)") + "; \"outside producer threads\" is the "
                + "pipeline's own cost. Ratio: SDK / ringtrace for costs, ringtrace / SDK for throughput.\n\n";
    }

    /**
     * A fresh receiver JVM decodes in the interpreter for its first seconds: whichever system ran
     * first would face a slower receiver. So before the first run both systems publish flat out
     * into it for a while (from this JVM; not measured, not reported).
     */
    private static void warmUpReceiver(Receiver receiver, Options options, PrintStream console) throws Exception {
        long millis = options.inProcess ? 300 : 4_000;
        console.println("== warming up the receiver (" + millis + " ms per system, not measured)");
        LoadRun.Events silent = new LoadRun.Events() {
            @Override
            public void measureStarted() {
            }

            @Override
            public void measureEnded() {
            }

            @Override
            public void progress(String line) {
            }
        };
        for (String system : options.systems) {
            LoadRun.run(options.spec(system, Scenario.parse("max"), 1, 0, millis, receiver.endpoint()), silent);
        }
    }

    private static RunResult runOne(RunSpec spec, Options options, Receiver receiver, PrintStream console)
            throws Exception {
        long receivedBefore = receiver == null ? 0 : receiver.spanCount();
        WindowTracker window = new WindowTracker(spec, receiver, console, options.outageMillis);
        RunResult result;
        try {
            if (options.inProcess) {
                result = LoadRun.run(spec, window);
            } else {
                result = runForked(spec, options, window);
            }
        } finally {
            window.cancelOutage();
        }
        if (receiver != null) { // with transport none the run counted its exporter's spans itself
            result.windowDelivered = window.windowReceived;
            result.delivered = receiver.spanCount() - receivedBefore;
        }
        return result;
    }

    private static RunResult runForked(RunSpec spec, Options options, WindowTracker window) throws Exception {
        Path resultFile = options.out.resolve("run-" + spec.scenario().label() + "-" + spec.system() + ".properties");
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(options.jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LoadRun.class.getName());
        command.add("out=" + resultFile);
        command.addAll(spec.toArgs());
        Path log = options.out.resolve("run-" + spec.scenario().label() + "-" + spec.system() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (PrintStream logOut = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8);
             BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.equals(LoadRun.MEASURE_START)) {
                    window.measureStarted();
                } else if (line.equals(LoadRun.MEASURE_END)) {
                    window.measureEnded();
                } else if (line.startsWith(LoadRun.PROGRESS)) {
                    window.progress(line.substring(LoadRun.PROGRESS.length()));
                } else {
                    logOut.println(line); // the system's own logging (e.g. the SDK's drop warnings)
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || !Files.exists(resultFile)) {
            throw new IllegalStateException("run " + spec.system() + " " + spec.scenario().label() + " failed, exit code " + exit);
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(resultFile)) {
            properties.load(in);
        }
        return RunResult.fromProperties(properties);
    }

    private static void writeHistogram(Path file, org.HdrHistogram.Histogram histogram) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            histogram.outputPercentileDistribution(out, 1000.0); // values in microseconds
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> receiverJvmArgs() {
        List<String> args = new ArrayList<>(ChronicleFlags.all());
        args.add("-Xmx1g");
        return args;
    }

    /**
     * Counts what the receiver got during the window, and runs the outage of an outage scenario.
     * Without a receiver (transport none) it only passes progress lines on.
     */
    private static final class WindowTracker implements LoadRun.Events {
        final RunSpec spec;
        final Receiver receiver;
        final PrintStream console;
        final long outageMillis;
        long windowStartCount;
        long windowReceived;
        Timer outageTimer;

        WindowTracker(RunSpec spec, Receiver receiver, PrintStream console, long outageMillis) {
            this.spec = spec;
            this.outageMillis = outageMillis;
            this.receiver = receiver;
            this.console = console;
        }

        @Override
        public void measureStarted() {
            if (receiver == null) {
                return;
            }
            windowStartCount = receiver.spanCount();
            if (spec.scenario().kind() == Scenario.Kind.OUTAGE) {
                long stopAfter = Math.max(0, (spec.measureMillis() - outageMillis) / 2);
                outageTimer = new Timer("receiver-outage", true);
                outageTimer.schedule(new TimerTask() {
                    @Override
                    public void run() {
                        console.println("   receiver DOWN for " + outageMillis + " ms");
                        receiver.stop();
                    }
                }, stopAfter);
                outageTimer.schedule(new TimerTask() {
                    @Override
                    public void run() {
                        receiver.start();
                        console.println("   receiver UP again");
                    }
                }, stopAfter + outageMillis);
            }
        }

        @Override
        public void measureEnded() {
            if (receiver == null) {
                return;
            }
            windowReceived = receiver.spanCount() - windowStartCount;
        }

        @Override
        public void progress(String line) {
            console.println("   " + line);
        }

        /** Ends the outage timer; brings the receiver back if the run ended while it was down. */
        void cancelOutage() {
            if (outageTimer != null) {
                outageTimer.cancel();
                receiver.start(); // a no-op when it came back on schedule
            }
        }
    }

    /** The tool's options. */
    static final class Options {
        List<String> systems = List.of(RunSpec.RINGTRACE, RunSpec.SDK);
        List<Scenario> scenarios = parseScenarios("max,rate=100k,rate=1m,outage=20k,burst=32768");
        int producers = 1;
        long warmupMillis = 10_000;
        long measureMillis = 20_000;
        long outageMillis = 10_000;
        String api = "span";
        int ringSize = 8192;
        String transport = RunSpec.TRANSPORT_OTLP;
        /** 0: each system's default (512). */
        int batch;
        String policy = "drop";
        String pacing = RunSpec.PACING_SPIN;
        /** Events per span: 1 (the typical span) or 0 (the minimal span: "name, 4 attributes"). */
        int events = 1;
        /** 0: ringtrace's default (1 MiB). */
        int maxRequestBytes;
        Path out = Path.of("bench", "results",
                LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        List<String> jvmArgs;
        boolean inProcess;

        boolean noTransport() {
            return RunSpec.TRANSPORT_NONE.equals(transport);
        }

        /** @return the spec of one run with these options */
        RunSpec spec(String system, Scenario scenario, int producerThreads, long warmup, long measure, String endpoint) {
            return new RunSpec(system, scenario, producerThreads, warmup, measure, endpoint, api, ringSize,
                    transport, batch, policy, maxRequestBytes, pacing, events);
        }

        static Options parse(String[] args) {
            Options o = new Options();
            List<String> extraJvmArgs = new ArrayList<>(List.of("-Xmx256m"));
            boolean scenariosGiven = false;
            boolean timesGiven = false;
            for (String arg : args) {
                String key = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
                switch (key) {
                    case "--smoke":
                        o.inProcess = true;
                        if (!timesGiven) {
                            o.warmupMillis = 300;
                            o.measureMillis = 1_500;
                            o.outageMillis = 500;
                        }
                        if (!scenariosGiven) {
                            o.scenarios = parseScenarios("max,rate=20k,outage=20k,burst=4096");
                        }
                        break;
                    case "--in-process":
                        o.inProcess = true;
                        break;
                    case "--systems":
                        o.systems = Arrays.asList(value.split(","));
                        for (String system : o.systems) {
                            if (!system.equals(RunSpec.RINGTRACE) && !system.equals(RunSpec.SDK)) {
                                throw new IllegalArgumentException("unknown system '" + system + "': expected "
                                        + RunSpec.RINGTRACE + " or " + RunSpec.SDK);
                            }
                        }
                        break;
                    case "--scenarios":
                        o.scenarios = parseScenarios(value);
                        scenariosGiven = true;
                        break;
                    case "--producers":
                        o.producers = positive(key, Integer.parseInt(value));
                        break;
                    case "--warmup":
                        o.warmupMillis = seconds(key, value);
                        timesGiven = true;
                        break;
                    case "--measure":
                        o.measureMillis = Math.max(1, seconds(key, value));
                        timesGiven = true;
                        break;
                    case "--outage":
                        o.outageMillis = seconds(key, value);
                        timesGiven = true;
                        break;
                    case "--api":
                        if (!value.equals("span") && !value.equals("ring")) {
                            throw new IllegalArgumentException("--api must be span or ring, got '" + value + "'");
                        }
                        o.api = value;
                        break;
                    case "--ring-size":
                        o.ringSize = positive(key, Integer.parseInt(value));
                        break;
                    case "--transport":
                        if (!value.equals(RunSpec.TRANSPORT_OTLP) && !value.equals(RunSpec.TRANSPORT_NONE)) {
                            throw new IllegalArgumentException("--transport must be otlp or none, got '" + value + "'");
                        }
                        o.transport = value;
                        break;
                    case "--batch":
                        o.batch = positive(key, Integer.parseInt(value));
                        break;
                    case "--pacing":
                        if (!value.equals(RunSpec.PACING_SPIN) && !value.equals(RunSpec.PACING_PARK)) {
                            throw new IllegalArgumentException("--pacing must be spin or park, got '" + value + "'");
                        }
                        o.pacing = value;
                        break;
                    case "--events":
                        if (!value.equals("0") && !value.equals("1")) {
                            throw new IllegalArgumentException("--events must be 0 or 1, got '" + value + "'");
                        }
                        o.events = Integer.parseInt(value);
                        break;
                    case "--policy":
                        if (!value.equals("drop") && !value.equals("block")) {
                            throw new IllegalArgumentException("--policy must be drop or block, got '" + value + "'");
                        }
                        o.policy = value;
                        break;
                    case "--max-request-bytes":
                        o.maxRequestBytes = Integer.parseInt(value);
                        if (o.maxRequestBytes < TraceRequestEncoder.MIN_REQUEST_BYTES
                                || o.maxRequestBytes > TraceEngineBuilder.MAX_REQUEST_BYTES) {
                            throw new IllegalArgumentException("--max-request-bytes must be in ["
                                    + TraceRequestEncoder.MIN_REQUEST_BYTES + ", " + TraceEngineBuilder.MAX_REQUEST_BYTES
                                    + "], got " + value);
                        }
                        break;
                    case "--out":
                        o.out = Path.of(value);
                        break;
                    case "--jvm-args":
                        extraJvmArgs = value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option '" + arg + "'; see the LoadTool javadoc or bench/README.md");
                }
            }
            if (o.noTransport()) {
                boolean outage = o.scenarios.stream().anyMatch(s -> s.kind() == Scenario.Kind.OUTAGE);
                if (outage && scenariosGiven) {
                    throw new IllegalArgumentException("an outage scenario stops the receiver: it needs --transport=otlp");
                }
                o.scenarios.removeIf(s -> s.kind() == Scenario.Kind.OUTAGE); // the defaults' outage: nothing to stop
            }
            o.jvmArgs = new ArrayList<>(ChronicleFlags.all());
            o.jvmArgs.addAll(extraJvmArgs);
            return o;
        }

        private static long seconds(String key, String value) {
            double seconds = Double.parseDouble(value.endsWith("s") ? value.substring(0, value.length() - 1) : value);
            if (seconds < 0) {
                throw new IllegalArgumentException(key + " must not be negative: " + value);
            }
            return Math.round(seconds * 1000);
        }

        private static int positive(String key, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(key + " must be >= 1, got " + value);
            }
            return value;
        }

        private static List<Scenario> parseScenarios(String text) {
            List<Scenario> list = new ArrayList<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    list.add(Scenario.parse(part));
                }
            }
            return list;
        }
    }
}
