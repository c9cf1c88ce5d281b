package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up under the spool: a 3 MiB tmpfs (mounted by the test; skipped where mounting
 * is not permitted) under a spool bounded at 64 MiB, in 1 MiB segments. The disk fills when a
 * segment is created (its blocks are written with zeros before it is mapped): the append fails with
 * the device's own error, never a {@code SIGBUS} in a mapped store, and the partial file is removed;
 * every record stored before is intact. Then the newest record is torn (a byte of it flipped, as a
 * crash mid-write leaves it): a reopened store skips it, counted, stepping through the rest of its
 * segment, and replays every other record, oldest first. On tmpfs a shared mapping's read of a page
 * never written raises {@code SIGBUS} once the file system is full, which crashes the JVM: segments
 * written whole at creation have no such page.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpoolDiskFullTmpfsTest {

    private static final int RECORD_BYTES = 200_000;

    @TempDir
    Path mountPoint;

    @Test
    void aFullDiskFailsTheAppendAndATornRecordOnItIsSkippedWithoutACrash() throws Exception {
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mountPoint.toString()),
                "mounting a tmpfs is not permitted here (it needs root with CAP_SYS_ADMIN): skipped");
        try {
            SpoolOptions options = SpoolOptions.builder(mountPoint).maxBytes(64L << 20).segmentBytes(1L << 20)
                    .fsync(SpoolOptions.Fsync.NONE).build();
            List<String> drops = new ArrayList<>();
            SpoolStore store = SpoolStore.open(options);
            int stored = 0;
            SpoolStore.Appended last;
            try {
                while ((last = store.append(payload(stored), stored + 1, 0, 1_000 + stored,
                        (signal, items, recovered, reason) -> drops.add(reason + ":" + items))) == SpoolStore.Appended.STORED) {
                    stored++;
                    assertTrue(stored < 64, "a 3 MiB disk cannot take 64 records of 200 KB");
                }
                assertEquals(SpoolStore.Appended.FAILED, last);
                assertTrue(store.lastError.getMessage().contains("No space left on device"),
                        "the device's own error: " + store.lastError);
                assertTrue(stored >= 5, "records were stored before the disk filled: " + stored);
                assertEquals(SpoolStore.Appended.FAILED, store.append(payload(stored), stored + 1, 0, 2_000, (s, i, r, w) -> { }),
                        "still full: the next record fails too");
                try (Stream<Path> files = Files.list(mountPoint)) {
                    List<String> names = files.map(file -> file.getFileName().toString()).toList();
                    assertEquals(store.segments().size() + 1, names.size(), "the segments and the lock file, no partial segment: " + names);
                }
                System.out.println("spool on a full tmpfs: " + stored + " records stored in " + store.segments().size()
                        + " segments, then " + store.lastError);
                assertEquals(List.of(), drops, "nothing dropped for room: the size bound was never reached");
            } finally {
                store.close();
            }

            // the newest record torn, as a crash in its write would leave it: recovery steps over it, through
            // the rest of its segment, to the segment's end; every page there exists (no SIGBUS)
            int lastRecord = stored - 1;
            damage(lastRecord);

            SpoolStore reopened = SpoolStore.open(options);
            try {
                assertEquals(stored - 1, reopened.recoveredRecords, "every intact record stored before the disk filled");
                assertEquals(1, reopened.corruptRecords, "the torn one, counted");
                List<Integer> replayed = new ArrayList<>();
                for (SpoolSegment segment = reopened.nextRecord(); segment != null; segment = reopened.nextRecord()) {
                    int at = reopened.recordAt;
                    int number = SpoolRecord.items(segment.mapped(), at) - 1;
                    assertEquals(RECORD_BYTES, SpoolRecord.length(segment.mapped(), at));
                    assertEquals((byte) (number * 31 + 7), segment.mapped().get(at + SpoolRecord.HEADER_BYTES + 7));
                    replayed.add(number);
                    reopened.finished(segment, at);
                }
                List<Integer> expected = new ArrayList<>();
                for (int n = 0; n < lastRecord; n++) {
                    expected.add(n);
                }
                assertEquals(expected, replayed, "oldest first, all but the torn one");
            } finally {
                reopened.close();
            }
        } finally {
            run("umount", "--lazy", mountPoint.toString()); // detached even if a failed assertion left a file open
        }
    }

    /** Flips one payload byte of record {@code number}: its CRC no longer matches. */
    private void damage(int number) throws IOException {
        long recordBytes = SpoolRecord.recordBytes(RECORD_BYTES);
        long perSegment = ((1L << 20) - SpoolRecord.SEGMENT_HEADER_BYTES) / recordBytes;
        Path segment = mountPoint.resolve(SpoolSegment.fileName(number / perSegment));
        long at = SpoolRecord.SEGMENT_HEADER_BYTES + (number % perSegment) * recordBytes + SpoolRecord.HEADER_BYTES + 1_000;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, at);
            one.put(0, (byte) ~one.get(0)).rewind();
            channel.write(one, at);
        }
    }

    private static ByteBuffer payload(int number) {
        ByteBuffer b = ByteBuffer.allocateDirect(RECORD_BYTES);
        for (int i = 0; i < RECORD_BYTES; i++) {
            b.put(i, (byte) (number * 31 + i));
        }
        return b;
    }

    /** @return whether {@code command} ran and exited 0 (false if it could not be started) */
    private static boolean run(String... command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
