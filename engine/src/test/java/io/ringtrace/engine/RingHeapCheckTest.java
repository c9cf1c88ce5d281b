package io.ringtrace.engine;

import io.ringtrace.engine.testing.ChildJvm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.SpanLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A ring too big for the heap fails {@code build()} with an {@link IllegalArgumentException} that
 * names the setting, the bytes it needs and the heap there is, instead of an
 * {@link OutOfMemoryError}: checked in a forked JVM with {@code -Xmx256m} (and the build's Chronicle
 * flags), where {@code OTEL_BSP_MAX_QUEUE_SIZE=1000000} asks for ~600 MB, while the default ring,
 * the OpenTelemetry default queue size and a ring of ~75 MB still build.
 */
class RingHeapCheckTest {

    @Test
    void aRingTooBigForTheHeapIsAClearErrorAtBuild() throws Exception {
        List<String> lines = runChild("1000000", "8192", "2048", "131072");
        String all = String.join("\n", lines);
        assertEquals(9, lines.size(), all);

        String failure = lines.get(0);
        System.out.println(failure);
        assertTrue(failure.startsWith("FAILED java.lang.IllegalArgumentException: "), all);
        for (String expected : new String[] {"ringSize", "OTEL_BSP_MAX_QUEUE_SIZE", "1048576", "bytes", "-Xmx"}) {
            assertTrue(failure.contains(expected), "'" + expected + "' missing in: " + failure);
        }
        long maxHeap = Long.parseLong(lines.get(8).substring("MAX_HEAP ".length()));
        long needed = TraceEngineBuilder.ringHeapBytes(1_048_576, TraceEngineBuilder.DEFAULT_SLOT_BYTES,
                TraceEngineBuilder.DEFAULT_OVERFLOW_BUFFERS, SpanLimits.defaults());
        assertTrue(failure.contains(String.format("%,d", needed)), "the bytes needed (" + needed + ") in: " + failure);
        assertTrue(failure.contains(String.format("%,d", maxHeap)), "the heap (" + maxHeap + ") in: " + failure);
        assertEquals("SHUTDOWN_CALLS 1", lines.get(1), "the failed build shut its exporter down");

        assertEquals("BUILT 8192", lines.get(2), all); // the default: ~5 MB of heap
        assertEquals("SHUTDOWN_CALLS 1", lines.get(3));
        assertEquals("BUILT 2048", lines.get(4), all); // the OpenTelemetry SDK's default queue size
        assertEquals("BUILT 131072", lines.get(6), all); // ~75 MB of a 256 MB heap: large, but it fits
    }

    private static List<String> runChild(String... queueSizes) throws Exception {
        List<String> command = ChildJvm.command(List.of(), RingHeapCheckMain.class, queueSizes);
        Path output = Files.createTempFile("ringtrace-heap-check", ".log");
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!child.waitFor(2, TimeUnit.MINUTES)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the child JVM did not finish in 2 minutes:\n" + Files.readString(output));
            }
            String log = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, child.exitValue(), log);
            List<String> lines = new ArrayList<>();
            for (String line : log.split("\\R")) {
                if (line.startsWith("BUILT") || line.startsWith("FAILED") || line.startsWith("SHUTDOWN_CALLS")
                        || line.startsWith("MAX_HEAP")) {
                    lines.add(line);
                }
            }
            return lines;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
