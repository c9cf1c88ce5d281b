package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs 1,000,000 measured spans (after 100,000 warm-up spans), and as many log records through the
 * logger API, through the whole pipeline in a forked JVM under {@code -XX:+UseEpsilonGC -Xmx64m}: Epsilon never frees anything, so any per-span
 * allocation ends in an {@link OutOfMemoryError}. The child checks that every span arrived exactly
 * once with intact ids (without allocating) and reports how much heap the measured part used; the
 * test requires less than one byte per span. Bounded by a 3-minute timeout.
 */
class EpsilonGcTest {

    private static final int SPANS = 1_000_000;

    @Test
    void millionSpansThroughThePipelineUnderEpsilonGcWithA64MbHeap() throws Exception {
        assertAllocationFree(runChild(EpsilonPipelineMain.class, false), "spans");
    }

    @Test
    void millionLogRecordsThroughTheLoggerApiUnderEpsilonGcWithA64MbHeap() throws Exception {
        assertAllocationFree(runChild(EpsilonLogPipelineMain.class, false), "records");
    }

    @Test
    void theLogRunFailsWhenEachRecordAllocates() throws Exception {
        assertCaught(runChild(EpsilonLogPipelineMain.class, true));
    }

    private static void assertAllocationFree(ChildResult child, String items) {
        assertEquals(0, child.exitCode, () -> "child failed:\n" + child.log);
        Matcher result = Pattern.compile("RESULT ok=true " + items + "=(\\d+) measured=(\\d+) .* heapDeltaBytes=(-?\\d+)").matcher(child.log);
        assertTrue(result.find(), () -> "no RESULT line:\n" + child.log);
        System.out.println(result.group(0));
        long measured = Long.parseLong(result.group(2));
        long heapDelta = Long.parseLong(result.group(3));
        assertTrue(measured >= SPANS);
        assertTrue(heapDelta < measured, "heap used while publishing " + measured + " " + items + ": " + heapDelta + " B");
        assertTrue(!child.log.contains("OutOfMemoryError"), child.log);
    }

    @Test
    void theSameRunFailsWhenEachSpanAllocates() throws Exception {
        assertCaught(runChild(EpsilonPipelineMain.class, true));
    }

    private static void assertCaught(ChildResult child) {
        Matcher result = Pattern.compile("heapDeltaBytes=(-?\\d+)").matcher(child.log);
        boolean outOfMemory = child.exitCode != 0 && child.log.contains("OutOfMemoryError");
        boolean heapGrew = result.find() && Long.parseLong(result.group(1)) >= SPANS;
        assertTrue(outOfMemory || heapGrew, () -> "an allocating variant must be caught:\n" + child.log);
    }

    private static final class ChildResult {
        final int exitCode;
        final String log;

        ChildResult(int exitCode, String log) {
            this.exitCode = exitCode;
            this.log = log;
        }
    }

    private static ChildResult runChild(Class<?> main, boolean allocating) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(java);
        String flags = System.getProperty("ringtrace.jvm.flags", "");
        for (String flag : flags.trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                command.add(flag);
            }
        }
        command.add("-XX:+UnlockExperimentalVMOptions");
        command.add("-XX:+UseEpsilonGC");
        command.add("-Xmx64m");
        command.add("-cp");
        command.add(classPath);
        command.add(main.getName());
        command.add(Integer.toString(SPANS));
        if (allocating) {
            command.add("allocating");
        }
        Path output = Files.createTempFile("ringtrace-epsilon", ".log");
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!child.waitFor(3, TimeUnit.MINUTES)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the child JVM did not finish in 3 minutes:\n" + tail(output));
            }
            return new ChildResult(child.exitValue(), tail(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String tail(Path output) {
        try {
            String log = Files.readString(output, StandardCharsets.UTF_8);
            return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
        } catch (java.io.IOException e) {
            return "(cannot read the child's output: " + e + ")";
        }
    }
}
