package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bounds of {@link SpanLimits}: every count limit sizes or indexes a fixed-size record. */
class SpanLimitsTest {

    private static final String[] COUNTS = {"maxAttributes", "maxEvents", "maxLinks", "maxAttributesPerEvent",
        "maxAttributesPerLink"};

    private static SpanLimits.Builder withCount(String name, int n) {
        SpanLimits.Builder b = SpanLimits.builder();
        switch (name) {
            case "maxAttributes": return b.maxAttributes(n);
            case "maxEvents": return b.maxEvents(n);
            case "maxLinks": return b.maxLinks(n);
            case "maxAttributesPerEvent": return b.maxAttributesPerEvent(n);
            case "maxAttributesPerLink": return b.maxAttributesPerLink(n);
            default: throw new AssertionError(name);
        }
    }

    @Test
    void countsBeyondTheBoundAreRejectedWithTheSettingAndTheBound() {
        for (String count : COUNTS) {
            for (int n : new int[] {SpanLimits.MAX_COUNT + 1, 100_000_000, 1 << 30, Integer.MAX_VALUE}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> withCount(count, n).build(), count + "=" + n + " was accepted");
                assertTrue(e.getMessage().contains(count) && e.getMessage().contains(Integer.toString(SpanLimits.MAX_COUNT))
                        && e.getMessage().contains(Integer.toString(n)), e.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> withCount(count, -1).build());
            assertEquals(SpanLimits.MAX_COUNT, countOf(withCount(count, SpanLimits.MAX_COUNT).build(), count));
        }
    }

    private static int countOf(SpanLimits limits, String name) {
        switch (name) {
            case "maxAttributes": return limits.maxAttributes();
            case "maxEvents": return limits.maxEvents();
            case "maxLinks": return limits.maxLinks();
            case "maxAttributesPerEvent": return limits.maxAttributesPerEvent();
            case "maxAttributesPerLink": return limits.maxAttributesPerLink();
            default: throw new AssertionError(name);
        }
    }

    @Test
    void aRecordAtTheBoundKeepsEveryEventAndLinkAndCountsTheRest() {
        int max = SpanLimits.MAX_COUNT;
        SpanLimits limits = SpanLimits.builder().maxEvents(max).maxLinks(max).eventBytes(max * 32).linkBytes(max * 64)
                .build();
        SpanRecord record = new SpanRecord(limits).traceId(1, 2).spanId(3);
        Utf8Constant name = Utf8Constant.of("e");
        for (int i = 0; i < max + 5; i++) {
            record.addEvent(name, 1_000L + i);
            record.addLink(1, 2 + i, 3 + i, 1, null);
        }
        assertEquals(max, record.eventCount());
        assertEquals(5, record.droppedEventsCount());
        assertEquals(max, record.linkCount());
        assertEquals(5, record.droppedLinksCount());
    }

    private static SpanRecord sink;

    @Test
    void recordHeapBytesCoversWhatARecordAllocates() throws Exception {
        SpanLimits[] cases = {
            SpanLimits.defaults(),
            SpanLimits.builder().maxEvents(0).maxLinks(0).textBytes(0).attributeBytes(0).eventBytes(0).linkBytes(0).build(),
            SpanLimits.builder().maxEvents(SpanLimits.MAX_COUNT).maxLinks(SpanLimits.MAX_COUNT).build(),
            SpanLimits.builder().attributeBytes(1 << 20).build(),
        };
        for (SpanLimits limits : cases) {
            long allocated = AllocationMeter.minAllocatedBytes(n -> {
                for (int i = 0; i < n; i++) {
                    sink = new SpanRecord(limits);
                }
            }, 2, 1, 3);
            long estimate = limits.recordHeapBytes();
            // an upper estimate (the engine's heap check must not under-count), and a close one
            assertTrue(estimate >= allocated && estimate <= allocated + 256,
                    limits + ": estimate " + estimate + " B, allocated " + allocated + " B");
        }
    }
}
