package io.ringtrace.codec;

import static io.ringtrace.codec.NativeStores.copy;
import static io.ringtrace.codec.NativeStores.putByte;
import static io.ringtrace.codec.NativeStores.putFixed32;
import static io.ringtrace.codec.NativeStores.putFixed64;
import static io.ringtrace.codec.NativeStores.putIdBytes;
import static io.ringtrace.codec.NativeStores.putVarint;
import static io.ringtrace.codec.WireFormat.lenFieldSize;
import static io.ringtrace.codec.WireFormat.varintSize;

import java.nio.ByteBuffer;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Encodes log records in the {@link LogSlot} format (a {@link LogRecordWriter}, or a ring slot
 * read in place with {@link #tryAppend(byte[], int, int, InstrumentationScope)}) into one OTLP
 * {@code ExportLogsServiceRequest} in an off-heap Chronicle {@link Bytes} buffer: {@link
 * #begin(Bytes)}, {@link #tryAppend(LogRecordWriter)} record after record, {@link #seal()}. The
 * resource and each scope are encoded once; records are grouped by scope into {@code ScopeLogs}
 * exactly as {@link TraceRequestEncoder} groups spans (the same request assembly: header gap,
 * right-aligned header at seal, runs copied scope by scope when a request holds several scopes,
 * {@link #MAX_SCOPES_PER_REQUEST} scopes at most). Reusable; zero allocation in steady state.
 * Single-threaded: one encoder per serializer thread.
 *
 * <p>Each record is read once and checked ({@code LogSlotReader}), sized exactly, then written:
 * its body and attributes are copied as they are (already wire form), the other fields written in
 * field-number order with proto3 default omission, as protobuf-java writes them. A record refused
 * or not fitting leaves the request untouched.
 */
public final class LogsRequestEncoder extends RequestEncoder {

    /** At most this many distinct scopes share one request; a record of one more scope starts a new request. */
    public static final int MAX_SCOPES_PER_REQUEST = RequestAssembly.MAX_SCOPES_PER_REQUEST;


    /** The record being appended, read once from its slot and checked. */
    private final LogSlotReader checked = new LogSlotReader();

    /**
     * @param resource the resource of every record this encoder writes; not null
     * @param maxRequestBytes the maximum size of one encoded request, in [1024, 2^29]
     */
    public LogsRequestEncoder(Resource resource, int maxRequestBytes) {
        super(resource, maxRequestBytes);
    }

    /**
     * @param maxRequestBytes the encoder's maximum request size
     * @return the buffer capacity {@link #begin(Bytes)} needs, as {@link TraceRequestEncoder#requiredCapacity(int)}
     */
    public static int requiredCapacity(int maxRequestBytes) {
        return RequestAssembly.requiredCapacity(maxRequestBytes);
    }

    /**
     * Appends one record if it is valid and fits; nothing of it is written otherwise.
     *
     * @param record the record
     * @return {@link #APPENDED}; {@link #FULL} if it does not fit into this request (if the request
     *     is still empty, the record alone is larger than {@code maxRequestBytes}), or its scope would
     *     be the {@link #MAX_SCOPES_PER_REQUEST}+1st; {@link #INVALID} if the record is marked too
     *     large, a setter refused its arguments, or its header is inconsistent
     * @throws IllegalStateException if {@link #begin(Bytes)} was not called
     */
    public int tryAppend(LogRecordWriter record) {
        return tryAppend(record.area(), record.base(), record.base() + record.capacity(), record.scope());
    }

    /**
     * {@link #tryAppend(LogRecordWriter)} for a record in the {@link LogSlot} format, read in place.
     *
     * @param area the array holding the record
     * @param base where it starts
     * @param limit the end of its room: nothing at or past it is read
     * @param scope its instrumentation scope; null means {@link InstrumentationScope#empty()}
     * @return {@link #APPENDED}, {@link #FULL} or {@link #INVALID}, as {@link #tryAppend(LogRecordWriter)}
     * @throws IllegalStateException if {@link #begin(Bytes)} was not called
     */
    @Override
    public int tryAppend(byte[] area, int base, int limit, InstrumentationScope scope) {
        request.requireBegun();
        final LogSlotReader c = checked;
        if (!c.readFrom(area, base, limit)) {
            return INVALID;
        }
        final int recordSize = recordSize(c);
        int at = request.reserve(scope == null ? InstrumentationScope.empty() : scope, lenFieldSize(recordSize));
        if (at < 0) {
            return FULL;
        }
        request.written(writeRecord(c, area, at, recordSize));
        return APPENDED;
    }

    /** Exact size of the {@code LogRecord} message body of {@code c}, as protobuf-java would write it. */
    private static int recordSize(LogSlotReader c) {
        int size = 0;
        if (c.timeEpochNanos != 0) {
            size += 9;
        }
        if (c.severity != 0) {
            size += 2;
        }
        if (c.severityTextLength != 0) {
            size += lenFieldSize(c.severityTextLength);
        }
        size += c.attributeEnd - c.bodyStart; // the body field and the attribute fields, back to back
        if (c.droppedAttributes != 0) {
            size += 1 + varintSize(c.droppedAttributes);
        }
        if (c.flags != 0) {
            size += 5;
        }
        if (c.traceIdHigh != 0 || c.traceIdLow != 0) {
            size += 18;
        }
        if (c.spanId != 0) {
            size += 10;
        }
        if (c.observedEpochNanos != 0) {
            size += 9;
        }
        if (c.eventNameLength != 0) {
            size += lenFieldSize(c.eventNameLength);
        }
        return size;
    }

    /** Writes the {@code ScopeLogs.log_records} field of the checked record {@code c} at {@code pos}; returns the end. */
    private int writeRecord(LogSlotReader c, byte[] arena, int pos, int recordSize) {
        final ByteBuffer a = request.out();
        pos = putByte(a, pos, 0x12); // ScopeLogs.log_records (2, LEN)
        pos = putVarint(a, pos, recordSize);
        if (c.timeEpochNanos != 0) {
            pos = putByte(a, pos, 0x09); // time_unix_nano (1, I64)
            pos = putFixed64(a, pos, c.timeEpochNanos);
        }
        if (c.severity != 0) {
            pos = putByte(a, pos, 0x10); // severity_number (2, VARINT), 1..24
            pos = putByte(a, pos, c.severity);
        }
        if (c.severityTextLength != 0) {
            pos = putByte(a, pos, 0x1A); // severity_text (3, LEN)
            pos = putVarint(a, pos, c.severityTextLength);
            pos = copy(arena, c.severityTextOffset, a, pos, c.severityTextLength);
        }
        // body (5) and attributes (6): complete fields already
        pos = copy(arena, c.bodyStart, a, pos, c.attributeEnd - c.bodyStart);
        if (c.droppedAttributes != 0) {
            pos = putByte(a, pos, 0x38); // dropped_attributes_count (7, VARINT)
            pos = putVarint(a, pos, c.droppedAttributes);
        }
        if (c.flags != 0) {
            pos = putByte(a, pos, 0x45); // flags (8, I32)
            pos = putFixed32(a, pos, c.flags);
        }
        if (c.traceIdHigh != 0 || c.traceIdLow != 0) {
            pos = putByte(a, pos, 0x4A); // trace_id (9, LEN), 16 bytes
            pos = putByte(a, pos, 16);
            pos = putIdBytes(a, pos, c.traceIdHigh);
            pos = putIdBytes(a, pos, c.traceIdLow);
        }
        if (c.spanId != 0) {
            pos = putByte(a, pos, 0x52); // span_id (10, LEN), 8 bytes
            pos = putByte(a, pos, 8);
            pos = putIdBytes(a, pos, c.spanId);
        }
        if (c.observedEpochNanos != 0) {
            pos = putByte(a, pos, 0x59); // observed_time_unix_nano (11, I64)
            pos = putFixed64(a, pos, c.observedEpochNanos);
        }
        if (c.eventNameLength != 0) {
            pos = putByte(a, pos, 0x62); // event_name (12, LEN)
            pos = putVarint(a, pos, c.eventNameLength);
            pos = copy(arena, c.eventNameOffset, a, pos, c.eventNameLength);
        }
        return pos;
    }
}
