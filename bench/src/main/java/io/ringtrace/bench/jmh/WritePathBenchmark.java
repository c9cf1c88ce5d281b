package io.ringtrace.bench.jmh;

import io.ringtrace.bench.ChronicleFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.UnsafeMemory;
import org.openjdk.jmh.annotations.*;
import sun.misc.Unsafe;

/**
 * Why the codec's {@link io.ringtrace.codec.TraceRequestEncoder} writes with raw native stores:
 * the store pattern of encoding one typical span (25 single bytes for tags and varints, 6 longs for
 * ids and times, 5 copies of 3..24 bytes from a heap arena), 512 times per invocation, through four
 * write paths into native memory.
 * Reported per span. Run by hand:
 * {@code java -jar bench/target/benchmarks.jar -wi 3 -i 5 -w 2s -r 2s -f 1 WritePathBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(512)
@Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
        ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WritePathBenchmark {
    static final Unsafe U = UnsafeMemory.UNSAFE;
    static final long BASE = Unsafe.ARRAY_BYTE_BASE_OFFSET;
    static final int[] COPIES = {16, 3, 24, 12, 8};
    byte[] arena = new byte[256];
    Bytes<?> bytes;
    long address;
    ByteBuffer bb;

    /** Allocates the buffers once. */
    @Setup
    public void setUp() {
        bytes = Bytes.allocateDirect(512 * 256);
        bytes.singleThreadedCheckDisabled(true);
        address = bytes.addressForWrite(0);
        bb = ByteBuffer.allocateDirect(512 * 256).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < arena.length; i++) arena[i] = (byte) i;
    }

    /** Releases the Chronicle buffer. */
    @TearDown
    public void tearDown() {
        bytes.releaseLast();
    }

    /** @return bytes written: Unsafe stores at addresses inside the buffer (the encoder's path) */
    @Benchmark
    public long rawUnsafe() {
        long a = address;
        int pos = 0;
        for (int s = 0; s < 512; s++) {
            for (int i = 0; i < 25; i++) { U.putByte(a + pos, (byte) i); pos++; }
            for (int i = 0; i < 6; i++) { U.putLong(a + pos, s * 31L + i); pos += 8; }
            int off = 0;
            for (int n : COPIES) { U.copyMemory(arena, BASE + off, null, a + pos, n); pos += n; off += n; }
        }
        return pos;
    }

    /** @return bytes written: Chronicle's bounds-checked absolute writes */
    @Benchmark
    public long chronicleAbsolute() {
        Bytes<?> b = bytes;
        long pos = 0;
        for (int s = 0; s < 512; s++) {
            for (int i = 0; i < 25; i++) { b.writeByte(pos, (byte) i); pos++; }
            for (int i = 0; i < 6; i++) { b.writeLong(pos, s * 31L + i); pos += 8; }
            int off = 0;
            for (int n : COPIES) { b.write(pos, arena, off, n); pos += n; off += n; }
        }
        return pos;
    }

    /** @return bytes written: Chronicle's streaming writes (writePosition advances) */
    @Benchmark
    public long chronicleStreaming() {
        Bytes<?> b = bytes;
        b.clear();
        for (int s = 0; s < 512; s++) {
            for (int i = 0; i < 25; i++) { b.writeByte((byte) i); }
            for (int i = 0; i < 6; i++) { b.writeLong(s * 31L + i); }
            int off = 0;
            for (int n : COPIES) { b.write(arena, off, n); off += n; }
        }
        return b.writePosition();
    }

    /** @return bytes written: a direct ByteBuffer's absolute puts (little-endian) */
    @Benchmark
    public long directByteBufferAbsolute() {
        ByteBuffer b = bb;
        int pos = 0;
        for (int s = 0; s < 512; s++) {
            for (int i = 0; i < 25; i++) { b.put(pos, (byte) i); pos++; }
            for (int i = 0; i < 6; i++) { b.putLong(pos, s * 31L + i); pos += 8; }
            int off = 0;
            for (int n : COPIES) { b.put(pos, arena, off, n); pos += n; off += n; }
        }
        return pos;
    }
}
