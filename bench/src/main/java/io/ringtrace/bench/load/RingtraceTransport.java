package io.ringtrace.bench.load;

import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.exporter.OtlpGrpcSpanExporterBuilder;
import io.ringtrace.exporter.OtlpHttpSpanExporter;
import io.ringtrace.exporter.OtlpHttpSpanExporterBuilder;
import io.ringtrace.exporter.SpoolOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The exporter a ringtrace engine of a run ships with, for every signal (the exporters route each
 * request by its signal: traces, logs): OTLP/gRPC or OTLP/HTTP (the client the run names) to the
 * receiver, optionally with the on-disk spool, or, with transport {@code none}, the given
 * discarding exporter.
 */
final class RingtraceTransport {

    private RingtraceTransport() {
    }

    /**
     * @param spec the run: transport, endpoint, HTTP client
     * @param spoolDir the spool's directory, or null for none
     * @param discarding the exporter for transport {@code none} (null otherwise)
     * @return the exporter (the engine owns it)
     */
    static SpanExporter exporter(RunSpec spec, Path spoolDir, DiscardingSpanExporter discarding) {
        if (spec.noTransport()) {
            return discarding;
        }
        if (spec.httpTransport()) {
            // the endpoint is the traces URL; the exporter derives /v1/logs from it for log requests
            OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder().endpoint(spec.endpoint())
                    .client(OtlpHttpSpanExporterBuilder.Client.valueOf(spec.httpClient().toUpperCase(Locale.ROOT)));
            if (spoolDir != null) {
                exporter.spool(spoolOptions(spoolDir));
            }
            return exporter.build();
        }
        OtlpGrpcSpanExporterBuilder exporter = OtlpGrpcSpanExporter.builder().endpoint(spec.endpoint());
        if (spoolDir != null) {
            exporter.spool(spoolOptions(spoolDir));
        }
        return exporter.build();
    }

    /** System property of the run JVMs that sets the spool's fsync policy ({@code NONE}, {@code PERIODIC}, {@code EVERY_REQUEST}). */
    static final String SPOOL_FSYNC_PROPERTY = "bench.spool.fsync";

    /**
     * The spool's options: the defaults, the size bound of {@value SpoolOptions#MAX_BYTES_VARIABLE}
     * if the load tool's environment sets it (the run JVMs inherit it), as an application's
     * {@code fromEnvironment()} reads it, and the fsync policy of {@value #SPOOL_FSYNC_PROPERTY} if
     * the run JVMs are given it ({@code --jvm-args="-Dbench.spool.fsync=NONE"}).
     */
    private static SpoolOptions spoolOptions(Path spoolDir) {
        SpoolOptions.Builder options = SpoolOptions.builder(spoolDir);
        String maxBytes = System.getenv(SpoolOptions.MAX_BYTES_VARIABLE);
        if (maxBytes != null && !maxBytes.isBlank()) {
            options.maxBytes(Long.parseLong(maxBytes.trim()));
        }
        String fsync = System.getProperty(SPOOL_FSYNC_PROPERTY);
        if (fsync != null && !fsync.isBlank()) {
            options.fsync(SpoolOptions.Fsync.valueOf(fsync.trim().toUpperCase(Locale.ROOT)));
        }
        return options.build();
    }

    /** @return the report's note on a size bound set through the environment, or "" */
    static String spoolMaxBytesText() {
        String maxBytes = System.getenv(SpoolOptions.MAX_BYTES_VARIABLE);
        return maxBytes == null || maxBytes.isBlank() ? ""
                : " but at most " + maxBytes.trim() + " bytes (`" + SpoolOptions.MAX_BYTES_VARIABLE + "`)";
    }

    /**
     * @param runJvmArgs the flags the run JVMs get
     * @return the report's note on an fsync policy set with {@value #SPOOL_FSYNC_PROPERTY}, or ""
     */
    static String spoolFsyncText(List<String> runJvmArgs) {
        String prefix = "-D" + SPOOL_FSYNC_PROPERTY + "=";
        for (String arg : runJvmArgs) {
            if (arg.startsWith(prefix)) {
                return ", fsync " + arg.substring(prefix.length()).toUpperCase(Locale.ROOT) + " (`" + arg + "`)";
            }
        }
        return "";
    }
}
