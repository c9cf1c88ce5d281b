package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.ops.OperabilityOptions;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An engine the application closed and let go of is garbage, with its ring, overflow buffers and
 * exporter, even though the threads that used its span API live on (pooled threads keep their
 * thread-locals); and an open engine stays reachable for the spans its threads still hold.
 */
class EngineCollectionTest extends LeakCheckingTestBase {

    private static final InstrumentationScope SCOPE = InstrumentationScope.of("collection");
    private static final Utf8Constant NAME = Utf8Constant.of("op");

    @Test
    void aClosedEngineIsCollectedWhileTheThreadsThatUsedItLiveOn() throws Exception {
        ExecutorService longLived = Executors.newSingleThreadExecutor(); // a pooled thread that outlives the engine
        try {
            WeakReference<?>[] refs = buildUseAndClose(longLived, OperabilityOptions.defaults());
            assertTrue(collected(refs[0]), "the closed engine is still reachable (from its span pool's thread-local?)");
            assertTrue(collected(refs[1]), "the closed engine's exporter is still reachable");
            // the thread is alive and still has its thread-local entry for the engine
            assertTrue(longLived.submit(() -> Thread.currentThread().isAlive()).get(10, TimeUnit.SECONDS));
        } finally {
            longLived.shutdownNow();
            assertTrue(longLived.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClosedEngineWithTheLeakDetectorIsCollectedToo() throws Exception {
        ExecutorService longLived = Executors.newSingleThreadExecutor();
        try {
            OperabilityOptions withDetector = OperabilityOptions.builder()
                    .leakDetection(Duration.ofMillis(20), Duration.ofSeconds(30)).build();
            WeakReference<?>[] refs = buildUseAndClose(longLived, withDetector);
            assertTrue(collected(refs[0]), "the closed engine is still reachable");
        } finally {
            longLived.shutdownNow();
            assertTrue(longLived.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void anOpenEngineStaysReachableForTheSpansItsThreadsHold() throws Exception {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        Span[] held = new Span[1];
        WeakReference<TraceEngine> ref = buildAndStartASpan(exporter, held);
        // a canary reachable only weakly: once it is cleared, a collection has run and processed
        // weak references, so an engine only weakly reachable would be cleared too
        assertTrue(collected(new WeakReference<>(new Object())), "no collection cleared the canary");
        TraceEngine engine = ref.get();
        assertNotNull(engine, "an open engine was collected while a thread still held one of its spans");
        closeAfter(engine);
        held[0].end(); // the span reaches its engine, which the application no longer references
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(1, exporter.decodedSpans().size());
    }

    /** Builds an engine, uses its span API on {@code thread}, closes it; keeps nothing but weak references. */
    private static WeakReference<?>[] buildUseAndClose(ExecutorService thread, OperabilityOptions options) throws Exception {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = TraceEngine.builder().name("collection").ringSize(64).exporter(exporter)
                .operability(options).build();
        Tracer tracer = engine.tracer(SCOPE);
        thread.submit(() -> {
            Span outer = tracer.start(NAME);
            tracer.start(NAME).end();
            outer.end();
        }).get(10, TimeUnit.SECONDS);
        assertTrue(engine.close(Duration.ofSeconds(10)));
        assertEquals(1, exporter.shutdownCalls());
        return new WeakReference<?>[] {new WeakReference<>(engine), new WeakReference<>(exporter)};
    }

    private static WeakReference<TraceEngine> buildAndStartASpan(InMemorySpanExporter exporter, Span[] held) {
        TraceEngine engine = TraceEngine.builder().name("collection-open").ringSize(64).exporter(exporter).build();
        held[0] = engine.tracer(SCOPE).start(NAME);
        return new WeakReference<>(engine);
    }

    /** Collects until the referent is gone: bounded (50 rounds of {@code System.gc()}, about a second). */
    static boolean collected(WeakReference<?> ref) throws InterruptedException {
        for (int round = 0; round < 50 && ref.get() != null; round++) {
            System.gc();
            Thread.sleep(20);
        }
        return ref.get() == null;
    }
}
