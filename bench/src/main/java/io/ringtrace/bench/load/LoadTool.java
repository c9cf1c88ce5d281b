package io.ringtrace.bench.load;

import io.ringtrace.bench.ChronicleFlags;
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
 * The end-to-end load tool (issue 5): runs each scenario for ringtrace and for the OpenTelemetry
 * Java SDK, one after the other, against the same loopback OTLP/gRPC receiver (its own JVM, decoding
 * every request with the official classes), each system in a fresh JVM with the same flags, and
 * writes {@code report.md}, one latency chart per scenario ({@code latency-<scenario>.png}) and the
 * raw percentile distributions ({@code <scenario>-<system>.hgrm}) into the results folder.
 *
 * <pre>
 * java &lt;Chronicle flags&gt; -cp bench/target/benchmarks.jar io.ringtrace.bench.load.LoadTool [options]
 *   --scenarios=max,rate=100k,rate=1m,outage=20k,burst=32768   (default)
 *   --systems=ringtrace,otel-sdk  --producers=1  --warmup=10  --measure=20  --outage=10 (seconds)
 *   --api=span|ring  --ring-size=8192  --out=DIR  --jvm-args="-Xmx256m"  --in-process  --smoke
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
        md.append("- producers: ").append(options.producers).append(", warm-up ").append(options.warmupMillis)
                .append(" ms (excluded), measured window ").append(options.measureMillis).append(" ms")
                .append(", ringtrace API: ").append(options.api).append(", ring size ").append(options.ringSize).append('\n');
        md.append("- receiver: testkit `OtlpReceiver` (count-only; decodes every request with the official "
                + "opentelemetry-proto classes) in ").append(options.inProcess ? "this JVM" : "its own JVM")
                .append(", 127.0.0.1, warmed up by both systems publishing flat out before the first run\n\n");
        md.append("## How to read it\n\n"
                + "Latency is the producer's call (record + hand off one span). In paced scenarios it counts from each "
                + "span's intended start time, so stalls are charged to every span they delayed. \"lost\" compares what "
                + "the producers published with what the receiver decoded after the system closed (flush + shutdown). "
                + "GC, allocation and CPU are those of the run JVM during the measured window (receiver excluded); "
                + "\"outside producer threads\" is the pipeline's own CPU. Ratio: SDK / ringtrace for costs, "
                + "ringtrace / SDK for throughput.\n\n");
        md.append("## Results\n\n");

        try (Receiver receiver = options.inProcess ? new InProcessReceiver()
                : new ReceiverProcess(javaExecutable(), System.getProperty("java.class.path"), receiverJvmArgs())) {
            warmUpReceiver(receiver, options, console);
            for (Scenario scenario : options.scenarios) {
                List<RunResult> results = new ArrayList<>();
                List<LatencyChart.Series> series = new ArrayList<>();
                for (String system : options.systems) {
                    RunSpec spec = new RunSpec(system, scenario, options.producers, options.warmupMillis,
                            options.measureMillis, receiver.endpoint(), options.api, options.ringSize);
                    console.println("== " + scenario.label() + " / " + system);
                    RunResult result = runOne(spec, options, receiver, console);
                    results.add(result);
                    allResults.add(result);
                    series.add(new LatencyChart.Series(system, result.latency));
                    writeHistogram(options.out.resolve(scenario.label() + "-" + system + ".hgrm"), result);
                    console.printf(Locale.ROOT, "   %s: offered %,.0f/s, received %,.0f/s, lost %,d of %,d, p50 %.2f us, p99.9 %.2f us, "
                                    + "GC %d, %.1f B/span%n",
                            system, result.offeredPerSecond(), result.receivedPerSecond(), result.lost(), result.published,
                            result.latency.getValueAtPercentile(50) / 1000.0, result.latency.getValueAtPercentile(99.9) / 1000.0,
                            result.gcCount, result.windowPublished == 0 ? 0.0 : (double) result.allocatedBytes / result.windowPublished);
                }
                md.append(Report.scenarioTable(scenario, results));
                Path chart = options.out.resolve("latency-" + scenario.label() + ".png");
                try {
                    LatencyChart.write(scenario.label() + ": producer latency by percentile", series, chart);
                    md.append("![latency ").append(scenario.label()).append("](").append(chart.getFileName()).append(")\n\n");
                } catch (IOException | RuntimeException | LinkageError e) {
                    // headless AWT without fonts: the numbers above still stand
                    console.println("warning: could not draw " + chart + ": " + e);
                }
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
            LoadRun.run(new RunSpec(system, Scenario.parse("max"), 1, 0, millis, receiver.endpoint(), options.api,
                    options.ringSize), silent);
        }
    }

    private static RunResult runOne(RunSpec spec, Options options, Receiver receiver, PrintStream console)
            throws Exception {
        long receivedBefore = receiver.spanCount();
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
        result.windowReceived = window.windowReceived;
        result.received = receiver.spanCount() - receivedBefore;
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

    private static void writeHistogram(Path file, RunResult result) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            result.latency.outputPercentileDistribution(out, 1000.0); // values in microseconds
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

    /** Counts what the receiver got during the window, and runs the outage of an outage scenario. */
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
        Path out = Path.of("bench", "results",
                LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        List<String> jvmArgs;
        boolean inProcess;

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
