package io.ringtrace.testkit;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A real OTLP/gRPC receiver for tests and benchmarks: a grpc-netty-shaded server on a loopback
 * address implementing {@code TraceService/Export} (and {@code MetricsService} and {@code LogsService})
 * with the official {@link TraceServiceGrpc} classes, so every request it accepts has been decoded
 * by protobuf-java from the official OTLP schema.
 *
 * <p>Recording, the shared scripting (partial success, delays) and waiting come from
 * {@link RecordingReceiver}; this class adds gRPC failures: a status code, optionally carrying a
 * {@code google.rpc.RetryInfo} in the {@code grpc-status-details-bin} trailer, the way the OTLP
 * specification describes throttling. It can be stopped and started again on the same port, and
 * served over TLS or mTLS with {@link TestCertificates}. Headers are gRPC {@link Metadata}, paths
 * the trace method's full name; metrics and logs calls are recorded but not scripted or counted as
 * calls. Stopping it ends calls in progress and waits up to 5 s for the server to terminate.
 *
 * <p>A call the client had already given up on (deadline exceeded, cancelled) while a scripted
 * delay was running is counted in {@link #cancelledCallCount()}, not recorded as received.
 *
 * <p>Bounded resources: one boss and {@code eventLoopThreads} worker Netty threads and
 * {@code executorThreads} executor threads, all created once and shut down by {@link #close()}.
 */
public final class OtlpReceiver extends RecordingReceiver<OtlpReceiver, Metadata> {

    private static final Context.Key<Metadata> HEADERS = Context.key("ringtrace-receiver-headers");
    private static final String TRACE_EXPORT_PATH = "/" + TraceServiceGrpc.getExportMethod().getFullMethodName();

    private final int maxInboundMessageBytes;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ScheduledThreadPoolExecutor executor;

    /** Guards the port. */
    private final Object portLock = new Object();
    private int port;

    private OtlpReceiver(Builder builder) {
        super(builder);
        this.port = builder.port;
        this.maxInboundMessageBytes = builder.maxInboundMessageBytes;
        this.bossGroup = new MultiThreadIoEventLoopGroup(
                1, recorded(new DefaultThreadFactory("ringtrace-receiver-boss", true)), NioIoHandler.newFactory());
        this.workerGroup = new MultiThreadIoEventLoopGroup(
                builder.eventLoopThreads, recorded(new DefaultThreadFactory("ringtrace-receiver-worker", true)), NioIoHandler.newFactory());
        this.executor = new ScheduledThreadPoolExecutor(
                builder.executorThreads, recorded(new DefaultThreadFactory("ringtrace-receiver-executor", true)));
        // Scripted delays are scheduled tasks; the ones cancelled by close() must not linger.
        this.executor.setRemoveOnCancelPolicy(true);
    }

    /** @return a builder for a plain-text, recording receiver on 127.0.0.1 and a free port */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a plain-text recording receiver on 127.0.0.1 and a free port.
     *
     * @return the running receiver
     */
    public static OtlpReceiver start() {
        return builder().start();
    }

    /** Binds the port it had before (or a free one the first time), retrying while a just-released port frees up. */
    @Override
    Serving serve() {
        // A port just released by stop() can take a moment to be free again: retry for up to 5 s.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            int bindPort = boundPort();
            Server newServer = newServer(bindPort);
            try {
                newServer.start();
                synchronized (portLock) {
                    port = newServer.getPort();
                }
                return () -> {
                    newServer.shutdownNow();
                    try {
                        newServer.awaitTermination(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                };
            } catch (IOException e) {
                newServer.shutdownNow();
                if (bindPort == 0 || System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("cannot bind " + host() + ":" + bindPort, e);
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while binding " + host() + ":" + bindPort, e);
            }
        }
    }

    private int boundPort() {
        synchronized (portLock) {
            return port;
        }
    }

    private Server newServer(int bindPort) {
        ServerCredentials credentials;
        TestCertificates certificates = certificates();
        if (certificates == null) {
            credentials = InsecureServerCredentials.create();
        } else {
            try {
                TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
                        .keyManager(certificates.serverCertificate().toFile(), certificates.serverKey().toFile());
                if (requiresClientCertificate()) {
                    tls.trustManager(certificates.caCertificate().toFile())
                            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
                }
                credentials = tls.build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read test certificates", e);
            }
        }
        return NettyServerBuilder.forAddress(new InetSocketAddress(host(), bindPort), credentials)
                .bossEventLoopGroup(bossGroup)
                .workerEventLoopGroup(workerGroup)
                .channelType(NioServerSocketChannel.class)
                .withOption(ChannelOption.SO_REUSEADDR, true)
                .executor(executor)
                .maxInboundMessageSize(maxInboundMessageBytes)
                .addService(ServerInterceptors.intercept(new TraceService(), new HeaderCapture()))
                .addService(new MetricsService())
                .addService(new LogsService())
                .build();
    }

    @Override
    void shutDownTransport() throws InterruptedException {
        executor.shutdownNow();
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        executor.awaitTermination(5, TimeUnit.SECONDS);
        bossGroup.terminationFuture().await(5, TimeUnit.SECONDS);
        workerGroup.terminationFuture().await(5, TimeUnit.SECONDS);
    }

    /**
     * The port, fixed for the receiver's life. For a receiver built without a port and not yet
     * started, a free port is chosen now (so a client can be pointed at a receiver that is not up
     * yet).
     *
     * @return the port the receiver serves (or will serve) on
     */
    public int port() {
        synchronized (portLock) {
            if (port == 0) {
                port = freePort(host());
            }
            return port;
        }
    }

    /** @return {@code host:port}, a gRPC target */
    public String target() {
        return host() + ":" + port();
    }

    /** @return the OTLP endpoint URL: {@code http://host:port}, or {@code https://host:port} with TLS */
    public String endpoint() {
        return scheme() + target();
    }

    // ---------------------------------------------------------------- gRPC failures

    /**
     * The next {@code calls} calls fail with {@code code} and no details.
     *
     * @param calls how many calls
     * @param code the gRPC status code
     * @return this receiver
     */
    public OtlpReceiver failNext(int calls, Status.Code code) {
        return script(calls, ScriptedReply.failure(failureCode(code), null, null, null));
    }

    /**
     * The next {@code calls} calls fail with {@code code} and a {@code google.rpc.Status} whose
     * details hold a {@code google.rpc.RetryInfo} with {@code retryDelay}, as OTLP/gRPC throttling does.
     *
     * @param calls how many calls
     * @param code the gRPC status code, typically {@code UNAVAILABLE} or {@code RESOURCE_EXHAUSTED}
     * @param retryDelay the {@code RetryInfo.retry_delay} to send
     * @return this receiver
     */
    public OtlpReceiver failNext(int calls, Status.Code code, Duration retryDelay) {
        if (retryDelay == null) {
            throw new IllegalArgumentException("retryDelay must not be null");
        }
        return script(calls, ScriptedReply.failure(failureCode(code), retryDelay, null, null));
    }

    private static int failureCode(Status.Code code) {
        if (code == null || code == Status.Code.OK) {
            throw new IllegalArgumentException("a failure needs a status code other than OK, got " + code);
        }
        return code.value();
    }

    @Override
    public String toString() {
        return "OtlpReceiver[" + endpoint() + (isRunning() ? ", running" : ", stopped") + "]";
    }

    // ---------------------------------------------------------------- the services

    /** Puts each call's request headers into the gRPC {@link Context} the service method runs in. */
    private static final class HeaderCapture implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata requestHeaders, ServerCallHandler<Q, R> next) {
            return Contexts.interceptCall(
                    Context.current().withValue(HEADERS, requestHeaders), call, requestHeaders, next);
        }
    }

    private final class TraceService extends TraceServiceGrpc.TraceServiceImplBase {
        @Override
        public void export(
                ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> responseObserver) {
            ScriptedReply reply = callArrived(TRACE_EXPORT_PATH, HEADERS.get());
            ServerCallStreamObserver<ExportTraceServiceResponse> observer =
                    (ServerCallStreamObserver<ExportTraceServiceResponse>) responseObserver;
            if (reply.delay.isZero()) {
                respond(request, reply, observer);
            } else {
                executor.schedule(() -> respond(request, reply, observer), reply.delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        private void respond(
                ExportTraceServiceRequest request,
                ScriptedReply reply,
                ServerCallStreamObserver<ExportTraceServiceResponse> observer) {
            if (reply.fails()) {
                callFailed();
                observer.onError(failure(reply));
                return;
            }
            ExportTraceServiceResponse answer = acceptTraces(request, reply, observer::isCancelled);
            if (answer == null) {
                return; // the client gave up: it never sees an answer
            }
            try {
                observer.onNext(answer);
                observer.onCompleted();
            } catch (RuntimeException e) {
                // the call was cancelled after it was recorded: nothing to send to
            }
        }

        private RuntimeException failure(ScriptedReply reply) {
            Status.Code code = Status.fromCodeValue(reply.failure).getCode();
            String description = "scripted failure " + code;
            if (reply.retryDelay == null) {
                return code.toStatus().withDescription(description).asRuntimeException();
            }
            com.google.protobuf.Duration delay = com.google.protobuf.Duration.newBuilder()
                    .setSeconds(reply.retryDelay.getSeconds())
                    .setNanos(reply.retryDelay.getNano())
                    .build();
            com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                    .setCode(reply.failure)
                    .setMessage(description)
                    .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(delay).build()))
                    .build();
            return StatusProto.toStatusRuntimeException(status);
        }
    }

    /** Records every metrics request it gets and answers with full success. */
    private final class MetricsService extends MetricsServiceGrpc.MetricsServiceImplBase {
        @Override
        public void export(ExportMetricsServiceRequest request, StreamObserver<ExportMetricsServiceResponse> observer) {
            acceptMetrics(request);
            observer.onNext(ExportMetricsServiceResponse.getDefaultInstance());
            observer.onCompleted();
        }
    }

    /** Records every logs request it gets and answers with success (partial if scripted: {@link #rejectLogRecordsNext}). */
    private final class LogsService extends LogsServiceGrpc.LogsServiceImplBase {
        @Override
        public void export(ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> observer) {
            observer.onNext(acceptLogs(request));
            observer.onCompleted();
        }
    }

    /** Configures an {@link OtlpReceiver}: the shared settings, plus the gRPC server's threads and message bound. */
    public static final class Builder extends ReceiverBuilder<Builder, OtlpReceiver> {
        private int eventLoopThreads = 1;
        private int executorThreads = 2;
        private int maxInboundMessageBytes = 4 * 1024 * 1024;

        private Builder() {}

        /**
         * @param threads Netty worker event loop threads (default 1)
         * @return this builder
         */
        public Builder eventLoopThreads(int threads) {
            this.eventLoopThreads = positive(threads, "eventLoopThreads");
            return this;
        }

        /**
         * @param threads executor threads that decode requests and run the service (default 2)
         * @return this builder
         */
        public Builder executorThreads(int threads) {
            this.executorThreads = positive(threads, "executorThreads");
            return this;
        }

        /**
         * @param bytes the largest request accepted (default 4 MiB, like the OpenTelemetry Collector)
         * @return this builder
         */
        public Builder maxInboundMessageBytes(int bytes) {
            this.maxInboundMessageBytes = positive(bytes, "maxInboundMessageBytes");
            return this;
        }

        private static int positive(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + value);
            }
            return value;
        }

        /**
         * Creates the receiver without starting it; {@link OtlpReceiver#port()} is fixed already.
         *
         * @return the receiver, not serving yet
         */
        @Override
        public OtlpReceiver build() {
            return new OtlpReceiver(this);
        }
    }
}
