package io.ringtrace.exporter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of the spool: a segment file header, then records, each 8-byte aligned. All
 * numbers little-endian. Offsets are named here and used nowhere else.
 *
 * <pre>
 * segment file
 *   0  long  SEGMENT_MAGIC "RTSPOOL1"
 *   8  int   FORMAT_VERSION (1)
 *  12  int   SEGMENT_HEADER_BYTES (64)
 *  16  long  segment sequence number (files replay in this order)
 *  24  long  created at, epoch millis
 *  32  ...   zero up to 64
 *  64  record, record, ... then zeros (the file is allocated whole when created)
 *
 * record
 *   0  int   RECORD_MAGIC, stored last: a write cut short leaves no magic
 *   4  int   state: 0 pending, 1 done (delivered or dropped); changed in place, outside the CRC
 *   8  int   CRC32C of bytes 12 .. 32 + length (everything below, payload included)
 *  12  int   payload length in bytes
 *  16  int   item count (spans, data points or log records)
 *  20  byte  signal ({@code Signal.ordinal()})
 *  21  3     zero
 *  24  long  spooled at, epoch millis
 *  32  ...   payload: one OTLP export request, as sealed; then zeros to a multiple of 8
 * </pre>
 */
final class SpoolRecord {

    static final long SEGMENT_MAGIC = 0x314C4F4F50535452L; // "RTSPOOL1" little-endian
    static final int FORMAT_VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 64;
    static final int SEGMENT_MAGIC_OFFSET = 0;
    static final int SEGMENT_VERSION_OFFSET = 8;
    static final int SEGMENT_HEADER_SIZE_OFFSET = 12;
    static final int SEGMENT_SEQUENCE_OFFSET = 16;
    static final int SEGMENT_CREATED_OFFSET = 24;

    static final int RECORD_MAGIC = 0x52535452; // "RTSR" little-endian
    static final int MAGIC_OFFSET = 0;
    static final int STATE_OFFSET = 4;
    static final int CRC_OFFSET = 8;
    static final int LENGTH_OFFSET = 12;
    static final int ITEMS_OFFSET = 16;
    static final int SIGNAL_OFFSET = 20;
    static final int TIME_OFFSET = 24;
    static final int HEADER_BYTES = 32;
    /** The CRC covers the record from here to the end of its payload. */
    static final int CRC_FROM = LENGTH_OFFSET;

    static final int STATE_PENDING = 0;
    static final int STATE_DONE = 1;

    private SpoolRecord() {}

    /** @return bytes a record of {@code payloadLength} takes in a segment, padding included */
    static long recordBytes(long payloadLength) {
        return (HEADER_BYTES + payloadLength + 7) & ~7L;
    }

    /**
     * Writes a record's header fields but the magic (the payload must already be at
     * {@code at + HEADER_BYTES}), computes its CRC over the file's own bytes, then stores the magic.
     */
    static void seal(ByteBuffer segment, int at, int length, int items, int signal, long epochMillis, CRC32C crc) {
        segment.putInt(at + STATE_OFFSET, STATE_PENDING);
        segment.putInt(at + LENGTH_OFFSET, length);
        segment.putInt(at + ITEMS_OFFSET, items);
        segment.put(at + SIGNAL_OFFSET, (byte) signal);
        segment.put(at + SIGNAL_OFFSET + 1, (byte) 0);
        segment.putShort(at + SIGNAL_OFFSET + 2, (short) 0);
        segment.putLong(at + TIME_OFFSET, epochMillis);
        int padEnd = (int) (at + recordBytes(length));
        for (int p = at + HEADER_BYTES + length; p < padEnd; p++) {
            segment.put(p, (byte) 0);
        }
        segment.putInt(at + CRC_OFFSET, crcOf(segment, at, length, crc));
        segment.putInt(at + MAGIC_OFFSET, RECORD_MAGIC); // last: the record exists once this is stored
    }

    /** @return the CRC32C of the record at {@code at} as the file holds it now */
    static int crcOf(ByteBuffer segment, int at, int length, CRC32C crc) {
        int position = segment.position();
        int limit = segment.limit();
        try {
            segment.limit(at + HEADER_BYTES + length).position(at + CRC_FROM);
            crc.reset();
            crc.update(segment); // the JDK's intrinsic over the mapped bytes, no copy
            return (int) crc.getValue();
        } finally {
            segment.limit(limit).position(position);
        }
    }

    /**
     * @return whether a whole, intact record starts at {@code at}: its magic, a length that fits the
     *     segment, a known signal and a CRC that matches
     */
    static boolean intact(ByteBuffer segment, int at, int end, CRC32C crc) {
        if (at < 0 || end - at < HEADER_BYTES || segment.getInt(at + MAGIC_OFFSET) != RECORD_MAGIC) {
            return false;
        }
        int length = segment.getInt(at + LENGTH_OFFSET);
        int signal = segment.get(at + SIGNAL_OFFSET);
        if (length < 0 || recordBytes(length) > end - at || signal < 0 || signal >= SpoolSignals.COUNT
                || segment.getInt(at + ITEMS_OFFSET) < 0) {
            return false;
        }
        return crcOf(segment, at, length, crc) == segment.getInt(at + CRC_OFFSET);
    }

    /** @return whether the bytes at {@code at} look like the zeros after the last record */
    static boolean endOfData(ByteBuffer segment, int at, int end) {
        if (end - at < HEADER_BYTES) {
            return true;
        }
        for (int p = at; p < at + HEADER_BYTES; p += 8) {
            if (segment.getLong(p) != 0) {
                return false;
            }
        }
        return true;
    }

    static ByteBuffer littleEndian(ByteBuffer buffer) {
        return buffer.order(ByteOrder.LITTLE_ENDIAN);
    }

    static int length(ByteBuffer segment, int at) {
        return segment.getInt(at + LENGTH_OFFSET);
    }

    static int items(ByteBuffer segment, int at) {
        return segment.getInt(at + ITEMS_OFFSET);
    }

    static int signal(ByteBuffer segment, int at) {
        return segment.get(at + SIGNAL_OFFSET);
    }

    static long epochMillis(ByteBuffer segment, int at) {
        return segment.getLong(at + TIME_OFFSET);
    }

    static boolean done(ByteBuffer segment, int at) {
        return segment.getInt(at + STATE_OFFSET) == STATE_DONE;
    }

    static void markDone(ByteBuffer segment, int at) {
        segment.putInt(at + STATE_OFFSET, STATE_DONE);
    }
}
