package io.ringtrace.bench.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Probes and benchmarks live in this module: the library modules' test trees hold tests only, and
 * their poms carry no JMH.
 */
class ProbePlacementTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> LIBRARY_MODULES = List.of("codec", "engine", "exporter");

    @Test
    void libraryTestTreesHoldNoProbeOrBenchmark() throws IOException {
        for (String module : LIBRARY_MODULES) {
            Path tests = ROOT.resolve(module).resolve("src/test/java");
            assertTrue(Files.isDirectory(tests), "no test tree at " + tests);
            List<String> probes;
            try (Stream<Path> files = Files.walk(tests)) {
                probes = files.filter(f -> f.toString().endsWith(".java"))
                        .filter(ProbePlacementTest::isProbeOrBenchmark)
                        .map(f -> ROOT.relativize(f).toString())
                        .sorted()
                        .collect(Collectors.toList());
            }
            assertEquals(List.of(), probes, "probes and benchmarks belong in bench/src/main/java");
        }
    }

    @Test
    void libraryPomsCarryNoJmh() throws IOException {
        for (String module : LIBRARY_MODULES) {
            String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"), StandardCharsets.UTF_8);
            assertFalse(pom.contains("org.openjdk.jmh"), module + "/pom.xml depends on JMH");
        }
    }

    private static boolean isProbeOrBenchmark(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith("Probe.java") || name.endsWith("Benchmark.java")) {
            return true;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).contains("org.openjdk.jmh");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
