package io.ringtrace.bench.load;

/**
 * The load tool's OTLP/gRPC receiver: testkit's {@code OtlpReceiver} in count-only mode, which
 * decodes every request with the official {@code opentelemetry-proto} classes.
 */
interface Receiver extends AutoCloseable {

    /** @return the OTLP endpoint, {@code http://127.0.0.1:PORT} */
    String endpoint();

    /** @return spans decoded and accepted so far */
    long spanCount();

    /** Stops serving, like a killed collector (same port kept). */
    void stop();

    /** Serves again on the same port. */
    void start();

    @Override
    void close();
}
