package io.ringtrace.bench.jmh;

/** Prints, at the end of a JMH trial, how many published spans reached the exporter. */
final class DeliveryReport {

    private DeliveryReport() {
    }

    /**
     * @param system which system and variant
     * @param published spans the producers published (whole trial, warm-up included)
     * @param delivered spans that reached the exporter (serialized, for the serializing variants)
     * @param trialNanos how long the trial ran
     */
    static void print(String system, long published, long delivered, long trialNanos) {
        long dropped = Math.max(0, published - delivered);
        double share = published == 0 ? 0 : 100.0 * dropped / published;
        System.out.printf("%n[delivery] %s: published %,d, delivered %,d (%,.0f spans/s), dropped %,d (%.1f%%)"
                        + " over the trial incl. warm-up%n",
                system, published, delivered, delivered * 1e9 / trialNanos, dropped, share);
    }
}
