package io.ringtrace.exporter;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * One spool segment file, mapped whole ({@link SpoolRecord} draws its layout). The file is written
 * out to its full size with zeros before it is mapped, so that a full disk is an
 * {@link IOException} when the segment is created, never a {@code SIGBUS} in a mapped store later.
 * Used by the spool's thread only.
 *
 * <p>Records are appended at {@link #writeAt()} and handed to replay in file order from
 * {@link #cursor()}; {@link #pendingRecords()} counts those not yet marked done. A segment found at
 * start (from an earlier process) is {@linkplain #recovered() recovered}: it is only read and marked,
 * never appended to.
 */
final class SpoolSegment {

    private static final String PREFIX = "spool-";
    private static final String SUFFIX = ".seg";
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024);

    private final Path file;
    private final long sequence;
    private final boolean recovered;
    private FileChannel channel;
    private MappedByteBuffer mapped;
    private final int capacity;
    private int writeAt = SpoolRecord.SEGMENT_HEADER_BYTES;
    private int cursor = SpoolRecord.SEGMENT_HEADER_BYTES;
    private int pendingRecords;
    private long pendingItems;
    /** Records of this segment lent to replay and not yet back. */
    int replaysOut;
    /** When the newest record was spooled (epoch millis). */
    long newestMillis;
    /** When the oldest record still pending at open, or the first appended, was spooled (epoch millis). */
    long oldestMillis;
    /** What recovery found wrong in this file: corrupt or torn records, and the bytes they took. */
    int corruptRecords;
    long corruptBytes;

    private SpoolSegment(Path file, long sequence, boolean recovered, FileChannel channel, MappedByteBuffer mapped) {
        this.file = file;
        this.sequence = sequence;
        this.recovered = recovered;
        this.channel = channel;
        this.mapped = mapped;
        this.capacity = mapped.capacity();
        SpoolRecord.littleEndian(mapped);
    }

    static String fileName(long sequence) {
        return PREFIX + String.format("%016x", sequence) + SUFFIX;
    }

    /** @return the sequence number in a segment file's name, or -1 if the name is not a segment's */
    static long sequenceOf(String fileName) {
        if (!fileName.startsWith(PREFIX) || !fileName.endsWith(SUFFIX)
                || fileName.length() != PREFIX.length() + 16 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(fileName.substring(PREFIX.length(), PREFIX.length() + 16), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Creates a segment file of {@code capacity} bytes, all of its blocks written, and maps it.
     *
     * @throws IOException if the disk is full or the file cannot be written; the file is removed
     */
    static SpoolSegment create(Path directory, long sequence, int capacity, long nowMillis) throws IOException {
        Path file = directory.resolve(fileName(sequence));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long written = 0;
            while (written < capacity) {
                ByteBuffer zeros;
                synchronized (ZEROS) { // shared by every spool of the JVM; a duplicate keeps positions apart
                    zeros = ZEROS.duplicate();
                }
                zeros.limit((int) Math.min(zeros.capacity(), capacity - written));
                while (zeros.hasRemaining()) {
                    written += channel.write(zeros, written);
                }
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
            SpoolSegment segment = new SpoolSegment(file, sequence, false, channel, mapped);
            segment.mapped.putLong(SpoolRecord.SEGMENT_MAGIC_OFFSET, SpoolRecord.SEGMENT_MAGIC);
            segment.mapped.putInt(SpoolRecord.SEGMENT_VERSION_OFFSET, SpoolRecord.FORMAT_VERSION);
            segment.mapped.putInt(SpoolRecord.SEGMENT_HEADER_SIZE_OFFSET, SpoolRecord.SEGMENT_HEADER_BYTES);
            segment.mapped.putLong(SpoolRecord.SEGMENT_SEQUENCE_OFFSET, sequence);
            segment.mapped.putLong(SpoolRecord.SEGMENT_CREATED_OFFSET, nowMillis);
            return segment;
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Opens a segment left by an earlier process and finds its records: each intact one is kept, a
     * stretch that is not (a torn tail, damaged bytes) is skipped up to the next intact record and
     * counted ({@link #corruptRecords}, {@link #corruptBytes}). Records already marked done are
     * skipped.
     *
     * @return the segment, or null if the file is not a spool segment at all (counted by the caller)
     */
    static SpoolSegment recover(Path file, long sequence, CRC32C crc) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        if (size < SpoolRecord.SEGMENT_HEADER_BYTES || size > Integer.MAX_VALUE) {
            channel.close();
            return null;
        }
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
        SpoolSegment segment = new SpoolSegment(file, sequence, true, channel, mapped);
        if (segment.mapped.getLong(SpoolRecord.SEGMENT_MAGIC_OFFSET) != SpoolRecord.SEGMENT_MAGIC
                || segment.mapped.getInt(SpoolRecord.SEGMENT_VERSION_OFFSET) != SpoolRecord.FORMAT_VERSION) {
            segment.close();
            return null;
        }
        segment.scan(crc);
        return segment;
    }

    private void scan(CRC32C crc) {
        int at = SpoolRecord.SEGMENT_HEADER_BYTES;
        int end = capacity;
        while (at < end) {
            if (SpoolRecord.intact(mapped, at, end, crc)) {
                if (!SpoolRecord.done(mapped, at)) {
                    pendingRecords++;
                    pendingItems += SpoolRecord.items(mapped, at);
                    long millis = SpoolRecord.epochMillis(mapped, at);
                    newestMillis = Math.max(newestMillis, millis);
                    oldestMillis = oldestMillis == 0 ? millis : Math.min(oldestMillis, millis);
                }
                at += (int) SpoolRecord.recordBytes(SpoolRecord.length(mapped, at));
                continue;
            }
            if (SpoolRecord.endOfData(mapped, at, end)) {
                break;
            }
            // not intact and not the zeros after the end: skip to the next intact record, if any
            int next = at + 8;
            while (next < end && !SpoolRecord.intact(mapped, next, end, crc)) {
                next += 8;
            }
            corruptRecords++;
            corruptBytes += next - at;
            at = next;
        }
        writeAt = Math.min(at, end);
    }

    // ------------------------------------------------------------------ appending

    /** @return whether a record of {@code payloadLength} bytes fits behind the last one */
    boolean fits(long payloadLength) {
        return !recovered && writeAt + SpoolRecord.recordBytes(payloadLength) <= capacity;
    }

    /**
     * Appends one record: copies {@code payload} (its position to its limit, which are restored),
     * then seals it ({@link SpoolRecord#seal}). The caller checked {@link #fits}.
     *
     * @return where the record starts
     */
    int append(ByteBuffer payload, int items, int signal, long epochMillis, CRC32C crc) {
        int at = writeAt;
        int length = payload.remaining();
        mapped.put(at + SpoolRecord.HEADER_BYTES, payload, payload.position(), length);
        SpoolRecord.seal(mapped, at, length, items, signal, epochMillis, crc);
        writeAt = (int) (at + SpoolRecord.recordBytes(length));
        pendingRecords++;
        pendingItems += items;
        newestMillis = Math.max(newestMillis, epochMillis);
        if (oldestMillis == 0) {
            oldestMillis = epochMillis;
        }
        return at;
    }

    // ------------------------------------------------------------------ replay order

    /**
     * @param crc scratch for the check
     * @return the next record from the cursor on that is intact and pending, or -1; the cursor moves
     *     past it. Damaged stretches met on the way are skipped as in recovery.
     */
    int nextPending(CRC32C crc) {
        while (cursor < writeAt) {
            int at = cursor;
            if (SpoolRecord.intact(mapped, at, writeAt, crc)) {
                cursor = (int) (at + SpoolRecord.recordBytes(SpoolRecord.length(mapped, at)));
                if (!SpoolRecord.done(mapped, at)) {
                    return at;
                }
            } else {
                cursor = at + 8; // a stretch recovery already counted: step over it
            }
        }
        return -1;
    }

    /**
     * Marks the record at {@code at} done (delivered or dropped).
     *
     * @return whether it was pending (false: marked before, nothing changed)
     */
    boolean markDone(int at) {
        if (SpoolRecord.done(mapped, at)) {
            return false;
        }
        SpoolRecord.markDone(mapped, at);
        pendingRecords--;
        pendingItems -= SpoolRecord.items(mapped, at);
        return true;
    }

    // ------------------------------------------------------------------ state

    ByteBuffer mapped() {
        return mapped;
    }

    long sequence() {
        return sequence;
    }

    boolean recovered() {
        return recovered;
    }

    int capacity() {
        return capacity;
    }

    int writeAt() {
        return writeAt;
    }

    int cursor() {
        return cursor;
    }

    int pendingRecords() {
        return pendingRecords;
    }

    long pendingItems() {
        return pendingItems;
    }

    /** @return the bytes the file takes on disk */
    long fileBytes() {
        return capacity;
    }

    /** Forces the bytes written so far to the storage device (msync). */
    void force() {
        mapped.force(0, writeAt);
    }

    /** Forces one record, the one starting at {@code at}, to the storage device. */
    void forceRecord(int at) {
        mapped.force(at, (int) SpoolRecord.recordBytes(SpoolRecord.length(mapped, at)));
    }

    /** Unmaps and closes the file (keeps it on disk). Idempotent. */
    void close() throws IOException {
        MappedByteBuffer m = mapped;
        if (m != null) {
            mapped = null;
            Unmapper.unmap(m);
        }
        FileChannel c = channel;
        if (c != null) {
            channel = null;
            c.close();
        }
    }

    /** Unmaps, closes and deletes the file. */
    void delete() throws IOException {
        close();
        Files.deleteIfExists(file);
    }

    Path file() {
        return file;
    }

    @Override
    public String toString() {
        return file.getFileName() + "{capacity=" + capacity + ", writeAt=" + writeAt + ", cursor=" + cursor
                + ", pending=" + pendingRecords + (recovered ? ", recovered" : "") + "}";
    }

    /**
     * Releases a mapping at once rather than when the GC finds the buffer: a deleted segment's disk
     * blocks are freed only when its mapping goes, and the spool's size bound counts on that. Uses
     * {@code sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}, no flag needed; not one
     * of the memory-access methods JDK 23 deprecated); where it is missing, the mapping is left to
     * the GC.
     */
    private static final class Unmapper {
        private static final Object UNSAFE;
        private static final Method INVOKE_CLEANER;

        static {
            Object unsafe = null;
            Method invokeCleaner = null;
            try {
                Class<?> type = Class.forName("sun.misc.Unsafe");
                Field field = type.getDeclaredField("theUnsafe");
                field.setAccessible(true);
                unsafe = field.get(null);
                invokeCleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                unsafe = null;
                invokeCleaner = null;
            }
            UNSAFE = unsafe;
            INVOKE_CLEANER = invokeCleaner;
        }

        static void unmap(MappedByteBuffer buffer) {
            if (INVOKE_CLEANER == null) {
                return;
            }
            try {
                INVOKE_CLEANER.invoke(UNSAFE, buffer);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // left to the GC
            }
        }
    }
}
