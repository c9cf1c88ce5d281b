package io.ringtrace.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The Markdown table of one scenario: one column per system, and a ratio column (how many times
 * better ringtrace is than the SDK: SDK / ringtrace for costs, ringtrace / SDK for throughput) when
 * both ran (spans: {@code ringtrace} and {@code otel-sdk}; logs: {@code ringtrace-logger} and
 * {@code otel-logs-sdk}).
 */
final class Report {

    private Report() {
    }

    /**
     * @param scenario the scenario
     * @param results its runs, in the order they ran
     * @param noTransport true for transport {@code none}: delivered = exported, counted by the
     *     discarding exporter; false: delivered = decoded by the receiver
     * @return a Markdown section
     */
    static String scenarioTable(Scenario scenario, List<RunResult> results, boolean noTransport) {
        return scenarioTable(scenario, results, noTransport, LoadSignal.SPANS);
    }

    /**
     * @param scenario the scenario
     * @param results its runs, in the order they ran
     * @param noTransport see {@link #scenarioTable(Scenario, List, boolean)}
     * @param signal what the runs emitted: names the items, picks the ratio column's two systems
     * @return a Markdown section
     */
    static String scenarioTable(Scenario scenario, List<RunResult> results, boolean noTransport, LoadSignal signal) {
        RunResult ringtrace = find(results, signal.ours());
        RunResult sdk = find(results, signal.theirs());
        boolean ratio = ringtrace != null && sdk != null;
        String item = signal.item();
        String items = signal.items();
        StringBuilder md = new StringBuilder();
        md.append("### ").append(scenario.label()).append("\n\n").append(scenario.describe(signal)).append(".\n\n");
        md.append("| metric |");
        for (RunResult r : results) {
            md.append(' ').append(r.spec.system())
                    .append(r.spec.system().equals(RunSpec.RINGTRACE) && !r.spec.spool().isEmpty() ? " (spool)" : "")
                    .append(" |");
        }
        md.append(ratio ? " " + signal.ours() + " vs " + signal.theirs() + " |\n|---|" : "\n|---|");
        md.append("---:|".repeat(results.size())).append(ratio ? "---:|\n" : "\n");

        List<Row> rows = new ArrayList<>();
        rows.add(new Row("offered " + items + "/s (window)", r -> r.offeredPerSecond(), "%,.0f", Better.NONE));
        String delivered = noTransport ? "exported" : "delivered";
        String countedBy = noTransport ? "counted by the discarding exporter"
                : signal == LoadSignal.LOGS ? "decoded by the receiver; log4j2-file: written to the file" : "decoded by the receiver";
        rows.add(new Row(delivered + " " + items + "/s (window, " + countedBy + ")", r -> r.deliveredPerSecond(), "%,.0f", Better.HIGHER));
        rows.add(new Row("published (whole run, producer calls)", r -> r.published, "%,.0f", Better.NONE));
        rows.add(new Row(delivered + " (whole run, " + countedBy + ")", r -> r.delivered, "%,.0f", Better.NONE));
        rows.add(new Row("lost = published - " + delivered, r -> r.lost(), "%,.0f", Better.LOWER));
        rows.add(new Row("lost %", r -> r.published == 0 ? 0 : 100.0 * r.lost() / r.published, "%.2f", Better.LOWER));
        rows.add(new Row("dropped with a counted reason (all reasons)",
                r -> r.countedDrops < 0 ? Double.NaN : r.countedDrops, "%,.0f", Better.NONE));
        rows.add(new Row("unaccounted = published - " + delivered + " - counted drops",
                r -> r.countedDrops < 0 ? Double.NaN : r.unaccounted(), "%,.0f", Better.NONE));
        rows.add(new Row("refused at the call (ring API, ring full)", r -> r.refused, "%,.0f", Better.NONE));
        rows.add(new Row("dropped in the window, counted (warm-up excluded)",
                r -> r.windowCountedDrops < 0 ? Double.NaN : r.windowCountedDrops, "%,.0f", Better.NONE));
        rows.add(new Row("dropped in the window, % of the window's calls",
                r -> r.windowCountedDrops < 0 || r.windowPublished == 0 ? Double.NaN
                        : 100.0 * r.windowCountedDrops / r.windowPublished, "%.2f", Better.NONE));
        if (scenario.kind() == Scenario.Kind.OUTAGE) {
            addOutageRows(rows);
        }
        double[] percentiles = {50, 99, 99.9, 99.99};
        for (double p : percentiles) {
            rows.add(new Row("service time: the call itself, p" + percentileName(p) + " (us)",
                    r -> r.serviceTime.getValueAtPercentile(p) / 1000.0, "%,.3f", Better.LOWER));
        }
        rows.add(new Row("service time: the call itself, max (us)", r -> r.serviceTime.getMaxValue() / 1000.0, "%,.3f",
                Better.LOWER));
        String response = scenario.paced() ? "response time from intended start" : "response time (= service time here)";
        for (double p : percentiles) {
            rows.add(new Row(response + ", p" + percentileName(p) + " (us)",
                    r -> r.latency.getValueAtPercentile(p) / 1000.0, "%,.3f", Better.LOWER));
        }
        rows.add(new Row(response + ", max (us)", r -> r.latency.getMaxValue() / 1000.0, "%,.3f", Better.LOWER));
        rows.add(new Row("exports completed (window; ringtrace: requests, SDK: batches)",
                r -> r.exportLatency.count(), "%,.0f", Better.NONE));
        for (double p : new double[] {50, 99}) {
            rows.add(new Row("export latency, p" + percentileName(p) + " (ms, power-of-two bucket bound)",
                    r -> r.exportLatency.percentileNanos(p) / 1e6, "%,.3f", Better.LOWER));
        }
        rows.add(new Row("export latency, mean (ms)", r -> r.exportLatency.meanNanos() / 1e6, "%,.3f", Better.LOWER));
        rows.add(new Row("export latency, max (ms, whole run)", r -> r.exportLatency.maxNanos() / 1e6, "%,.3f", Better.LOWER));
        rows.add(new Row("GC cycles (window)", r -> r.gcCount, "%,.0f", Better.LOWER));
        rows.add(new Row("GC time ms (window)", r -> r.gcMillis, "%,.0f", Better.LOWER));
        rows.add(new Row("heap allocated B/" + item + ", all threads", r -> perSpan(r, r.allocatedBytes), "%,.1f", Better.LOWER));
        rows.add(new Row("heap allocated B/" + item + ", producer threads", r -> perSpan(r, r.producerAllocatedBytes), "%,.1f", Better.LOWER));
        rows.add(new Row("heap allocated B/" + item + ", outside producer threads (pipeline" + (noTransport ? ")" : " + transport)"),
                r -> perSpan(r, r.allocatedBytes - r.producerAllocatedBytes), "%,.1f", Better.LOWER));
        rows.add(new Row("CPU us/" + item + ", whole process", r -> perSpan(r, r.cpuNanos) / 1000.0, "%,.3f", Better.LOWER));
        rows.add(new Row("CPU us/" + item + ", outside producer threads", r -> perSpan(r, r.cpuNanos - r.producerCpuNanos) / 1000.0, "%,.3f", Better.LOWER));
        for (Row row : rows) {
            md.append("| ").append(row.name).append(" |");
            for (RunResult r : results) {
                md.append(' ').append(format(row, row.value.applyAsDouble(r))).append(" |");
            }
            if (ratio) {
                md.append(' ').append(ratio(row, ringtrace, sdk)).append(" |");
            }
            md.append('\n');
        }
        TreeSet<String> counterNames = new TreeSet<>();
        results.forEach(r -> counterNames.addAll(r.counters.keySet()));
        for (String name : counterNames) {
            md.append("| ").append(name).append(" |");
            for (RunResult r : results) {
                Long value = r.counters.get(name);
                md.append(' ').append(value == null ? "-" : String.format(Locale.ROOT, "%,d", value)).append(" |");
            }
            md.append(ratio ? " |\n" : "\n");
        }
        return md.append('\n').toString();
    }

    /**
     * The outage's own rows: the spool at the receiver's return, the drain, and the service time by
     * phase (split by each span's scheduled start, see {@link OutagePhases}), the part of the window
     * before the outage first: the run's own baseline.
     */
    private static void addOutageRows(List<Row> rows) {
        rows.add(new Row("spooled spans when the receiver came back",
                r -> r.spooledAtOutageEnd < 0 ? Double.NaN : r.spooledAtOutageEnd, "%,.0f", Better.NONE));
        rows.add(new Row("drain: receiver back until the spool is empty (s)",
                r -> r.drainNanos == -2 ? Double.POSITIVE_INFINITY : r.drainNanos < 0 ? Double.NaN : r.drainNanos / 1e9,
                "%,.2f", Better.NONE));
        for (double p : new double[] {99, 99.9}) {
            rows.add(new Row("service time before the outage (the receiver up), p" + percentileName(p) + " (us)",
                    r -> percentileMicros(r.beforeServiceTime, p), "%,.3f", Better.LOWER));
            rows.add(new Row("service time during the outage, p" + percentileName(p) + " (us)",
                    r -> percentileMicros(r.outageServiceTime, p), "%,.3f", Better.LOWER));
            rows.add(new Row("service time during the drain (no spool: the rest of the window), p" + percentileName(p)
                    + " (us)", r -> percentileMicros(r.drainServiceTime, p), "%,.3f", Better.LOWER));
        }
    }

    /** @return the percentile in us; NaN for no histogram or no values */
    private static double percentileMicros(org.HdrHistogram.Histogram histogram, double percentile) {
        return histogram == null || histogram.getTotalCount() == 0 ? Double.NaN
                : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * A value in the row's format; NaN (not measured for that system) reads "n/a", infinity (a
     * drain that did not end within its bound) "not within N s".
     */
    private static String format(Row row, double value) {
        if (Double.isInfinite(value)) {
            return "not within " + OutagePhases.DRAIN_BOUND.toSeconds() + " s after the window";
        }
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, row.format, value);
    }

    /** "99.9" for 99.9, "50" for 50. */
    private static String percentileName(double percentile) {
        return percentile == Math.rint(percentile) ? Long.toString((long) percentile) : Double.toString(percentile);
    }

    private static String ratio(Row row, RunResult ringtrace, RunResult sdk) {
        double ours = row.value.applyAsDouble(ringtrace);
        double theirs = row.value.applyAsDouble(sdk);
        if (Double.isNaN(ours) || Double.isNaN(theirs)) {
            return "";
        }
        String oursText = String.format(Locale.ROOT, row.format, ours);
        String zeroText = String.format(Locale.ROOT, row.format, 0.0);
        switch (row.better) {
            case LOWER:
                if (oursText.equals(zeroText)) {
                    return oursText.equals(String.format(Locale.ROOT, row.format, theirs))
                            ? "equal" : "~0 vs " + String.format(Locale.ROOT, row.format, theirs);
                }
                return factor(theirs / ours, "lower", "higher");
            case HIGHER:
                return theirs == 0 ? "-" : factor(ours / theirs, "higher", "lower");
            default:
                return "";
        }
    }

    /** "2.5x better-word" when factor >= 1, else "(1/factor)x worse-word". */
    private static String factor(double factor, String betterWord, String worseWord) {
        if (factor >= 1) {
            return String.format(Locale.ROOT, "%.1fx %s", factor, betterWord);
        }
        return String.format(Locale.ROOT, "%.1fx %s", 1 / factor, worseWord);
    }

    private static double perSpan(RunResult r, long total) {
        return r.windowPublished == 0 ? 0 : (double) total / r.windowPublished;
    }

    private static RunResult find(List<RunResult> results, String system) {
        for (RunResult r : results) {
            if (r.spec.system().equals(system)) {
                return r;
            }
        }
        return null;
    }

    /** Whether a lower or higher value is better (drives the ratio column). */
    private enum Better { LOWER, HIGHER, NONE }

    /** One table row. */
    private record Row(String name, ToDoubleFunction<RunResult> value, String format, Better better) {
    }
}
