package io.ringtrace.exporter;

import io.ringtrace.codec.Resource;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The process {@link SpoolCrashTest} kills: an engine whose receiver never answers (nothing listens
 * on the port) publishes spans 1, 2, 3 ... at 5,000 per second with the spool on, and prints
 * {@code spooled <n> published <p>} every 50 ms until it is killed.
 */
public final class SpoolCrashChild {

    private SpoolCrashChild() {}

    /**
     * @param args the spool directory and the unreachable endpoint
     */
    public static void main(String[] args) {
        OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
                .endpoint(args[1])
                .timeout(Duration.ofMillis(500))
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(100))
                        .maxBackoff(Duration.ofMillis(200)).maxAttempts(3).build())
                .spool(SpoolOptions.builder(Path.of(args[0])).spoolAfter(Duration.ofMillis(200)).build())
                .build();
        TraceEngine engine = TraceEngine.builder()
                .resource(Resource.builder().attribute("service.name", "spool-crash").build())
                .ringSize(4096)
                .maxExportBatchSize(100)
                .scheduleDelay(Duration.ofMillis(50))
                .exporter(exporter)
                .build();
        EngineStats stats = new EngineStats();
        long start = System.nanoTime();
        long nextReport = start;
        for (long id = 1; ; id++) {
            long due = start + id * 200_000L; // 5,000 spans/s
            while (System.nanoTime() - due < 0) {
                LockSupport.parkNanos(100_000);
            }
            SpoolSpans.tryPublish(engine, id);
            if (System.nanoTime() - nextReport >= 0) {
                nextReport += 50_000_000L;
                engine.stats(stats);
                System.out.println("spooled " + stats.spooled() + " published " + stats.published());
                System.out.flush();
            }
        }
    }
}
