package io.ringtrace.bench.load;

import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.codec.TraceRequestEncoder;
import io.ringtrace.engine.TraceEngineBuilder;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@link LoadTool}'s options, parsed and checked once: see the tool's class comment and
 * bench/README.md for each; {@link LogOptions} adds the log mode's defaults and checks.
 */
final class LoadOptions {
    LoadSignal signal = LoadSignal.SPANS;
    List<String> systems = List.of(RunSpec.RINGTRACE, RunSpec.SDK);
    List<Scenario> scenarios = parseScenarios("max,rate=100k,rate=1m,outage=20k,burst=32768");
    int producers = 1;
    long warmupMillis = 10_000;
    long measureMillis = 20_000;
    long outageMillis = 10_000;
    String api = "span";
    /** 0: each engine's default (16,384 slots for spans and for logs). */
    int ringSize;
    String transport = RunSpec.TRANSPORT_OTLP;
    /** 0: each system's default (ringtrace's engines: 4096 spans or log records; the SDK's processors: 512). */
    int batch;
    String policy = "drop";
    String pacing = RunSpec.PACING_SPIN;
    /** ringtrace's spool: empty for none, {@value RunSpec#SPOOL_TEMP} or a directory. */
    String spool = "";
    /** Events per span: 1 (the typical span) or 0 (the minimal span: "name, 4 attributes"). */
    int events = 1;
    /** ringtrace's OTLP/HTTP client: auto, jdk or socket ({@code OtlpHttpSpanExporterBuilder.Client}). */
    String httpClient = RunSpec.HTTP_CLIENT_DEFAULT;
    /** 0: ringtrace's default (1 MiB). */
    int maxRequestBytes;
    Path out = Path.of("bench", "results",
            LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    List<String> jvmArgs;
    boolean inProcess;

    boolean noTransport() {
        return RunSpec.TRANSPORT_NONE.equals(transport);
    }

    boolean http() {
        return RunSpec.TRANSPORT_HTTP.equals(transport);
    }

    /** @return the spec of one run with these options */
    RunSpec spec(String system, Scenario scenario, int producerThreads, long warmup, long measure, String endpoint) {
        String systemSpool = system.equals(RunSpec.RINGTRACE_SPOOL) && spool.isEmpty() ? RunSpec.SPOOL_TEMP
                : system.equals(RunSpec.SDK) || signal != LoadSignal.SPANS ? "" : spool;
        return new RunSpec(system, scenario, producerThreads, warmup, measure, endpoint, api, ringSize,
                transport, batch, policy, maxRequestBytes, pacing, events, httpClient, outageMillis, systemSpool,
                signal.label());
    }

    static LoadOptions parse(String[] args) {
        LoadOptions o = new LoadOptions();
        List<String> extraJvmArgs = new ArrayList<>(List.of("-Xmx256m"));
        boolean scenariosGiven = false;
        boolean timesGiven = false;
        boolean systemsGiven = false;
        boolean smoke = false;
        for (String arg : args) {
            String key = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
            switch (key) {
                case "--smoke":
                    o.inProcess = true;
                    smoke = true;
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
                    systemsGiven = true; // checked against the signal below, whatever the options' order
                    break;
                case "--signal":
                    o.signal = LoadSignal.of(value);
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
                    if (!value.equals("span") && !value.equals("ring") && !value.equals(RunSpec.RING_GIVEN_TIMES)
                            && !value.equals(RunSpec.OTEL_PROCESSOR) && !value.equals(RunSpec.OTEL_API)) {
                        throw new IllegalArgumentException("--api must be span, ring, " + RunSpec.RING_GIVEN_TIMES
                                + ", " + RunSpec.OTEL_PROCESSOR + " or " + RunSpec.OTEL_API
                                + ", got '" + value + "'");
                    }
                    o.api = value;
                    break;
                case "--ring-size":
                    o.ringSize = positive(key, Integer.parseInt(value));
                    break;
                case "--transport":
                    if (value.equals("grpc")) {
                        value = RunSpec.TRANSPORT_OTLP; // the same transport, by the protocol's other name
                    }
                    if (!value.equals(RunSpec.TRANSPORT_OTLP) && !value.equals(RunSpec.TRANSPORT_HTTP)
                            && !value.equals(RunSpec.TRANSPORT_NONE)) {
                        throw new IllegalArgumentException("--transport must be otlp (or grpc), http or none, got '"
                                + value + "'");
                    }
                    o.transport = value;
                    break;
                case "--http-client":
                    if (!value.equals("auto") && !value.equals("jdk") && !value.equals("socket")) {
                        throw new IllegalArgumentException("--http-client must be auto, jdk or socket, got '" + value + "'");
                    }
                    o.httpClient = value;
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
                case "--spool":
                    if (value.isBlank()) {
                        throw new IllegalArgumentException("--spool needs 'on' (a temporary directory per run) or a directory");
                    }
                    o.spool = value;
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
        if (o.signal == LoadSignal.LOGS) {
            LogOptions.apply(o, systemsGiven, scenariosGiven, smoke);
        }
        for (String system : o.systems) {
            o.signal.checkSystem(system);
        }
        if (o.noTransport()) {
            boolean outage = o.scenarios.stream().anyMatch(s -> s.kind() == Scenario.Kind.OUTAGE);
            if (outage && scenariosGiven) {
                throw new IllegalArgumentException("an outage scenario stops the receiver: it needs --transport=otlp or http");
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
