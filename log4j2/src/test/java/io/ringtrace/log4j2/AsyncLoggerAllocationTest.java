package io.ringtrace.log4j2;

import io.ringtrace.engine.testing.ChildJvm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * 0 B per record with every logger asynchronous ({@code AsyncLoggerContextSelector}, a JVM-wide
 * setting, hence a child JVM: {@link AsyncLoggerAllocationMain}), Log4j2's garbage-free mode, the
 * appender configured in XML and its real engine exporting over OTLP/gRPC on 127.0.0.1: on the
 * logging thread and on Log4j2's background thread that runs the appender, over {@value #MEASURED}
 * records (the least of the child's rounds) after {@value #WARM_UP}, every record exported. The
 * control runs the same child with a context-key cache of 0 keys (each key encoded per record) and
 * must be seen allocating.
 */
class AsyncLoggerAllocationTest {

    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 30_000;
    private static final Pattern RESULT = Pattern.compile(
            "RESULT logging=([0-9.]+) appending=([0-9.]+) published=(\\d+) exported=(\\d+) dropped=(\\d+)");

    @Test
    void anAsynchronousGarbageFreeLoggerThroughTheAppenderAllocatesNothingPerRecord() throws Exception {
        Matcher r = runChild(256);
        System.out.println(r.group(0));
        assertTrue(Double.parseDouble(r.group(1)) < 0.1, "logging thread: " + r.group(1) + " B per record");
        assertTrue(Double.parseDouble(r.group(2)) < 0.1, "appending thread: " + r.group(2) + " B per record");
        long records = WARM_UP + (long) AsyncLoggerAllocationMain.ROUNDS * MEASURED;
        assertEquals(records, Long.parseLong(r.group(3)));
        assertEquals(records, Long.parseLong(r.group(4)), () -> "every record exported: " + r.group(0));
        assertEquals(0, Long.parseLong(r.group(5)));
    }

    @Test
    void theSameChildIsSeenAllocatingWhenTheAppenderAllocates() throws Exception {
        Matcher r = runChild(0);
        System.out.println("control: " + r.group(0));
        assertTrue(Double.parseDouble(r.group(2)) > 50, "the control must allocate: " + r.group(0));
    }

    private static Matcher runChild(int maxContextKeys) throws Exception {
        List<String> command = ChildJvm.command(List.of(
                        "-Dlog4j2.contextSelector=org.apache.logging.log4j.core.async.AsyncLoggerContextSelector",
                        "-Dlog4j2.configurationFile=log4j2-async-garbage-free.xml",
                        "-Dlog4j2.enableThreadlocals=true",
                        "-Dlog4j2.enableDirectEncoders=true",
                        "-Dlog4j2.garbagefreeThreadContextMap=true",
                        "-Dlog4j2.clock=io.ringtrace.log4j2.RingtraceClock",
                        "-Dringtrace.test.maxContextKeys=" + maxContextKeys),
                AsyncLoggerAllocationMain.class, Integer.toString(WARM_UP), Integer.toString(MEASURED));
        Path output = Files.createTempFile("ringtrace-log4j2-async", ".log");
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!child.waitFor(2, TimeUnit.MINUTES)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the child JVM did not finish in 2 minutes:\n" + tail(output));
            }
            String log = tail(output);
            assertEquals(0, child.exitValue(), () -> "child failed:\n" + log);
            System.out.println(log.lines().filter(l -> l.startsWith("dropped") || l.contains("WARN")).collect(Collectors.joining("\n")));
            Matcher m = RESULT.matcher(log);
            assertTrue(m.find(), () -> "no RESULT line:\n" + log);
            return m;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String tail(Path output) throws java.io.IOException {
        String log = Files.readString(output, StandardCharsets.UTF_8);
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
