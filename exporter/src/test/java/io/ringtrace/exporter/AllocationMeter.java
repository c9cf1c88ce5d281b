package io.ringtrace.exporter;

import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import net.openhft.chronicle.bytes.Bytes;

/**
 * What the exporter's allocation tests share: bytes allocated per request on a set of threads,
 * measured with {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes} while requests are
 * exported one at a time (deterministic up to how the kernel splits the stream into reads), and the
 * variant that copies each request into a {@code byte[]}, on which every bound must fail.
 */
final class AllocationMeter {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {}

    /**
     * @param path where the requests go
     * @param request the request, exported {@code count} times
     * @param threads the ids of the threads whose allocation counts
     * @param count how many requests
     * @return bytes allocated on {@code threads} per request
     */
    static long allocatedPerRequest(SpanExporter path, ReusableExportRequest request, long[] threads, int count) {
        long before = sum(THREADS.getThreadAllocatedBytes(threads));
        for (int i = 0; i < count; i++) {
            exportAndWait(path, request);
        }
        long after = sum(THREADS.getThreadAllocatedBytes(threads));
        return (after - before) / count;
    }

    /** Exports {@code request} and waits (at most 20 s) until it has been completed, successfully. */
    static void exportAndWait(SpanExporter path, ReusableExportRequest request) {
        request.reset();
        path.export(request);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!request.done) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("request not completed in 20 s");
            }
            LockSupport.parkNanos(20_000);
        }
        if (request.failure != null) {
            throw new AssertionError("export failed: " + request.failure);
        }
    }

    /**
     * @param names which live threads count, by name
     * @return the ids of the calling thread and of every live thread {@code names} accepts
     */
    static long[] callingThreadAnd(Predicate<String> names) {
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().getId());
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && names.test(thread.getName())) {
                ids.add(thread.getId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * @param exporter the exporter under test
     * @return an exporter that copies each request into a {@code byte[]} before handing it on: the
     *     per-byte garbage every allocation bound must catch
     */
    static SpanExporter copyingEachRequest(SpanExporter exporter) {
        return new SpanExporter() {
            @Override
            public void export(ExportRequest request) {
                Bytes<?> payload = request.payload();
                byte[] copy = new byte[(int) payload.readRemaining()]; // the deliberate per-byte garbage
                payload.read(payload.readPosition(), copy, 0, copy.length);
                exporter.export(request);
            }

            @Override
            public void shutdown(long deadlineNanoTime) {
                exporter.shutdown(deadlineNanoTime);
            }
        };
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long value : values) {
            total += Math.max(0, value);
        }
        return total;
    }
}
