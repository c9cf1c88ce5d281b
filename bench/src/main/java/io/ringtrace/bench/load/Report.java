package io.ringtrace.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The Markdown table of one scenario: one column per system, and a ratio column (how many times
 * better ringtrace is than the SDK: SDK / ringtrace for costs, ringtrace / SDK for throughput) when
 * both ran.
 */
final class Report {

    private Report() {
    }

    /**
     * @param scenario the scenario
     * @param results its runs, in the order they ran
     * @return a Markdown section
     */
    static String scenarioTable(Scenario scenario, List<RunResult> results) {
        RunResult ringtrace = find(results, RunSpec.RINGTRACE);
        RunResult sdk = find(results, RunSpec.SDK);
        boolean ratio = ringtrace != null && sdk != null;
        StringBuilder md = new StringBuilder();
        md.append("### ").append(scenario.label()).append("\n\n").append(scenario.describe()).append(".\n\n");
        md.append("| metric |");
        for (RunResult r : results) {
            md.append(' ').append(r.spec.system()).append(" |");
        }
        md.append(ratio ? " ringtrace vs SDK |\n|---|" : "\n|---|");
        md.append("---:|".repeat(results.size())).append(ratio ? "---:|\n" : "\n");

        List<Row> rows = new ArrayList<>();
        rows.add(new Row("offered spans/s (window)", r -> r.offeredPerSecond(), "%,.0f", Better.NONE));
        rows.add(new Row("received spans/s (window, decoded by receiver)", r -> r.receivedPerSecond(), "%,.0f", Better.HIGHER));
        rows.add(new Row("published (whole run)", r -> r.published, "%,.0f", Better.NONE));
        rows.add(new Row("received (whole run)", r -> r.received, "%,.0f", Better.NONE));
        rows.add(new Row("lost = published - received", r -> r.lost(), "%,.0f", Better.LOWER));
        rows.add(new Row("lost %", r -> r.published == 0 ? 0 : 100.0 * r.lost() / r.published, "%.2f", Better.LOWER));
        rows.add(new Row("refused at the call (ring full)", r -> r.refused, "%,.0f", Better.NONE));
        rows.add(new Row("latency p50 (us)", r -> percentile(r, 50), "%,.2f", Better.LOWER));
        rows.add(new Row("latency p99 (us)", r -> percentile(r, 99), "%,.2f", Better.LOWER));
        rows.add(new Row("latency p99.9 (us)", r -> percentile(r, 99.9), "%,.2f", Better.LOWER));
        rows.add(new Row("latency p99.99 (us)", r -> percentile(r, 99.99), "%,.2f", Better.LOWER));
        rows.add(new Row("latency max (us)", r -> r.latency.getMaxValue() / 1000.0, "%,.2f", Better.LOWER));
        rows.add(new Row("GC cycles (window)", r -> r.gcCount, "%,.0f", Better.LOWER));
        rows.add(new Row("GC time ms (window)", r -> r.gcMillis, "%,.0f", Better.LOWER));
        rows.add(new Row("heap allocated B/span, all threads", r -> perSpan(r, r.allocatedBytes), "%,.1f", Better.LOWER));
        rows.add(new Row("heap allocated B/span, producer threads", r -> perSpan(r, r.producerAllocatedBytes), "%,.1f", Better.LOWER));
        rows.add(new Row("CPU us/span, whole process", r -> perSpan(r, r.cpuNanos) / 1000.0, "%,.3f", Better.LOWER));
        rows.add(new Row("CPU us/span, outside producer threads", r -> perSpan(r, r.cpuNanos - r.producerCpuNanos) / 1000.0, "%,.3f", Better.LOWER));
        for (Row row : rows) {
            md.append("| ").append(row.name).append(" |");
            for (RunResult r : results) {
                md.append(' ').append(String.format(Locale.ROOT, row.format, row.value.applyAsDouble(r))).append(" |");
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

    private static String ratio(Row row, RunResult ringtrace, RunResult sdk) {
        double ours = row.value.applyAsDouble(ringtrace);
        double theirs = row.value.applyAsDouble(sdk);
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

    private static double percentile(RunResult r, double percentile) {
        return r.latency.getValueAtPercentile(percentile) / 1000.0;
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
