package io.ringtrace.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run does: one system, one scenario. Travels to a forked run JVM as {@code key=value}
 * arguments.
 *
 * @param system {@code ringtrace} or {@code otel-sdk}
 * @param scenario the scenario
 * @param producers producer threads
 * @param warmupMillis warm-up before the measured window (not measured)
 * @param measureMillis the measured window
 * @param endpoint the receiver, {@code http://127.0.0.1:PORT}
 * @param api ringtrace producer API: {@code span} (tracer/span flyweight) or {@code ring}
 *     (claim/fill/publish)
 * @param ringSize ringtrace ring slots (the SDK keeps its default queue of 2048)
 */
public record RunSpec(String system, Scenario scenario, int producers, long warmupMillis,
                      long measureMillis, String endpoint, String api, int ringSize) {

    /** ringtrace's system name. */
    public static final String RINGTRACE = "ringtrace";
    /** The OpenTelemetry SDK's system name. */
    public static final String SDK = "otel-sdk";

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
                Integer.parseInt(map.get("ringSize")));
    }
}
