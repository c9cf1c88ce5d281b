package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool is off by default; {@value SpoolOptions#DIR_VARIABLE} or {@code spool(SpoolOptions)}
 * turns it on for either transport; invalid settings are refused with a message naming them.
 */
class SpoolConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void offByDefaultAndOnWithTheVariable() {
        assertNull(OtlpGrpcSpanExporter.builder().fromEnvironment(Map.of()).spool);
        assertNull(OtlpHttpSpanExporter.builder().fromEnvironment(Map.of()).spool);
        SpoolOptions grpc = OtlpGrpcSpanExporter.builder()
                .fromEnvironment(Map.of(SpoolOptions.DIR_VARIABLE, dir.toString())).spool;
        assertEquals(dir, grpc.directory());
        assertEquals((long) SpoolOptions.DEFAULT_MAX_BYTES_MIB << 20, grpc.maxBytes());
        assertEquals(16L << 20, grpc.segmentBytes(), "1/16 of the maximum");
        assertEquals(SpoolOptions.WhenFull.DROP_OLDEST, grpc.whenFull());
        assertEquals(SpoolOptions.Fsync.NONE, grpc.fsync());
        assertEquals(Duration.ofHours(24), grpc.maxAge());
        SpoolOptions http = OtlpHttpSpanExporter.builder().fromEnvironment(Map.of(SpoolOptions.DIR_VARIABLE,
                dir.toString(), SpoolOptions.MAX_BYTES_VARIABLE, "8388608")).spool;
        assertEquals(8L << 20, http.maxBytes());
        assertEquals(1L << 20, http.segmentBytes(), "at least 1 MiB");

        OtlpGrpcSpanExporter off = OtlpGrpcSpanExporter.builder().endpoint("http://127.0.0.1:1").build();
        OtlpHttpSpanExporter on = OtlpHttpSpanExporter.builder().endpoint("http://127.0.0.1:1/v1/traces")
                .fromEnvironment(Map.of(SpoolOptions.DIR_VARIABLE, dir.toString())).build();
        try {
            assertFalse(off.spoolEnabled());
            assertTrue(on.spoolEnabled());
            assertTrue(dir.resolve(SpoolStore.LOCK_FILE).toFile().exists());
        } finally {
            off.shutdown(System.nanoTime());
            on.shutdown(System.nanoTime());
        }
    }

    @Test
    void invalidSettingsAreRefusedNamingThem() {
        IllegalArgumentException max = assertThrows(IllegalArgumentException.class, () -> OtlpGrpcSpanExporter.builder()
                .fromEnvironment(Map.of(SpoolOptions.DIR_VARIABLE, dir.toString(), SpoolOptions.MAX_BYTES_VARIABLE, "1g")));
        assertTrue(max.getMessage().contains(SpoolOptions.MAX_BYTES_VARIABLE), max.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpoolOptions.builder(dir).maxBytes(1_000));
        assertThrows(IllegalArgumentException.class, () -> SpoolOptions.builder(dir).maxAge(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> SpoolOptions.builder(dir).spoolAfter(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> SpoolOptions.builder(dir).segmentBytes(1_000));
        IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
                () -> SpoolOptions.builder(dir).maxBytes(4 << 20).segmentBytes(3 << 20).build());
        assertTrue(half.getMessage().contains("segmentBytes"), half.getMessage());
        assertThrows(NullPointerException.class, () -> SpoolOptions.builder(null));
    }

    @Test
    void anUnwritableDirectoryIsAClearErrorAtBuild() throws Exception {
        Path file = dir.resolve("not-a-directory");
        java.nio.file.Files.writeString(file, "x");
        java.io.UncheckedIOException refused = assertThrows(java.io.UncheckedIOException.class,
                () -> OtlpGrpcSpanExporter.builder().endpoint("http://127.0.0.1:1")
                        .spool(SpoolOptions.builder(file.resolve("spool")).build()).build());
        assertTrue(refused.getMessage().contains("cannot open spool directory"), refused.getMessage());
    }
}
