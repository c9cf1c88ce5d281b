package io.ringtrace.bench;

import java.util.SplittableRandom;

/**
 * The typical span every benchmark and the load tool publish, with the same values on both
 * systems: a SERVER span named {@value #SPAN_NAME} with two string attributes, one long and one
 * boolean attribute (four in all), and one event, under a resource with {@code service.name}
 * {@value #SERVICE_NAME} and an instrumentation scope {@value #SCOPE_NAME} {@value #SCOPE_VERSION}.
 *
 * <p>The encode benchmark uses the span with its event; the publish runs can drop the event ("name,
 * 4 attributes", the minimal span). One shape serves both, so every number in the bench module is
 * about the same span.
 */
public final class SpanShape {

    /** The span name. */
    public static final String SPAN_NAME = "GET /api/orders/{id}";
    /** {@code service.name} of the resource. */
    public static final String SERVICE_NAME = "ringtrace-bench";
    /** Instrumentation scope name. */
    public static final String SCOPE_NAME = "io.ringtrace.bench";
    /** Instrumentation scope version. */
    public static final String SCOPE_VERSION = "1.0.0";

    /** First string attribute key. */
    public static final String KEY_METHOD = "http.request.method";
    /** First string attribute value. */
    public static final String VALUE_METHOD = "GET";
    /** Second string attribute key. */
    public static final String KEY_PATH = "url.path";
    /** Second string attribute value. */
    public static final String VALUE_PATH = "/api/orders/1234567";
    /** Long attribute key. */
    public static final String KEY_STATUS = "http.response.status_code";
    /** Long attribute value. */
    public static final long VALUE_STATUS = 200L;
    /** Boolean attribute key. */
    public static final String KEY_CACHE_HIT = "cache.hit";
    /** Boolean attribute value. */
    public static final boolean VALUE_CACHE_HIT = true;
    /** The one event's name. */
    public static final String EVENT_NAME = "cache.lookup";

    /** Span duration used where the benchmark sets times explicitly (encode inputs). */
    public static final long DURATION_NANOS = 1_250_000L;

    private SpanShape() {
    }

    /**
     * Fixed identifiers and times for {@code count} spans (seeded, so every run and both systems
     * encode exactly the same spans).
     *
     * @param count how many spans
     * @param seed random seed
     * @return the values, one row per span
     */
    public static SpanValues[] values(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long baseNanos = 1_764_000_000_000_000_000L; // a fixed epoch time (Nov 2025) for reproducible bytes
        SpanValues[] rows = new SpanValues[count];
        for (int i = 0; i < count; i++) {
            long start = baseNanos + i * 10_000L;
            rows[i] = new SpanValues(nonZero(random), nonZero(random), nonZero(random), nonZero(random),
                    start, start + DURATION_NANOS, start + DURATION_NANOS / 2);
        }
        return rows;
    }

    private static long nonZero(SplittableRandom random) {
        long value;
        do {
            value = random.nextLong();
        } while (value == 0);
        return value;
    }

    /**
     * The per-span values of one typical span: ids and times (everything else is constant).
     *
     * @param traceIdHigh high 64 bits of the trace id
     * @param traceIdLow low 64 bits of the trace id
     * @param spanId span id
     * @param parentSpanId parent span id
     * @param startEpochNanos start time
     * @param endEpochNanos end time
     * @param eventEpochNanos time of the one event
     */
    public record SpanValues(long traceIdHigh, long traceIdLow, long spanId, long parentSpanId,
                             long startEpochNanos, long endEpochNanos, long eventEpochNanos) {
    }
}
