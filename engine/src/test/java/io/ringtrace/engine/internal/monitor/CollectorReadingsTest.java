package io.ringtrace.engine.internal.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringtrace.engine.ops.LatencyHistogram;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CollectorReadingsTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void durationsGoToTheSharedLatencyHistogramInNanoseconds() {
        CollectorReadings readings = new CollectorReadings("G1 Young Generation");
        readings.record("G1 Evacuation Pause", "end of minor GC", 0, 1_000);
        readings.record("G1 Evacuation Pause", "end of minor GC", 3, 1_000);
        readings.record("System.gc()", "end of major GC", 300, 500);

        LatencyHistogram.Snapshot durations = readings.durations().copyInto(new LatencyHistogram.Snapshot());
        assertEquals(3, durations.count());
        assertEquals(300 * MS, durations.maxNanos());
        assertEquals(101 * MS, durations.meanNanos());
        assertEquals(1, durations.bucketCount(0), "a 0 ms collection is in the first bucket");
        assertEquals(300 * MS, durations.percentileNanos(100));
        assertEquals(3, readings.gcCount());
        assertEquals(300, readings.lastDurationMillis());
        assertEquals("System.gc()", readings.lastCause());
    }

    private static long sink;

    @Test
    void recordingAllocatesNothing() {
        CollectorReadings readings = new CollectorReadings("G1 Young Generation");
        LatencyHistogram.Snapshot durations = new LatencyHistogram.Snapshot();
        String cause = "G1 Evacuation Pause";
        String action = "end of minor GC";
        long bytes = AllocationMeter.bytesAllocated(20_000, 10_000, () -> {
            readings.record(cause, action, sink & 63, 1_000);
            sink += readings.durations().copyInto(durations).maxNanos();
        });
        assertEquals(0, bytes);
    }
}
