package io.ringtrace.exporter;

import io.ringtrace.engine.testing.ChildJvm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.Resource;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpReceiver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that spools is killed ({@code destroyForcibly}, SIGKILL on Linux) mid-stream; a new
 * engine on the same directory delivers every record the dead one had spooled, nothing corrupt, and
 * counts them apart as recovered. While a spool holds a directory, a second exporter on it is refused
 * at build.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpoolCrashTest extends LeakCheckingTestBase {

    /** The child has spooled at least this many spans when it is killed. */
    private static final long SPOOLED_BEFORE_KILL = 3_000;

    @TempDir
    Path dir;
    @TempDir
    Path logs;
    private Path childErrors;

    @Test
    void aNewEngineDeliversEverythingAKilledProcessSpooled() throws Exception {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            deadPort = probe.getLocalPort(); // closed again: nothing listens there
        }
        childErrors = logs.resolve("child.err");
        Process child = startChild("http://127.0.0.1:" + deadPort);
        long lastSpooled = 0;
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (String line = lines.readLine(); line != null && System.nanoTime() < deadline; line = lines.readLine()) {
                output.add(line);
                String[] words = line.split(" ");
                if (words.length == 4 && words[0].equals("spooled")) {
                    lastSpooled = Long.parseLong(words[1]);
                    if (lastSpooled >= SPOOLED_BEFORE_KILL) {
                        break;
                    }
                }
            }
            child.destroyForcibly(); // mid-stream: it is publishing and spooling right now
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the child ended");
        } finally {
            child.destroyForcibly();
        }
        assertTrue(lastSpooled >= SPOOLED_BEFORE_KILL, "the child spooled: " + output + "; its errors: "
                + java.nio.file.Files.readString(childErrors));

        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        TraceEngine engine = closeAfter(TraceEngine.builder()
                .resource(Resource.builder().attribute("service.name", "spool-recovery").build())
                .exporter(OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint())
                        .spool(SpoolOptions.builder(dir).build()).build())
                .build());
        EngineStats stats = new EngineStats();
        engine.stats(stats);
        long recovered = stats.spooledRecovered();
        assertTrue(recovered >= lastSpooled, "everything the dead process reported spooled is found: " + recovered
                + " < " + lastSpooled);
        assertTrue(stats.spoolCorruptRecords() <= 1, "at most the record being written at the kill is torn: " + stats);
        Await.until(() -> "recovered spans delivered: " + engine.stats(new EngineStats()), Duration.ofSeconds(60),
                () -> engine.stats(stats).spooledRecoveredExported() == recovered);
        assertEquals(0, stats.spooledRecoveredDropped(), stats.toString());
        assertEquals(0, stats.published(), "recovered spans are not this engine's published ones");
        Map<Long, Integer> received = SpoolSpans.received(receiver); // every span decoded and checked whole
        assertEquals(recovered, received.size(), "each recovered span arrived");
        for (Map.Entry<Long, Integer> span : received.entrySet()) {
            assertEquals(1, span.getValue(), "span " + span.getKey() + " arrived once");
            assertTrue(span.getKey() >= 1, "a span the child published: " + span.getKey());
        }
        Await.until("the spool is empty", Duration.ofSeconds(10), () -> engine.stats(stats).spoolRecords() == 0);
        System.out.println("spool crash: child spooled >= " + lastSpooled + ", recovered " + recovered + ", corrupt "
                + stats.spoolCorruptRecords() + ", delivered " + received.size());
    }

    @Test
    void aSecondExporterOnTheSameDirectoryIsRefused() {
        OtlpGrpcSpanExporter first = OtlpGrpcSpanExporter.builder().endpoint("http://127.0.0.1:1")
                .spool(SpoolOptions.builder(dir).build()).build();
        try {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> OtlpHttpSpanExporter.builder()
                    .endpoint("http://127.0.0.1:1/v1/traces").spool(SpoolOptions.builder(dir).build()).build());
            assertTrue(refused.getMessage().contains("in use by another spool"), refused.getMessage());
        } finally {
            first.shutdown(System.nanoTime());
        }
        // free again once the first is shut down
        OtlpHttpSpanExporter.builder().endpoint("http://127.0.0.1:1/v1/traces").spool(SpoolOptions.builder(dir).build())
                .build().shutdown(System.nanoTime());
    }

    private Process startChild(String endpoint) throws Exception {
        List<String> command = ChildJvm.command(List.of(), SpoolCrashChild.class, dir.toString(), endpoint);
        return new ProcessBuilder(command).redirectError(childErrors.toFile()).start();
    }
}
