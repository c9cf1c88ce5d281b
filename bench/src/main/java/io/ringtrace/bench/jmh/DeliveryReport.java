package io.ringtrace.bench.jmh;

/** Prints, at the end of a JMH trial, how many published spans reached the exporter. */
final class DeliveryReport {

    private DeliveryReport() {
    }

    /**
     * @param system which system
     * @param published spans the producers published (whole trial, warm-up included)
     * @param delivered spans that reached the exporter
     */
    static void print(String system, long published, long delivered) {
        long dropped = Math.max(0, published - delivered);
        double share = published == 0 ? 0 : 100.0 * dropped / published;
        System.out.printf("%n[delivery] %s: published %,d, delivered %,d, dropped %,d (%.1f%%) over the trial incl. warm-up%n",
                system, published, delivered, dropped, share);
    }
}
