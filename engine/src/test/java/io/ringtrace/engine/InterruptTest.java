package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * close(), flush() and a blocking claim on a thread whose interrupt flag is set: they neither spin
 * nor give up early, free everything, log no false error, and leave the flag set.
 */
class InterruptTest extends LeakCheckingTestBase {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The engine logs through System.Logger, which the JDK routes to java.util.logging. */
    private final Logger ringtraceLogger = Logger.getLogger("io.ringtrace");
    private final List<LogRecord> errors = new CopyOnWriteArrayList<>();
    private final Handler errorCapture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureErrors() {
        ringtraceLogger.addHandler(errorCapture);
    }

    @AfterEach
    void stopCapturing() {
        ringtraceLogger.removeHandler(errorCapture);
        Thread.interrupted(); // never leak a flag into the next test
    }

    @Test
    void closeOnAnInterruptedThreadDrainsFreesEverythingLogsNoErrorAndKeepsTheFlag() throws Exception {
        InMemorySpanExporter delegate = new InMemorySpanExporter();
        AtomicBoolean shutdownSawInterrupt = new AtomicBoolean();
        SpanExporter exporter = new SpanExporter() {
            @Override
            public void export(ExportRequest request) {
                delegate.export(request);
            }

            @Override
            public void shutdown(long deadlineNanoTime) {
                // an exporter waits for its in-flight work here: an interrupt would cut that short
                shutdownSawInterrupt.set(Thread.currentThread().isInterrupted());
                delegate.shutdown(deadlineNanoTime);
            }
        };
        TraceEngine engine = closeAfter(TraceEngine.builder().name("interrupted-close").exporter(exporter).ringSize(64)
                .build());
        for (long id = 1; id <= 10; id++) {
            TestSpans.publish(engine, id, "/a");
        }
        Thread.currentThread().interrupt();
        long cpuBefore = THREADS.getCurrentThreadCpuTime();
        boolean clean = engine.close(Duration.ofSeconds(5));
        long cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuBefore;
        boolean flagKept = Thread.interrupted(); // clears it for the waits below
        long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (engine.offHeapBytesHeld() != 0 && System.nanoTime() - until < 0) {
            Thread.sleep(5);
        }
        assertEquals(0, engine.offHeapBytesHeld(), "every buffer is freed, the filling one included");
        assertEquals(List.of(), messages(), "no error logged");
        assertTrue(flagKept, "close keeps the caller's interrupt flag");
        assertFalse(shutdownSawInterrupt.get(), "the exporter's shutdown runs without the interrupt, so it waits");
        assertTrue(clean);
        assertEquals(10, delegate.decodedSpans().size());
        assertTrue(cpuNanos < Duration.ofMillis(500).toNanos(), "close used " + cpuNanos / 1_000_000 + " ms of CPU");
    }

    @Test
    void flushOnAnInterruptedThreadWaitsWithoutSpinningAndKeepsTheFlag() {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        exporter.mode(InMemorySpanExporter.Mode.HOLD);
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).ringSize(64).build());
        TestSpans.publish(engine, 1, "/a");
        Thread.currentThread().interrupt();
        long start = System.nanoTime();
        long cpuBefore = THREADS.getCurrentThreadCpuTime();
        boolean flushed = engine.flush(Duration.ofSeconds(1));
        long cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuBefore;
        long tookNanos = System.nanoTime() - start;
        boolean flagKept = Thread.interrupted();
        assertFalse(flushed, "the exporter holds the request");
        assertTrue(tookNanos >= Duration.ofMillis(900).toNanos(), "flush waited for its deadline, not less");
        assertTrue(cpuNanos < Duration.ofMillis(300).toNanos(),
                "flush spent " + cpuNanos / 1_000_000 + " ms of CPU waiting 1 s");
        assertTrue(flagKept, "flush keeps the caller's interrupt flag");
        assertEquals(1, exporter.completeHeld(1));
        assertTrue(engine.flush(Duration.ofSeconds(10)));
    }

    @Test
    void aBlockProducerInterruptedWhileTheRingIsFullWaitsWithoutSpinningAndKeepsTheFlag() throws Exception {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        exporter.mode(InMemorySpanExporter.Mode.HOLD);
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).ringSize(2).requestBuffers(1)
                .maxExportBatchSize(1).overloadPolicy(OverloadPolicy.BLOCK).build());
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        AtomicInteger ended = new AtomicInteger();
        AtomicBoolean flagKept = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            Thread.currentThread().interrupt();
            for (int i = 0; i < 100; i++) {
                Span span = tracer.start(TestSpans.NAME); // after close: the no-op span
                if (span.isValid()) {
                    ended.incrementAndGet();
                }
                span.end(); // blocks once the ring is full
            }
            flagKept.set(Thread.currentThread().isInterrupted());
        }, "interrupted-producer");
        producer.start();
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ended.get() < 3 && System.nanoTime() - until < 0) {
            Thread.sleep(1);
        }
        // parked: past its spins and yields on the full ring (a producer that gave up on the interrupt
        // would have ended instead)
        Await.until(() -> "the producer parked on the full ring, state " + producer.getState(), Duration.ofSeconds(10),
                () -> producer.getState() == Thread.State.TIMED_WAITING || !producer.isAlive());
        assertTrue(producer.isAlive(), "the producer waits on the full ring: BLOCK does not give up on an interrupt");
        AtomicLong cpu = new AtomicLong(THREADS.getThreadCpuTime(producer.getId()));
        Thread.sleep(1_000); // the window the CPU time is measured over, not a wait for an event
        long cpuNanos = THREADS.getThreadCpuTime(producer.getId()) - cpu.get();
        assertTrue(producer.isAlive(), "still waiting");
        assertTrue(cpuNanos < Duration.ofMillis(200).toNanos(),
                "the blocked producer used " + cpuNanos / 1_000_000 + " ms of CPU in 1 s");
        assertFalse(engine.close(Duration.ofMillis(200)));
        producer.join(5_000);
        assertFalse(producer.isAlive(), "close releases the blocked producer");
        assertTrue(flagKept.get(), "the producer's interrupt flag is kept");
        for (ExportRequest request : exporter.takeHeld()) {
            request.succeeded(0);
        }
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(ended.get(), stats.published(), stats::toString);
        assertEquals(stats.published(), stats.dropped(DropReason.SHUTDOWN), stats::toString);
        assertEquals(0, stats.inFlight());
    }

    private List<String> messages() {
        List<String> out = new CopyOnWriteArrayList<>();
        for (LogRecord r : errors) {
            out.add(r.getLoggerName() + ": " + r.getMessage());
        }
        return out;
    }
}
