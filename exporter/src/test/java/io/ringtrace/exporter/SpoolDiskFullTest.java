package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, as a file-size limit ({@code ulimit -f}, which needs no root) smaller than one spool
 * segment: a child JVM publishes with its receiver down and the spool on. The JVM ignores
 * {@code SIGXFSZ}, so writing a segment fails with {@code EFBIG} ("File too large"). The spool opens
 * (it writes no segment at {@code build()}), the request it cannot write is dropped counted
 * {@code SPOOL_IO_ERROR}, with a warning naming the error, and the spool pauses, so the rest is lost
 * as without a spool (ring full, retries given up, shutdown); the engine closes within its deadline,
 * the process ends normally, its accounting adds up, and no partial segment file is left behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpoolDiskFullTest {

    /** 256 KiB in 512-byte blocks (bash's POSIX mode), 512 KiB in 1 KiB blocks (dash, bash): under 1 MiB either way. */
    private static final int FILE_SIZE_LIMIT_BLOCKS = 512;
    private static final int PUBLISH_SECONDS = 3;

    @TempDir
    Path dir;
    @TempDir
    Path logs;

    @Test
    void aFileSizeLimitBelowASegmentDropsCountedAndNeverHangs() throws Exception {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            deadPort = probe.getLocalPort(); // closed again: nothing listens there
        }
        Path childErrors = logs.resolve("child.err");
        List<String> java = ChildJvm.command(List.of(), SpoolDiskFullChild.class, dir.toString(),
                "http://127.0.0.1:" + deadPort, Integer.toString(PUBLISH_SECONDS));
        List<String> command = new ArrayList<>(List.of("sh", "-c", "ulimit -f " + FILE_SIZE_LIMIT_BLOCKS
                + " && exec \"$0\" \"$@\""));
        command.addAll(java);
        Process child = new ProcessBuilder(command).redirectError(childErrors.toFile()).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.add(line);
            }
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ended within 60 s: " + output);
        } finally {
            child.destroyForcibly();
        }
        String errors = Files.readString(childErrors);
        assertEquals(0, child.exitValue(), "the child exited normally: " + output + "; its errors: " + errors);
        assertTrue(output.contains("closed"), "the engine closed: " + output);

        Map<String, Long> stats = stats(output);
        long published = stats.get("published");
        assertTrue(published >= PUBLISH_SECONDS * 5_000L / 2, "the child published: " + stats);
        assertEquals(published, stats.get("exported") + stats.get("dropped") + stats.get("inFlight") + stats.get("spooled"),
                "published = exported + dropped + in flight + spooled: " + stats);
        assertEquals(0, stats.get("exported"), "nothing listens: " + stats);
        assertEquals(0, stats.get("spooled"), "no segment could be written: " + stats);
        assertTrue(stats.get(DropReason.SPOOL_IO_ERROR.name()) > 0, "the spool's write errors are counted: " + stats);
        assertTrue(stats.get(DropReason.SPOOL_IO_ERROR.name()) < stats.get("dropped"),
                "after the failed write the spool pauses and the rest is dropped as without a spool: " + stats);
        assertTrue(errors.contains("File too large"), "a warning names the error: " + errors);
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(file -> file.getFileName().toString()).toList();
            assertEquals(List.of(SpoolStore.LOCK_FILE), names, "no partial segment is left behind");
        }
        System.out.println("spool disk full: " + stats);
    }

    private static Map<String, Long> stats(List<String> output) {
        for (String line : output) {
            if (line.startsWith("stats ")) {
                String[] words = line.substring("stats ".length()).split(" ");
                Map<String, Long> values = new HashMap<>();
                for (int i = 0; i + 1 < words.length; i += 2) {
                    values.put(words[i], Long.parseLong(words[i + 1]));
                }
                return values;
            }
        }
        throw new AssertionError("no stats line: " + output);
    }
}
