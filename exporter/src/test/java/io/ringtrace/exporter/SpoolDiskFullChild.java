package io.ringtrace.exporter;

import io.ringtrace.codec.Resource;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.DropReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The process {@link SpoolDiskFullTest} runs under a file-size limit smaller than a spool segment:
 * an engine whose receiver never answers (nothing listens on the port) publishes spans at 5,000 per
 * second for the given seconds with the spool on, closes, and prints its counters as one line,
 * {@code stats published <n> exported <n> inFlight <n> spooled <n> dropped <n> <REASON> <n> ...},
 * then {@code closed}.
 */
public final class SpoolDiskFullChild {

    private SpoolDiskFullChild() {}

    /**
     * @param args the spool directory, the unreachable endpoint, seconds to publish
     */
    public static void main(String[] args) {
        OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
                .endpoint(args[1])
                .timeout(Duration.ofMillis(500))
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(100))
                        .maxBackoff(Duration.ofMillis(200)).maxAttempts(3).build())
                .spool(SpoolOptions.builder(Path.of(args[0])).maxBytes(16L << 20) // 1 MiB segments
                        .spoolAfter(Duration.ofMillis(200)).build())
                .build();
        TraceEngine engine = TraceEngine.builder()
                .resource(Resource.builder().attribute("service.name", "spool-disk-full").build())
                .ringSize(4096)
                .maxExportBatchSize(100)
                .scheduleDelay(Duration.ofMillis(50))
                .exporter(exporter)
                .build();
        long seconds = Long.parseLong(args[2]);
        long start = System.nanoTime();
        long spans = seconds * 5_000;
        for (long id = 1; id <= spans; id++) {
            long due = start + id * 200_000L; // 5,000 spans/s
            while (System.nanoTime() - due < 0) {
                LockSupport.parkNanos(100_000);
            }
            SpoolSpans.tryPublish(engine, id);
        }
        engine.close(Duration.ofSeconds(2));
        EngineStats stats = engine.stats(new EngineStats());
        StringBuilder line = new StringBuilder("stats published ").append(stats.published())
                .append(" exported ").append(stats.exported())
                .append(" inFlight ").append(stats.inFlight())
                .append(" spooled ").append(stats.spooled())
                .append(" dropped ").append(stats.droppedTotal());
        for (DropReason reason : DropReason.values()) {
            line.append(' ').append(reason).append(' ').append(stats.dropped(reason));
        }
        System.out.println(line);
        System.out.println("closed");
        System.out.flush();
    }
}
