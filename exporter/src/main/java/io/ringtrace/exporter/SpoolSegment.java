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
 * One spool segment file ({@link SpoolRecord} draws its layout). Records are written with
 * positional writes ({@code pwrite}), never through the mapping: the file is created at its full size
 * but sparse, its blocks allocated as records are written, so a full disk is an {@link IOException}
 * from the write that needs a block (never a {@code SIGBUS} in a mapped store), and the disk writes
 * each record's bytes once, with no zeros ahead of them. The file is mapped whole, read-only, for
 * the replay's and the recovery's reads; the page cache keeps the mapping and the writes in step.
 * Used by the spool's thread only.
 *
 * <p>Records are appended at {@link #writeAt()} and handed to replay in file order from
 * {@link #cursor()}; {@link #pendingRecords()} counts those not yet marked done. A segment found at
 * start (from an earlier process) is {@linkplain #recovered() recovered}: it is only read and marked,
 * never appended to. Nor is a segment whose append failed (a full disk): a later, shorter record
 * there would leave the failed one's bytes behind it.
 */
final class SpoolSegment {

    private static final String PREFIX = "spool-";
    private static final String SUFFIX = ".seg";

    private final Path file;
    private final long sequence;
    private final boolean recovered;
    private FileChannel channel;
    private MappedByteBuffer mapped;
    private final int capacity;
    private int writeAt = SpoolRecord.SEGMENT_HEADER_BYTES;
    private int cursor = SpoolRecord.SEGMENT_HEADER_BYTES;
    private int pendingRecords;
    /** An append failed: no more records go here. */
    private boolean appendFailed;
    /** A record's header (or its done mark) on its way to the file. */
    private final ByteBuffer header = SpoolRecord.littleEndian(ByteBuffer.allocateDirect(SpoolRecord.HEADER_BYTES));
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
     * Creates a segment file of {@code capacity} bytes, sparse (its header and last byte written),
     * and maps it.
     *
     * @throws IOException if the file cannot be created or written (a file-size limit below
     *     {@code capacity}); the file is removed
     */
    static SpoolSegment create(Path directory, long sequence, int capacity, long nowMillis) throws IOException {
        Path file = directory.resolve(fileName(sequence));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            ByteBuffer header = SpoolRecord.littleEndian(ByteBuffer.allocate(SpoolRecord.SEGMENT_HEADER_BYTES));
            header.putLong(SpoolRecord.SEGMENT_MAGIC_OFFSET, SpoolRecord.SEGMENT_MAGIC);
            header.putInt(SpoolRecord.SEGMENT_VERSION_OFFSET, SpoolRecord.FORMAT_VERSION);
            header.putInt(SpoolRecord.SEGMENT_HEADER_SIZE_OFFSET, SpoolRecord.SEGMENT_HEADER_BYTES);
            header.putLong(SpoolRecord.SEGMENT_SEQUENCE_OFFSET, sequence);
            header.putLong(SpoolRecord.SEGMENT_CREATED_OFFSET, nowMillis);
            writeFully(channel, header, 0);
            writeFully(channel, ByteBuffer.allocate(1), capacity - 1L); // the full size; the blocks between come with the records
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, capacity);
            return new SpoolSegment(file, sequence, false, channel, mapped);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes, long at) throws IOException {
        long position = at;
        while (bytes.hasRemaining()) {
            position += channel.write(bytes, position);
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
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
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
        return !recovered && !appendFailed && writeAt + SpoolRecord.recordBytes(payloadLength) <= capacity;
    }

    /**
     * Appends one record: writes {@code payload} (its position to its limit, which are restored),
     * then its header, the magic last ({@link SpoolRecord#header}). The caller checked {@link #fits}.
     * A failed write leaves no record (no magic) and ends the segment's appends.
     *
     * @return where the record starts
     * @throws IOException if a write fails (the disk is full)
     */
    int append(ByteBuffer payload, int items, int signal, long epochMillis, CRC32C crc) throws IOException {
        int at = writeAt;
        int length = payload.remaining();
        int payloadStart = payload.position();
        try {
            writeFully(channel, payload, at + SpoolRecord.HEADER_BYTES);
            payload.position(payloadStart);
            SpoolRecord.header(header, payload, items, signal, epochMillis, crc);
            header.position(SpoolRecord.STATE_OFFSET);
            writeFully(channel, header, at + SpoolRecord.STATE_OFFSET);
            header.limit(SpoolRecord.STATE_OFFSET).position(SpoolRecord.MAGIC_OFFSET);
            writeFully(channel, header, at); // last: the record exists once this is written
        } catch (IOException | RuntimeException e) {
            appendFailed = true;
            throw e;
        } finally {
            payload.position(payloadStart);
        }
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
     * Marks the record at {@code at} done (delivered or dropped). The count changes even if the mark
     * cannot be written: this process does not replay the record again, a next one would.
     *
     * @return whether it was pending (false: marked before, nothing changed)
     * @throws IOException if the mark could not be written
     */
    boolean markDone(int at) throws IOException {
        if (SpoolRecord.done(mapped, at)) {
            return false;
        }
        pendingRecords--;
        pendingItems -= SpoolRecord.items(mapped, at);
        writeFully(channel, SpoolRecord.doneMark(header), at + SpoolRecord.STATE_OFFSET);
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

    /** Forces the bytes written so far to the storage device ({@code fdatasync}). */
    void force() throws IOException {
        channel.force(false);
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
