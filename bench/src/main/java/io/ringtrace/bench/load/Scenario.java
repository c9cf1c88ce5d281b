package io.ringtrace.bench.load;

import java.util.Locale;

/**
 * One load scenario. Parsed from {@code max}, {@code rate=N}, {@code outage=N} or
 * {@code burst=N} (N: spans per second for the rate-driven kinds, spans per burst for bursts).
 *
 * @param kind what the producers do
 * @param amount offered spans per second ({@link Kind#RATE}, {@link Kind#OUTAGE}) or spans per
 *     burst ({@link Kind#BURST}); 0 for {@link Kind#MAX}
 */
public record Scenario(Kind kind, long amount) {

    /** What the producers do in a scenario. */
    public enum Kind {
        /** Publish as fast as possible; latency is each call's own service time. */
        MAX,
        /**
         * Publish at a fixed offered rate; latency is measured from each span's intended start time
         * (coordinated-omission aware: a stalled call delays the spans behind it, and they count it).
         */
        RATE,
        /** Like {@link #RATE}, while the receiver is stopped for a while in the middle of the window. */
        OUTAGE,
        /**
         * Once per second, publish {@code amount} spans back to back (more than the ring holds);
         * latency is each call's service time.
         */
        BURST
    }

    /**
     * @param text {@code max}, {@code rate=N}, {@code outage=N} or {@code burst=N}
     * @return the scenario
     * @throws IllegalArgumentException for anything else
     */
    public static Scenario parse(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.equals("max")) {
            return new Scenario(Kind.MAX, 0);
        }
        int eq = trimmed.indexOf('=');
        if (eq > 0) {
            long amount = parseAmount(trimmed.substring(eq + 1));
            switch (trimmed.substring(0, eq)) {
                case "rate":
                    return new Scenario(Kind.RATE, amount);
                case "outage":
                    return new Scenario(Kind.OUTAGE, amount);
                case "burst":
                    return new Scenario(Kind.BURST, amount);
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + text
                + "': expected max, rate=N, outage=N or burst=N (N may end in k or m)");
    }

    private static long parseAmount(String text) {
        long multiplier = 1;
        String digits = text;
        if (text.endsWith("k")) {
            multiplier = 1_000;
            digits = text.substring(0, text.length() - 1);
        } else if (text.endsWith("m")) {
            multiplier = 1_000_000;
            digits = text.substring(0, text.length() - 1);
        }
        long value = Long.parseLong(digits) * multiplier;
        if (value <= 0) {
            throw new IllegalArgumentException("scenario amount must be positive: " + text);
        }
        return value;
    }

    /** @return true when the producers follow a schedule of intended start times */
    public boolean paced() {
        return kind == Kind.RATE || kind == Kind.OUTAGE;
    }

    /** @return the short label used in file names and tables, e.g. {@code rate-100k} */
    public String label() {
        switch (kind) {
            case MAX:
                return "max";
            case RATE:
                return "rate-" + human(amount);
            case OUTAGE:
                return "outage-" + human(amount);
            default:
                return "burst-" + human(amount);
        }
    }

    /** @return the textual form {@link #parse(String)} reads back */
    @Override
    public String toString() {
        return kind == Kind.MAX ? "max" : kind.name().toLowerCase(Locale.ROOT) + "=" + amount;
    }

    /** @return a one-line description for the report, of a span run */
    public String describe() {
        return describe(LoadSignal.SPANS);
    }

    /**
     * @param signal what the run emits
     * @return a one-line description for the report
     */
    public String describe(LoadSignal signal) {
        String items = signal.items();
        String item = signal.item();
        switch (kind) {
            case MAX:
                return "max throughput: producers publish as fast as they can (response time = service time per call)";
            case RATE:
                return "fixed offered rate " + String.format(Locale.ROOT, "%,d", amount)
                        + " " + items + "/s (response time from each " + item + "'s intended start time)";
            case OUTAGE:
                return "fixed offered rate " + String.format(Locale.ROOT, "%,d", amount)
                        + " " + items + "/s, receiver stopped mid-window (response time from intended start time)";
            default:
                return "bursts of " + String.format(Locale.ROOT, "%,d", amount)
                        + " " + items + " back to back once per second (response time = service time per call)";
        }
    }

    private static String human(long value) {
        if (value % 1_000_000 == 0) {
            return value / 1_000_000 + "m";
        }
        if (value % 1_000 == 0) {
            return value / 1_000 + "k";
        }
        return Long.toString(value);
    }
}
