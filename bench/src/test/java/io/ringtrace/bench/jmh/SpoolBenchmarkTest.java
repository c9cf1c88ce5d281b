package io.ringtrace.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The spool benchmark spools what it claims: a real request of the given spans, written under the
 * given fsync policy, replayed byte for byte, and its directory removed at the end.
 */
class SpoolBenchmarkTest {

    @Test
    void theRequestIsARealOneOfTheGivenSpans() throws Exception {
        ByteBuffer request = SpoolBenchmark.encodeRequest(512);
        byte[] bytes = new byte[request.remaining()];
        request.duplicate().get(bytes);
        ExportTraceServiceRequest parsed = ExportTraceServiceRequest.parseFrom(bytes);
        assertEquals(512, parsed.getResourceSpans(0).getScopeSpans(0).getSpansCount());
    }

    @Test
    void appendsAndReplaysTheRequestUnderEachPolicy() throws Exception {
        for (String fsync : new String[] {"NONE", "PERIODIC", "EVERY_REQUEST"}) {
            SpoolBenchmark benchmark = new SpoolBenchmark();
            benchmark.spans = 512;
            benchmark.fsync = fsync;
            benchmark.setUp();
            try {
                for (int i = 0; i < 3; i++) {
                    assertTrue(benchmark.append() > 0);
                }
                assertEquals(3, benchmark.spool.pendingRecords());
                assertEquals(benchmark.request.remaining(), benchmark.appendAndReplay(), fsync);
                assertEquals(0, benchmark.replayed.compareTo(benchmark.request), "replayed byte for byte: " + fsync);
                assertEquals(3, benchmark.spool.pendingRecords(), "one more in, the oldest out");
            } finally {
                benchmark.tearDown();
            }
            assertFalse(Files.exists(benchmark.directory), "the directory is removed");
        }
    }
}
