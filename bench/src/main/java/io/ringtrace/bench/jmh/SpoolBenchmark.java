package io.ringtrace.bench.jmh;

import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.bench.RingtraceShape;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.SpanShape.SpanValues;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.TraceRequestEncoder;
import io.ringtrace.exporter.SpoolOptions;
import io.ringtrace.exporter.SpoolProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The on-disk spool's work per sealed request, under each fsync policy: what the spool's thread
 * spends on one request during an outage ({@code append}), and on one request spooled and one
 * replayed while a backlog drains ({@code appendAndReplay}; the replay's own cost is the difference).
 * The requests are real OTLP {@code ExportTraceServiceRequest}s of {@code spans} typical spans
 * encoded by ringtrace (512: 118 KB, 4096: 942 KB), copied from a direct buffer as the spool copies
 * from the engine's buffer. The store is the spool's own ({@link SpoolProbe}: no thread, engine or
 * transport), 256 MiB (the default bound, 16 MiB segments), {@code DROP_OLDEST}: once the bound is
 * reached each new segment replaces the oldest, so the score includes creating segments (written
 * whole with zeros) and deleting them, as a long outage does. The directory is a fresh one under
 * {@code java.io.tmpdir}, deleted at the end: set {@code -jvmArgsAppend -Djava.io.tmpdir=...} to the
 * disk the spool would use (on tmpfs an {@code msync} costs nothing).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
        ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS})
public class SpoolBenchmark {

    /** The spool's bound on disk: the default. */
    static final long MAX_BYTES = 256L << 20;
    /** ringtrace's request size cap (the engine default, 4 MiB). */
    static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    /** Spans per request (the engine's default request holds 4096). */
    @Param({"512", "4096"})
    public int spans;

    /** The spool's fsync policy. */
    @Param({"NONE", "PERIODIC", "EVERY_REQUEST"})
    public String fsync;

    // package-private for SpoolBenchmarkTest
    Path directory;
    SpoolProbe spool;
    ByteBuffer request;
    ByteBuffer replayed;

    /** Encodes the request and opens a spool in a fresh directory (not measured). */
    @Setup
    public void setUp() throws IOException {
        request = encodeRequest(spans);
        replayed = ByteBuffer.allocateDirect(request.remaining());
        directory = Files.createTempDirectory("ringtrace-spool-bench");
        spool = new SpoolProbe(SpoolOptions.builder(directory)
                .maxBytes(MAX_BYTES)
                .whenFull(SpoolOptions.WhenFull.DROP_OLDEST)
                .fsync(SpoolOptions.Fsync.valueOf(fsync))
                .build());
    }

    /** Closes the spool and deletes its directory; prints what it held. */
    @TearDown
    public void tearDown() throws IOException {
        System.out.println("[spool] " + spans + " spans (" + request.remaining() + " B) per request, fsync " + fsync
                + ": " + spool.fileBytes() + " B on disk, " + spool.pendingRecords() + " records pending, "
                + spool.dropped() + " spans dropped at the bound");
        spool.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /**
     * One request spooled during an outage.
     *
     * @return the bytes the spool's files take
     */
    @Benchmark
    public long append() {
        return spool.append(request, spans);
    }

    /**
     * One request spooled and the oldest one replayed (read, CRC32C checked, copied out, marked done).
     *
     * @return the replayed request's length
     */
    @Benchmark
    public int appendAndReplay() {
        spool.append(request, spans);
        return spool.replayOldest(replayed);
    }

    /** @return a sealed request of {@code spans} typical spans, in a direct buffer */
    static ByteBuffer encodeRequest(int spans) {
        SpanValues[] rows = SpanShape.values(spans, EncodeBenchmark.SEED);
        TraceRequestEncoder encoder = new TraceRequestEncoder(RingtraceShape.resource(), MAX_REQUEST_BYTES);
        Bytes<?> buffer = Bytes.allocateDirect(encoder.requiredCapacity());
        try {
            encoder.begin(buffer);
            SpanRecord record = new SpanRecord(SpanLimits.defaults());
            for (SpanValues row : rows) {
                if (!encoder.append(RingtraceShape.fill(record, row))) {
                    throw new IllegalStateException(spans + " typical spans must fit one request");
                }
            }
            Bytes<?> sealed = encoder.seal();
            byte[] bytes = new byte[(int) sealed.readRemaining()];
            sealed.read(bytes);
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
            direct.put(bytes).flip();
            return direct;
        } finally {
            buffer.releaseLast();
        }
    }
}
