package io.ringtrace.bench.load;

/**
 * The load tool's receiver: testkit's {@code OtlpReceiver} (OTLP/gRPC) or {@code OtlpHttpReceiver}
 * (OTLP/HTTP) in count-only mode (spans and log records), which decode every request with the official
 * {@code opentelemetry-proto} classes.
 */
interface Receiver extends AutoCloseable {

    /** @return the endpoint both systems export to: {@code http://127.0.0.1:PORT} (gRPC) or its {@code /v1/traces} URL (HTTP) */
    String endpoint();

    /** @return spans decoded and accepted so far */
    long spanCount();

    /** @return log records decoded and accepted so far */
    long logRecordCount();

    /** Stops serving, like a killed collector (same port kept). */
    void stop();

    /** Serves again on the same port. */
    void start();

    @Override
    void close();
}
