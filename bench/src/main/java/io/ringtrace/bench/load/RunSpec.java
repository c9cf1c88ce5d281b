package io.ringtrace.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run does: one system, one scenario. Travels to a forked run JVM as {@code key=value}
 * arguments.
 *
 * @param system {@code ringtrace}, {@code ringtrace-spool} or {@code otel-sdk} (spans); one of
 *     {@link LogSystems} (logs)
 * @param scenario the scenario
 * @param producers producer threads
 * @param warmupMillis warm-up before the measured window (not measured)
 * @param measureMillis the measured window
 * @param endpoint the receiver as both systems' exporters take it: {@code http://127.0.0.1:PORT} (gRPC),
 *     {@code http://127.0.0.1:PORT/v1/traces} (HTTP, the traces URL used as is); unused with transport
 *     {@code none}
 * @param api ringtrace producer API: {@code span} (tracer/span flyweight), {@code ring}, or
 *     {@value #RING_GIVEN_TIMES} (the ring API with start and end times the caller already has, as a
 *     matching engine's own timestamps: no clock read inside the call); or the OpenTelemetry API
 *     calls the SDK column makes, through {@value #OTEL_PROCESSOR} (the SDK with {@code
 *     RingtraceSpanProcessor}) or {@value #OTEL_API} ({@code RingtraceOpenTelemetry})
 *     (claim/fill/publish)
 * @param ringSize ringtrace ring slots (the SDK's queue follows {@code batch}, see
 *     {@link #sdkQueueSize()})
 * @param transport {@link #TRANSPORT_OTLP} (OTLP/gRPC to the receiver), {@link #TRANSPORT_HTTP}
 *     (OTLP/HTTP, {@code http/protobuf}, to the receiver) or {@link #TRANSPORT_NONE} (engine level:
 *     each system serializes every batch to OTLP bytes in its own exporter stage and discards them)
 * @param batch spans per export batch for both systems (ringtrace {@code maxExportBatchSize}, SDK
 *     {@code setMaxExportBatchSize}); 0 keeps each system's default (ringtrace 4096, the SDK 512)
 * @param policy ringtrace overload policy, {@code drop} or {@code block} (the SDK has none: its
 *     queue always drops when full)
 * @param maxRequestBytes ringtrace {@code maxRequestBytes}; 0 keeps its default (1 MiB)
 * @param pacing how a paced producer waits for its next intended start: {@link #PACING_SPIN}
 *     (park while far away, spin the last stretch: for latency) or {@link #PACING_PARK} (always
 *     park, then catch up: leaves the CPU to the pipeline and the receiver, for throughput)
 * @param events events per span, 1 (the {@link io.ringtrace.bench.SpanShape typical span}) or 0
 *     (the minimal span: "name, 4 attributes"), the same for both systems
 * @param outageMillis how long the receiver is down in the middle of the window of an outage
 *     scenario (the run splits its service times by phase with it)
 * @param spool ringtrace's on-disk spool: empty for none, {@value #SPOOL_TEMP} for a fresh temporary
 *     directory deleted after the run, else the spool directory
 * @param signal what each producer call emits: {@code spans} or {@code logs} ({@link LoadSignal})
 */
public record RunSpec(String system, Scenario scenario, int producers, long warmupMillis,
                      long measureMillis, String endpoint, String api, int ringSize,
                      String transport, int batch, String policy, int maxRequestBytes, String pacing,
                      int events, String httpClient, long outageMillis, String spool,
                      String signal) {

    /** ringtrace's system name. */
    public static final String RINGTRACE = "ringtrace";
    /** The ring API with times the caller supplies (no clock read inside the call). */
    public static final String RING_GIVEN_TIMES = "ring-given";
    /** The OpenTelemetry SDK creating the spans, {@code RingtraceSpanProcessor} queueing and exporting them. */
    public static final String OTEL_PROCESSOR = "otel-processor";
    /** The OpenTelemetry API implemented on the ring ({@code RingtraceOpenTelemetry}), no SDK. */
    public static final String OTEL_API = "otel-api";
    /** ringtrace with its on-disk spool (its own column beside plain ringtrace). */
    public static final String RINGTRACE_SPOOL = "ringtrace-spool";
    /** Spool option: a fresh temporary directory per run, deleted after it. */
    public static final String SPOOL_TEMP = "on";
    /** The OpenTelemetry SDK's system name. */
    public static final String SDK = "otel-sdk";
    /** Transport: OTLP/gRPC to the loopback receiver. */
    public static final String TRANSPORT_OTLP = "otlp";
    /** Transport: OTLP/HTTP ({@code http/protobuf}) to the loopback receiver. */
    public static final String TRANSPORT_HTTP = "http";
    /** ringtrace's OTLP/HTTP client: its default ({@code AUTO}: the socket client for plain text). */
    public static final String HTTP_CLIENT_DEFAULT = "auto";
    /** Transport: none; every batch is serialized to OTLP in memory and discarded (engine level). */
    public static final String TRANSPORT_NONE = "none";
    /** Pacing: park while the next start is far away, then spin (the default). */
    public static final String PACING_SPIN = "spin";
    /** Pacing: always park until the next start (oversleeps, then publishes the late spans at once). */
    public static final String PACING_PARK = "park";
    /** The SDK {@code BatchSpanProcessor}'s default queue size. */
    public static final int SDK_DEFAULT_QUEUE = 2048;

    /** @return what each producer call emits */
    public LoadSignal loadSignal() {
        return LoadSignal.of(signal);
    }

    /** @return true for a run over OTLP/HTTP */
    public boolean httpTransport() {
        return TRANSPORT_HTTP.equals(transport);
    }

    /** @return true when the run's phases include a receiver outage */
    public boolean outage() {
        return scenario.kind() == Scenario.Kind.OUTAGE;
    }

    /** @return when the receiver goes down, ms after the window's start (0 when the outage fills the window) */
    public long outageStartMillis() {
        return Math.max(0, (measureMillis - outageMillis) / 2);
    }

    /** @return true for an engine-level run without a receiver */
    public boolean noTransport() {
        return TRANSPORT_NONE.equals(transport);
    }

    /**
     * @return the SDK {@code BatchSpanProcessor} queue: its default 2048, or max(2048, 4 x batch)
     *     when a batch size is given, so that the queue can hold the batches it must form
     */
    public int sdkQueueSize() {
        return sdkQueueSize(batch);
    }

    /**
     * @param batch the batch size option, 0 for the default
     * @return the SDK queue for that batch size: see {@link #sdkQueueSize()}
     */
    public static int sdkQueueSize(int batch) {
        return batch == 0 ? SDK_DEFAULT_QUEUE : Math.max(SDK_DEFAULT_QUEUE, 4 * batch);
    }

    /** @return the spec as {@code key=value} arguments */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>();
        args.add("system=" + system);
        args.add("scenario=" + scenario);
        args.add("producers=" + producers);
        args.add("warmupMillis=" + warmupMillis);
        args.add("measureMillis=" + measureMillis);
        args.add("endpoint=" + endpoint);
        args.add("api=" + api);
        args.add("ringSize=" + ringSize);
        args.add("transport=" + transport);
        args.add("batch=" + batch);
        args.add("policy=" + policy);
        args.add("maxRequestBytes=" + maxRequestBytes);
        args.add("pacing=" + pacing);
        args.add("events=" + events);
        args.add("httpClient=" + httpClient);
        args.add("outageMillis=" + outageMillis);
        args.add("spool=" + spool);
        args.add("signal=" + signal);
        return args;
    }

    /**
     * @param args {@code key=value} arguments as written by {@link #toArgs()}
     * @return the spec
     */
    public static RunSpec fromArgs(List<String> args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                map.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        return new RunSpec(map.get("system"), Scenario.parse(map.get("scenario")),
                Integer.parseInt(map.get("producers")), Long.parseLong(map.get("warmupMillis")),
                Long.parseLong(map.get("measureMillis")), map.get("endpoint"), map.get("api"),
                Integer.parseInt(map.get("ringSize")), map.get("transport"), Integer.parseInt(map.get("batch")),
                map.get("policy"), Integer.parseInt(map.get("maxRequestBytes")), map.get("pacing"),
                Integer.parseInt(map.getOrDefault("events", "1")), map.getOrDefault("httpClient", HTTP_CLIENT_DEFAULT),
                Long.parseLong(map.getOrDefault("outageMillis", "0")), map.getOrDefault("spool", ""),
                map.getOrDefault("signal", LoadSignal.SPANS.label()));
    }
}
