package io.ringtrace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.TraceEngineBuilder;
import io.ringtrace.exporter.OtlpGrpcSpanExporterBuilder;
import io.ringtrace.exporter.OtlpHttpSpanExporterBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Keeps the top-level README.md in step with the code it quotes. */
class ReadmeTest {

    /** Surefire runs in the module directory; the README is one level up. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theEmbeddingSnippetIsQuickStartsCodeVerbatim() throws IOException {
        String source = read("examples/src/main/java/io/ringtrace/examples/QuickStart.java");
        int begin = source.indexOf("// README-snippet-begin\n");
        int end = source.indexOf("    // README-snippet-end");
        assertTrue(begin > 0 && end > begin, "markers in QuickStart.java");
        String snippet = source.substring(begin + "// README-snippet-begin\n".length(), end).lines()
                .map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.joining("\n", "", "\n"));

        assertTrue(read("README.md").contains("```java\n" + snippet + "```\n"),
                "README.md must contain QuickStart's snippet verbatim:\n" + snippet);
    }

    @Test
    void theTestCommandIsWhatCiRuns() throws IOException {
        List<String> ci = read(".ci/run").lines().filter(l -> l.startsWith("mvn ")).collect(Collectors.toList());
        String command = ci.get(0);
        assertEquals("mvn -B verify", command, "CI runs the README's test command first (on the default JDK)");
        assertTrue(read(".ci/run").contains("JAVA_HOME=\"$jdk25\" mvn -B verify\n"), "then the same on JDK 25");
        assertTrue(read("README.md").contains("\n" + command + "\n"), "README.md shows the CI command");
    }

    @Test
    void theMainCommandRunsTheDemoThroughTheQuickstartProfile() throws IOException {
        String main = "mvn -B -q -Pquickstart -pl examples -am -DskipTests package";
        assertTrue(read("README.md").contains("\n" + main + "\n"), "README.md's main command");
        String pom = read("examples/pom.xml");
        assertTrue(pom.contains("<id>quickstart</id>") && pom.contains("<phase>package</phase>"));
        assertTrue(pom.contains("<demo.main>io.ringtrace.examples.PipelineDemo</demo.main>"));
        assertTrue(pom.contains("${ringtrace.jvm.flags}"), "the demo's JVM gets the Chronicle flags");
        assertTrue(DemoOptions.HELP.contains(main), "--help shows the same command");
        assertTrue(read("README.md").contains("\n# main job: build what the demo needs, then run it (spans from several threads"
                + " -> OTLP/HTTP, the default -> checked)\n" + main + "\n"), "README.md says which transport the main job runs");
    }

    @Test
    void theJvmFlagsAreThePomsFlags() throws IOException {
        Matcher property = Pattern.compile("<ringtrace.jvm.flags>([^<]+)</ringtrace.jvm.flags>").matcher(read("pom.xml"));
        assertTrue(property.find());
        String block = String.join("\n", property.group(1).trim().split("\\s+"));
        assertTrue(read("README.md").contains("```\n" + block + "\n```"), "README.md lists the flags:\n" + block);
        assertTrue(read("README.md").contains("FLAGS=\"" + property.group(1).trim() + "\""));
    }

    @Test
    void theConfigurationTablesShowTheCodesDefaults() throws IOException {
        String readme = read("README.md");
        String[] rows = {
            "| `ringSize(int)` | `OTEL_BSP_MAX_QUEUE_SIZE` (rounded up to a power of two) | "
                    + TraceEngineBuilder.DEFAULT_RING_SIZE + " |",
            "| `maxExportBatchSize(int)` | `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` | " + TraceEngineBuilder.DEFAULT_MAX_EXPORT_BATCH_SIZE + " |",
            "| `scheduleDelay(Duration)` | `OTEL_BSP_SCHEDULE_DELAY` (ms) | "
                    + TraceEngineBuilder.DEFAULT_SCHEDULE_DELAY.toMillis() + " ms |",
            "| `maxRequestBytes(int)` | - | " + TraceEngineBuilder.DEFAULT_MAX_REQUEST_BYTES + " (",
            "| `requestBuffers(int)` | - | the exporter's `maxInFlight()` + 1, at least " + TraceEngineBuilder.DEFAULT_REQUEST_BUFFERS + " (",
            "| `spansPerThread(int)` | - | " + TraceEngineBuilder.DEFAULT_SPANS_PER_THREAD + " |",
            "| `endpoint(String)` | `OTEL_EXPORTER_OTLP_ENDPOINT` | `" + OtlpHttpSpanExporterBuilder.DEFAULT_ENDPOINT
                    + "`; gRPC `" + OtlpGrpcSpanExporterBuilder.DEFAULT_ENDPOINT + "` |",
            "| `timeout(Duration)` | `OTEL_EXPORTER_OTLP_TIMEOUT` (ms) | " + OtlpGrpcSpanExporterBuilder.DEFAULT_TIMEOUT.toSeconds() + " s |",
            "| `maxInFlight(int)` | - | " + OtlpGrpcSpanExporterBuilder.DEFAULT_MAX_IN_FLIGHT + " |",
        };
        for (String row : rows) {
            assertTrue(readme.contains(row), "README.md row: " + row);
        }
        assertTrue(readme.contains("requestBuffers x TraceRequestEncoder.requiredCapacity(maxRequestBytes)"));
    }

    private static String read(String relative) throws IOException {
        return Files.readString(ROOT.resolve(relative), StandardCharsets.UTF_8);
    }
}
