package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.Signal;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's files: records survive a reopen with their signal, item count and bytes; a torn tail
 * and random bytes in the middle of a segment are detected at recovery, skipped and counted, and
 * every intact record around them is kept; the lock file keeps a second spool out; the size bound
 * holds with both policies when full.
 */
@Timeout(60)
class SpoolStoreTest {

    @TempDir
    Path dir;

    private final List<String> drops = new ArrayList<>();
    private final SpoolStore.DroppedRecords dropSink = (signal, items, recovered, reason) ->
            drops.add(reason + ":" + items + (recovered ? ":recovered" : ""));

    private SpoolOptions options(long maxBytes, long segmentBytes, SpoolOptions.WhenFull whenFull) {
        return SpoolOptions.builder(dir).maxBytes(maxBytes).segmentBytes(segmentBytes).whenFull(whenFull)
                .fsync(SpoolOptions.Fsync.NONE).build();
    }

    private static ByteBuffer payload(int number, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        for (int i = 0; i < length; i++) {
            b.put(i, (byte) (number * 31 + i));
        }
        return b;
    }

    private static void assertPayload(int number, int length, ByteBuffer mapped, int at) {
        assertEquals(length, SpoolRecord.length(mapped, at));
        for (int i = 0; i < length; i++) {
            assertEquals((byte) (number * 31 + i), mapped.get(at + SpoolRecord.HEADER_BYTES + i), "byte " + i);
        }
    }

    /** Appends {@code count} records numbered from 0, item count = number + 1, signals in turn. */
    private void fill(SpoolStore store, int count, int length) {
        for (int n = 0; n < count; n++) {
            assertEquals(SpoolStore.Appended.STORED,
                    store.append(payload(n, length), n + 1, n % Signal.values().length, 1_000 + n, dropSink));
        }
    }

    /** Replays everything: the numbers (item count - 1) of the records, oldest first, marked done. */
    private static List<Integer> drain(SpoolStore store) {
        List<Integer> numbers = new ArrayList<>();
        for (SpoolSegment s = store.nextRecord(); s != null; s = store.nextRecord()) {
            int at = store.recordAt;
            int number = SpoolRecord.items(s.mapped(), at) - 1;
            assertEquals(number % Signal.values().length, SpoolRecord.signal(s.mapped(), at));
            assertPayload(number, SpoolRecord.length(s.mapped(), at), s.mapped(), at);
            numbers.add(number);
            store.finished(s, at);
        }
        return numbers;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(i);
        }
        return list;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    @Test
    void recordsSurviveAReopenAndDeliveredOnesDoNotComeBack() {
        SpoolStore store = SpoolStore.open(options(4 << 20, 256 << 10, SpoolOptions.WhenFull.DROP_OLDEST));
        fill(store, 40, 10_000); // ~400 KB: two segments
        // deliver the first 10 in this process
        for (int i = 0; i < 10; i++) {
            SpoolSegment s = store.nextRecord();
            store.finished(s, store.recordAt);
        }
        store.close();

        SpoolStore reopened = SpoolStore.open(options(4 << 20, 256 << 10, SpoolOptions.WhenFull.DROP_OLDEST));
        try {
            assertEquals(30, reopened.recoveredRecords);
            assertEquals(0, reopened.corruptRecords);
            long items = 0;
            for (long i : reopened.recoveredItems) {
                items += i;
            }
            assertEquals((11 + 40) * 30 / 2, items, "items 11..40");
            assertEquals(range(10, 40), drain(reopened));
            assertTrue(reopened.segments().isEmpty(), "drained recovered segments are deleted");
        } finally {
            reopened.close();
        }
    }

    @Test
    void everyFsyncPolicyKeepsTheRecords() {
        for (SpoolOptions.Fsync fsync : SpoolOptions.Fsync.values()) {
            Path sub = dir.resolve(fsync.name());
            SpoolOptions options = SpoolOptions.builder(sub).maxBytes(4 << 20).segmentBytes(256 << 10).fsync(fsync).build();
            SpoolStore store = SpoolStore.open(options);
            fill(store, 5, 2_000);
            store.close();
            SpoolStore reopened = SpoolStore.open(options);
            try {
                assertEquals(5, reopened.recoveredRecords, fsync.name());
                assertEquals(range(0, 5), drain(reopened));
            } finally {
                reopened.close();
            }
        }
    }

    @Test
    void aTornTailIsTruncatedAndCounted() throws IOException {
        SpoolStore store = SpoolStore.open(options(4 << 20, 1 << 20, SpoolOptions.WhenFull.DROP_OLDEST));
        fill(store, 10, 5_000);
        store.close();
        // a write cut short: the last record's second half never reached the file
        Path segment = segmentFiles().get(0);
        int last = SpoolRecord.SEGMENT_HEADER_BYTES + 9 * (int) SpoolRecord.recordBytes(5_000);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(last + SpoolRecord.HEADER_BYTES + 2_500);
            file.write(new byte[2_500]);
        }
        SpoolStore reopened = SpoolStore.open(options(4 << 20, 1 << 20, SpoolOptions.WhenFull.DROP_OLDEST));
        try {
            assertEquals(9, reopened.recoveredRecords);
            assertEquals(1, reopened.corruptRecords);
            assertEquals(range(0, 9), drain(reopened));
        } finally {
            reopened.close();
        }
    }

    @Test
    void randomBytesInTheMiddleLoseOnlyTheRecordsTheyHit() throws IOException {
        SpoolStore store = SpoolStore.open(options(4 << 20, 1 << 20, SpoolOptions.WhenFull.DROP_OLDEST));
        fill(store, 20, 3_000);
        store.close();
        Path segment = segmentFiles().get(0);
        int recordBytes = (int) SpoolRecord.recordBytes(3_000);
        int fifth = SpoolRecord.SEGMENT_HEADER_BYTES + 5 * recordBytes;
        byte[] noise = new byte[200];
        new Random(42).nextBytes(noise);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(fifth + 1_000); // inside record 5's payload
            file.write(noise);
            file.seek(fifth + 3 * recordBytes - 8); // the end of record 7 and the header of record 8
            file.write(noise);
        }
        SpoolStore reopened = SpoolStore.open(options(4 << 20, 1 << 20, SpoolOptions.WhenFull.DROP_OLDEST));
        try {
            assertEquals(2, reopened.corruptRecords, "two damaged stretches");
            assertEquals(17, reopened.recoveredRecords);
            List<Integer> expected = range(0, 20);
            expected.removeAll(List.of(5, 7, 8));
            assertEquals(expected, drain(reopened));
        } finally {
            reopened.close();
        }
    }

    @Test
    void aFileThatIsNotASegmentIsSetAsideAndCounted() throws IOException {
        byte[] junk = new byte[100_000];
        new Random(7).nextBytes(junk);
        Files.write(dir.resolve(SpoolSegment.fileName(3)), junk);
        SpoolStore store = SpoolStore.open(options(4 << 20, 1 << 20, SpoolOptions.WhenFull.DROP_OLDEST));
        try {
            assertEquals(1, store.corruptRecords);
            assertEquals(0, store.recoveredRecords);
            assertTrue(Files.exists(dir.resolve(SpoolSegment.fileName(3) + ".corrupt")));
            fill(store, 1, 100);
            assertEquals(List.of(0), drain(store));
        } finally {
            store.close();
        }
    }

    @Test
    void theLockFileKeepsASecondSpoolOut() {
        SpoolStore first = SpoolStore.open(options(4 << 20, 1 << 20, SpoolOptions.WhenFull.DROP_OLDEST));
        try {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> SpoolStore.open(options(4 << 20, 1 << 20, SpoolOptions.WhenFull.DROP_OLDEST)));
            assertTrue(refused.getMessage().contains("in use by another spool"), refused.getMessage());
        } finally {
            first.close();
        }
        SpoolStore.open(options(4 << 20, 1 << 20, SpoolOptions.WhenFull.DROP_OLDEST)).close(); // free again
    }

    @Test
    void whenFullTheOldestSegmentGoesAndTheBoundHolds() {
        SpoolStore store = SpoolStore.open(options(2 << 20, 512 << 10, SpoolOptions.WhenFull.DROP_OLDEST));
        try {
            fill(store, 60, 50_000); // 3 MB into 2 MiB: segments of 10 records, the oldest dropped
            assertTrue(store.fileBytes() <= 2 << 20, "bound: " + store.fileBytes());
            assertEquals(20, drops.size(), "two segments of ten records dropped: " + drops);
            assertTrue(drops.get(0).startsWith(DropReason.SPOOL_FULL + ":1"), drops.toString());
            assertEquals(range(20, 60), drain(store));
        } finally {
            store.close();
        }
    }

    @Test
    void aSegmentDrainedWhileItWasTheNewestGoesWhenTheNextOneStarts() throws IOException {
        SpoolStore store = SpoolStore.open(options(2 << 20, 512 << 10, SpoolOptions.WhenFull.DROP_OLDEST));
        try {
            fill(store, 10, 50_000); // one segment of ten records, full
            assertEquals(range(0, 10), drain(store)); // replayed while it is still the one appended to
            assertEquals(1, segmentFiles().size());
            fill(store, 1, 50_000); // starts the next segment
            assertEquals(1, segmentFiles().size(), "the drained one went: " + segmentFiles());
            assertEquals(512 << 10, store.fileBytes(), "the bound counts only what is on disk");
            assertTrue(drops.isEmpty(), drops.toString());
        } finally {
            store.close();
        }
    }

    @Test
    void refuseNewestKeepsTheOldestAndRefusesTheRest() {
        SpoolStore store = SpoolStore.open(options(2 << 20, 512 << 10, SpoolOptions.WhenFull.REFUSE_NEWEST));
        try {
            int stored = 0;
            for (int n = 0; n < 60; n++) {
                if (store.append(payload(n, 50_000), n + 1, n % Signal.values().length, 1_000 + n, dropSink) == SpoolStore.Appended.STORED) {
                    stored++;
                }
            }
            assertEquals(40, stored, "four segments of ten records fit in 2 MiB");
            assertTrue(store.fileBytes() <= 2 << 20);
            assertTrue(drops.isEmpty());
            assertEquals(range(0, 40), drain(store));
        } finally {
            store.close();
        }
    }

    @Test
    void aFileThatCannotBeCreatedFailsTheAppendWithoutHarm() throws IOException {
        SpoolStore store = SpoolStore.open(options(4 << 20, 1 << 20, SpoolOptions.WhenFull.DROP_OLDEST));
        try {
            // the next segment's name is taken by a directory: creating the file fails with an I/O error,
            // as a full disk or a vanished mount would (the tests run as root, so permissions cannot)
            Path blocker = Files.createDirectory(dir.resolve(SpoolSegment.fileName(0)));
            assertEquals(SpoolStore.Appended.FAILED, store.append(payload(0, 1_000), 1, 0, 1_000, dropSink));
            assertTrue(store.lastError != null, "the error is kept for the log line");
            assertEquals(0, store.fileBytes());
            Files.delete(blocker);
            // the sequence moved on: the next segment gets the next name
            assertEquals(SpoolStore.Appended.STORED, store.append(payload(1, 1_000), 2, 1, 1_001, dropSink));
            assertEquals(List.of(1), drain(store));
        } finally {
            store.close();
        }
    }

    @Test
    void segmentsOlderThanTheMaximumAgeAreDroppedCounted() {
        SpoolStore store = SpoolStore.open(SpoolOptions.builder(dir).maxBytes(4 << 20).segmentBytes(64 << 10)
                .maxAge(java.time.Duration.ofSeconds(10)).build());
        try {
            fill(store, 12, 10_000); // spooled at 1,000..1,011 ms: segments of 6 records
            store.expire(1_000 + 10_000 + 6, dropSink); // the first segment's newest record (1,005) is past 10 s
            assertEquals(6, drops.size(), drops.toString());
            assertTrue(drops.get(0).startsWith(DropReason.SPOOL_EXPIRED.name()));
            assertEquals(range(6, 12), drain(store));
            assertNull(store.nextRecord());
        } finally {
            store.close();
        }
    }
}
