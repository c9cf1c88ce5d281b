package io.ringtrace.testkit;

/**
 * The settings both receivers ({@link OtlpReceiver}, {@link OtlpHttpReceiver}) take: address, port,
 * TLS and recording mode; each receiver's own builder adds its transport's settings.
 *
 * @param <B> the concrete builder, which every setting returns
 * @param <R> the receiver it builds
 */
public abstract class ReceiverBuilder<B extends ReceiverBuilder<B, R>, R extends RecordingReceiver<R, ?>> {
    String bindAddress = "127.0.0.1";
    int port;
    boolean tls;
    boolean mtls;
    TestCertificates certificates;
    boolean countOnly;

    ReceiverBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this; // B is the concrete builder by construction: both subclasses pass themselves
    }

    /**
     * @param address the loopback address to bind (default {@code 127.0.0.1})
     * @return this builder
     */
    public B bindAddress(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("bind address must not be empty");
        }
        this.bindAddress = address;
        return self();
    }

    /**
     * @param port the port to bind; 0 (default) picks a free one
     * @return this builder
     */
    public B port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.port = port;
        return self();
    }

    /**
     * Serves TLS with freshly generated certificates (deleted on close).
     *
     * @return this builder
     */
    public B tls() {
        this.tls = true;
        return self();
    }

    /**
     * Serves TLS and requires a client certificate signed by the test CA (mTLS).
     *
     * @return this builder
     */
    public B mtls() {
        this.tls = true;
        this.mtls = true;
        return self();
    }

    /**
     * Serves TLS with the given certificates (not deleted on close), e.g. to share one CA between
     * several receivers.
     *
     * @param certificates the certificates
     * @return this builder
     */
    public B certificates(TestCertificates certificates) {
        this.tls = true;
        this.certificates = certificates;
        return self();
    }

    /**
     * Decodes every request with the official classes but keeps only counters and the last
     * headers, for long benchmark runs.
     *
     * @return this builder
     */
    public B countOnly() {
        this.countOnly = true;
        return self();
    }

    /**
     * Creates the receiver without starting it; its port is fixed already.
     *
     * @return the receiver, not serving yet
     */
    public abstract R build();

    /**
     * Creates and starts the receiver.
     *
     * @return the running receiver
     */
    public R start() {
        R receiver = build();
        try {
            return receiver.startServing();
        } catch (RuntimeException e) {
            receiver.close();
            throw e;
        }
    }
}
