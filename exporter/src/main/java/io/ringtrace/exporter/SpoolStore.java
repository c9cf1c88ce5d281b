package io.ringtrace.exporter;

import io.ringtrace.engine.export.DropReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The spool's files in one directory: the lock that keeps other processes out, the segments in
 * replay order, the size and age bounds and the policy when full. Single-threaded (the spool's
 * thread), except {@link #open} and {@link #close}.
 *
 * <p>Bounds: the segment files together never take more than {@code maxBytes} on disk (each file is
 * allocated whole when created, so what is counted is what is used); a segment whose newest record
 * is older than {@code maxAge} is dropped whole. When a new record needs a new segment and the bound
 * is reached, {@link SpoolOptions.WhenFull#DROP_OLDEST} drops the oldest segments (their pending
 * records counted {@link DropReason#SPOOL_FULL}) and {@link SpoolOptions.WhenFull#REFUSE_NEWEST}
 * refuses the new record. A segment with records out for replay is never dropped.
 */
final class SpoolStore {

    static final String LOCK_FILE = "spool.lock";

    /** Where the store reports records it drops on its own (full, expired). */
    interface DroppedRecords {
        /**
         * @param signal the record's signal ordinal
         * @param items its items
         * @param recovered whether it came from an earlier process
         * @param reason why it is dropped
         */
        void dropped(int signal, int items, boolean recovered, DropReason reason);
    }

    /** What {@link #append} did with a record. */
    enum Appended { STORED, FULL, FAILED }

    private final Path directory;
    private final SpoolOptions options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final CRC32C crc = new CRC32C();
    /** Oldest first; the last one is the one appended to, unless it was recovered. */
    private final List<SpoolSegment> segments = new ArrayList<>();
    private long nextSequence;
    private long fileBytes;
    /** Intact pending records and items found at open, per signal; torn or corrupt records found. */
    final long[] recoveredItems = new long[SpoolSignals.COUNT];
    long recoveredRecords;
    long corruptRecords;
    long corruptBytes;
    /** The last I/O error, for the log line. */
    IOException lastError;
    private SpoolSegment lastSegment;
    private int lastAt;
    private boolean closed;

    private SpoolStore(Path directory, SpoolOptions options, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.options = options;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Locks the directory (creating it if needed) and recovers the segments an earlier process left.
     *
     * @throws IllegalStateException if another spool (this process or another) holds the directory
     * @throws java.io.UncheckedIOException if the directory cannot be created, locked or read
     */
    static SpoolStore open(SpoolOptions options) {
        Path directory = options.directory();
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another channel of this JVM
            }
            if (lock == null) {
                throw new IllegalStateException("spool directory " + directory + " is in use by another spool (its "
                        + LOCK_FILE + " is locked): give each process its own directory");
            }
            SpoolStore store = new SpoolStore(directory, options, channel, lock);
            channel = null;
            try {
                store.recover();
            } catch (IOException | RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open spool directory " + directory + ": " + e, e);
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the failure being reported matters more
                }
            }
        }
    }

    private void recover() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory, "spool-*.seg")) {
            for (Path file : listing) {
                if (SpoolSegment.sequenceOf(file.getFileName().toString()) >= 0) {
                    files.add(file);
                }
            }
        }
        files.sort((a, b) -> Long.compareUnsigned(SpoolSegment.sequenceOf(a.getFileName().toString()),
                SpoolSegment.sequenceOf(b.getFileName().toString())));
        for (Path file : files) {
            long sequence = SpoolSegment.sequenceOf(file.getFileName().toString());
            nextSequence = Math.max(nextSequence, sequence + 1);
            SpoolSegment segment = SpoolSegment.recover(file, sequence, crc);
            if (segment == null) {
                corruptRecords++; // not a segment of this format at all: counted, set aside
                corruptBytes += Files.size(file);
                Files.move(file, file.resolveSibling(file.getFileName() + ".corrupt"));
                continue;
            }
            corruptRecords += segment.corruptRecords;
            corruptBytes += segment.corruptBytes;
            if (segment.pendingRecords() == 0) {
                segment.delete(); // everything in it was delivered or dropped
                continue;
            }
            segments.add(segment);
            fileBytes += segment.fileBytes();
            // count what is pending per signal
            ByteBuffer mapped = segment.mapped();
            int at = SpoolRecord.SEGMENT_HEADER_BYTES;
            while (at < segment.writeAt()) {
                if (SpoolRecord.intact(mapped, at, segment.writeAt(), crc)) {
                    if (!SpoolRecord.done(mapped, at)) {
                        recoveredItems[SpoolRecord.signal(mapped, at)] += SpoolRecord.items(mapped, at);
                        recoveredRecords++;
                    }
                    at += (int) SpoolRecord.recordBytes(SpoolRecord.length(mapped, at));
                } else {
                    at += 8;
                }
            }
        }
    }

    // ------------------------------------------------------------------ appending

    /**
     * Appends one record, making room per the policy when full.
     *
     * @param payload the request's bytes, position to limit (restored)
     * @return what happened; on {@link Appended#FAILED}, {@link #lastError} says why
     */
    Appended append(ByteBuffer payload, int items, int signal, long nowMillis, DroppedRecords drops) {
        lastSegment = null; // discardLast() undoes only a record this call stored
        long length = payload.remaining();
        SpoolSegment active = activeSegment();
        if (active == null || !active.fits(length)) {
            long recordBytes = SpoolRecord.recordBytes(length);
            long needed = Math.max(options.segmentBytes(), SpoolRecord.SEGMENT_HEADER_BYTES + recordBytes);
            if (needed > options.maxBytes() || needed > Integer.MAX_VALUE) {
                return Appended.FULL;
            }
            while (fileBytes + needed > options.maxBytes()) {
                if (options.whenFull() == SpoolOptions.WhenFull.REFUSE_NEWEST || !dropOldest(drops, DropReason.SPOOL_FULL)) {
                    return Appended.FULL;
                }
            }
            SpoolSegment previous = active;
            try {
                active = SpoolSegment.create(directory, nextSequence++, (int) needed, nowMillis);
            } catch (IOException | RuntimeException e) {
                lastError = e instanceof IOException ? (IOException) e : new IOException(e);
                return Appended.FAILED;
            }
            segments.add(active);
            fileBytes += active.fileBytes();
            if (previous != null) {
                deleteIfDrained(previous); // replayed while it was the one appended to: nothing else deletes it
            }
        }
        try {
            lastAt = active.append(payload, items, signal, nowMillis, crc);
            lastSegment = active;
        } catch (RuntimeException | InternalError e) { // a fault in a mapped store (the device went away)
            lastError = new IOException("write to " + active.file() + " failed", e);
            return Appended.FAILED;
        }
        if (options.fsync() == SpoolOptions.Fsync.EVERY_REQUEST) {
            try {
                active.forceRecord(lastAt);
            } catch (RuntimeException e) {
                lastError = new IOException("msync of " + active.file() + " failed", e);
                return Appended.FAILED; // the caller drops it: it must not be replayed either
            }
        }
        return Appended.STORED;
    }

    /** Marks the record the last {@link #append} stored, if it stored one, as done: it is not to be replayed. */
    void discardLast() {
        if (lastSegment != null) {
            lastSegment.markDone(lastAt);
            deleteIfDrained(lastSegment);
            lastSegment = null;
        }
    }

    private SpoolSegment activeSegment() {
        if (segments.isEmpty()) {
            return null;
        }
        SpoolSegment last = segments.get(segments.size() - 1);
        return last.recovered() ? null : last;
    }

    /** Drops the oldest segment nothing is replaying from; false if there is none. */
    private boolean dropOldest(DroppedRecords drops, DropReason reason) {
        for (int i = 0; i < segments.size(); i++) {
            SpoolSegment segment = segments.get(i);
            if (segment.replaysOut == 0) {
                dropSegment(i, drops, reason);
                return true;
            }
        }
        return false;
    }

    private void dropSegment(int index, DroppedRecords drops, DropReason reason) {
        SpoolSegment segment = segments.remove(index);
        fileBytes -= segment.fileBytes();
        ByteBuffer mapped = segment.mapped();
        int at = SpoolRecord.SEGMENT_HEADER_BYTES;
        while (at < segment.writeAt()) {
            if (SpoolRecord.intact(mapped, at, segment.writeAt(), crc)) {
                if (!SpoolRecord.done(mapped, at)) {
                    drops.dropped(SpoolRecord.signal(mapped, at), SpoolRecord.items(mapped, at), segment.recovered(), reason);
                }
                at += (int) SpoolRecord.recordBytes(SpoolRecord.length(mapped, at));
            } else {
                at += 8;
            }
        }
        deleteQuietly(segment);
    }

    private void deleteQuietly(SpoolSegment segment) {
        try {
            segment.delete();
        } catch (IOException e) {
            lastError = e;
        }
    }

    // ------------------------------------------------------------------ replay

    /**
     * Finds the oldest record not handed out yet; its segment counts it as out for replay until
     * {@link #returned}.
     *
     * @return the segment holding it (the record at {@link #recordAt}), or null if none is pending
     */
    SpoolSegment nextRecord() {
        for (int i = 0; i < segments.size(); i++) {
            SpoolSegment segment = segments.get(i);
            int at = segment.nextPending(crc);
            if (at >= 0) {
                segment.replaysOut++;
                recordAt = at;
                return segment;
            }
        }
        return null;
    }

    /** Where the record {@link #nextRecord} found starts in its segment. */
    int recordAt;

    /** @return the record's CRC as its file holds it now matches its stored CRC */
    boolean stillIntact(SpoolSegment segment, int at) {
        return SpoolRecord.intact(segment.mapped(), at, segment.writeAt(), crc);
    }

    /**
     * A record handed out for replay is back, done (delivered or dropped) or not (to be replayed
     * again: it stays out until then).
     */
    void finished(SpoolSegment segment, int at) {
        segment.replaysOut--;
        segment.markDone(at);
        deleteIfDrained(segment);
    }

    private void deleteIfDrained(SpoolSegment segment) {
        // remove() last: a segment dropped for room meanwhile is gone already and counted off once
        if (segment.pendingRecords() == 0 && segment.replaysOut == 0 && segment != activeSegment()
                && segments.remove(segment)) {
            fileBytes -= segment.fileBytes();
            deleteQuietly(segment);
        }
    }

    // ------------------------------------------------------------------ housekeeping

    /** Drops whole segments whose newest record is older than the maximum age. */
    void expire(long nowMillis, DroppedRecords drops) {
        long oldestAllowed = nowMillis - options.maxAge().toMillis();
        for (int i = 0; i < segments.size(); ) {
            SpoolSegment segment = segments.get(i);
            if (segment.newestMillis < oldestAllowed && segment.replaysOut == 0 && segment.pendingRecords() > 0) {
                dropSegment(i, drops, DropReason.SPOOL_EXPIRED);
            } else {
                i++;
            }
        }
        // the active segment, once drained and idle, is dropped too: the next record starts a new one
        SpoolSegment active = activeSegment();
        if (active != null && active.pendingRecords() == 0 && active.replaysOut == 0
                && active.writeAt() > SpoolRecord.SEGMENT_HEADER_BYTES) {
            segments.remove(active);
            fileBytes -= active.fileBytes();
            deleteQuietly(active);
        }
    }

    /** Forces every segment written by this process to the device. */
    void force() {
        for (SpoolSegment segment : segments) {
            if (!segment.recovered()) {
                try {
                    segment.force();
                } catch (RuntimeException e) {
                    lastError = new IOException("msync of " + segment.file() + " failed", e);
                }
            }
        }
    }

    /** @return whether some segment has records the replay has not reached yet */
    boolean pendingRecordsNotOut() {
        for (SpoolSegment segment : segments) {
            if (segment.cursor() < segment.writeAt()) {
                return true;
            }
        }
        return false;
    }

    long fileBytes() {
        return fileBytes;
    }

    long pendingRecords() {
        long records = 0;
        for (SpoolSegment segment : segments) {
            records += segment.pendingRecords();
        }
        return records;
    }

    /**
     * @return when the first record of the oldest segment that still holds pending records was
     *     spooled (epoch millis; the oldest pending record is at most that old), 0 if none
     */
    long oldestPendingMillis() {
        for (SpoolSegment segment : segments) {
            if (segment.pendingRecords() > 0) {
                return segment.oldestMillis;
            }
        }
        return 0;
    }

    boolean closed() {
        return closed;
    }

    List<SpoolSegment> segments() {
        return segments;
    }

    Path directory() {
        return directory;
    }

    /** Forces, unmaps and closes every segment (the files stay for the next process) and releases the lock. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        force();
        for (SpoolSegment segment : segments) {
            try {
                segment.close();
            } catch (IOException e) {
                lastError = e;
            }
        }
        segments.clear();
        try {
            lock.release();
        } catch (IOException | RuntimeException e) {
            // closing the channel releases it too
        }
        try {
            lockChannel.close();
        } catch (IOException e) {
            lastError = e;
        }
    }
}
