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
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A real OTLP/gRPC trace receiver for tests and benchmarks: a grpc-netty-shaded server on a loopback
 * address implementing {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} with the
 * official {@link TraceServiceGrpc} classes, so every request it accepts has been decoded by
 * protobuf-java from the official OTLP schema.
 *
 * <p>It records what it got (decoded requests, span counts, request headers), and it can be
 * scripted, call by call, to fail with a status code (optionally carrying a {@code google.rpc.RetryInfo}
 * in the {@code grpc-status-details-bin} trailer, the way the OTLP specification describes
 * throttling), to answer late, or to answer with a {@code partial_success}. It can be stopped and
 * started again on the same port, and served over TLS or mTLS with {@link TestCertificates}.
 *
 * <p>Only requests the receiver actually answered with success are recorded as received: a call the
 * client had already given up on (deadline exceeded, cancelled) while a scripted delay was running
 * is counted in {@link #cancelledCallCount()} instead, so that "arrived exactly once" holds for a
 * client that retries.
 *
 * <p>Bounded resources: one boss and {@code eventLoopThreads} worker Netty threads and
 * {@code executorThreads} executor threads, all created once and shut down by {@link #close()}; in
 * the default recording mode every accepted request and every call's headers are kept in memory
 * until {@link #clear()} (use {@link Builder#countOnly()} for long runs: it decodes every request
 * the same way but keeps only counters and the last headers).
 */
public final class OtlpReceiver implements AutoCloseable {

    private static final Context.Key<Metadata> HEADERS = Context.key("ringtrace-receiver-headers");

    private final String bindAddress;
    private final TestCertificates certificates;
    private final boolean ownsCertificates;
    private final boolean requireClientCertificate;
    private final boolean countOnly;
    private final int maxInboundMessageBytes;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ScheduledThreadPoolExecutor executor;

    /** Every thread this receiver started. */
    private final List<Thread> ownThreads = new ArrayList<>();

    /** Guards everything below and is the monitor the await methods wait on. */
    private final Object lock = new Object();
    private final List<ExportMetricsServiceRequest> metricsRequests = new ArrayList<>();
    private final List<ExportLogsServiceRequest> logsRequests = new ArrayList<>();

    private int port;
    private Server server;
    private boolean closed;
    private final ArrayDeque<ScriptedResponse> script = new ArrayDeque<>();
    private Duration responseDelay = Duration.ZERO;
    private final List<ExportTraceServiceRequest> requests = new ArrayList<>();
    private final List<Metadata> headers = new ArrayList<>();
    private Metadata lastHeaders;
    private long callCount;
    private long failedCallCount;
    private long cancelledCallCount;
    private long requestCount;
    private long spanCount;
    private long rejectedSpanCount;

    private OtlpReceiver(Builder builder) {
        this.bindAddress = builder.bindAddress;
        this.port = builder.port;
        this.requireClientCertificate = builder.mtls;
        this.countOnly = builder.countOnly;
        this.maxInboundMessageBytes = builder.maxInboundMessageBytes;
        if (builder.certificates != null) {
            this.certificates = builder.certificates;
            this.ownsCertificates = false;
        } else if (builder.tls) {
            this.certificates = TestCertificates.generate();
            this.ownsCertificates = true;
        } else {
            this.certificates = null;
            this.ownsCertificates = false;
        }
        this.bossGroup = new MultiThreadIoEventLoopGroup(
                1, recorded(new DefaultThreadFactory("ringtrace-receiver-boss", true)), NioIoHandler.newFactory());
        this.workerGroup = new MultiThreadIoEventLoopGroup(
                builder.eventLoopThreads, recorded(new DefaultThreadFactory("ringtrace-receiver-worker", true)), NioIoHandler.newFactory());
        this.executor = new ScheduledThreadPoolExecutor(
                builder.executorThreads, recorded(new DefaultThreadFactory("ringtrace-receiver-executor", true)));
        // Scripted delays are scheduled tasks; the ones cancelled by close() must not linger.
        this.executor.setRemoveOnCancelPolicy(true);
    }

    /** Remembers each thread the factory makes, so that close() can wait for them to end. */
    private ThreadFactory recorded(ThreadFactory factory) {
        return task -> {
            Thread thread = factory.newThread(task);
            synchronized (ownThreads) {
                ownThreads.add(thread);
            }
            return thread;
        };
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

    /**
     * Starts serving (again). After {@link #stop()} the receiver binds the same port it had before;
     * recorded data and the script are kept.
     *
     * @return this receiver
     * @throws IllegalStateException if it is already running, closed, or the port cannot be bound
     */
    public OtlpReceiver startServing() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("receiver is closed");
            }
            if (server != null) {
                throw new IllegalStateException("receiver is already running on port " + port);
            }
            // A port just released by stop() can take a moment to be free again: retry for up to 5 s.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                Server newServer = newServer(port);
                try {
                    newServer.start();
                    port = newServer.getPort();
                    server = newServer;
                    return this;
                } catch (IOException e) {
                    newServer.shutdownNow();
                    if (port == 0 || System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("cannot bind " + bindAddress + ":" + port, e);
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while binding " + bindAddress + ":" + port, e);
                }
            }
        }
    }

    private Server newServer(int bindPort) {
        ServerCredentials credentials;
        if (certificates == null) {
            credentials = InsecureServerCredentials.create();
        } else {
            try {
                TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
                        .keyManager(certificates.serverCertificate().toFile(), certificates.serverKey().toFile());
                if (requireClientCertificate) {
                    tls.trustManager(certificates.caCertificate().toFile())
                            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
                }
                credentials = tls.build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read test certificates", e);
            }
        }
        return NettyServerBuilder.forAddress(new InetSocketAddress(bindAddress, bindPort), credentials)
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

    /**
     * Stops serving abruptly, like a killed collector: the listening socket closes and calls in
     * progress fail. Returns when the server has terminated (at most 5 s). {@link #startServing()}
     * brings it back on the same port.
     */
    public void stop() {
        Server running;
        synchronized (lock) {
            running = server;
            server = null;
        }
        if (running != null) {
            running.shutdownNow();
            try {
                running.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return whether the server is currently serving */
    public boolean isRunning() {
        synchronized (lock) {
            return server != null;
        }
    }

    /**
     * The port, fixed for the receiver's life. For a receiver built without a port and not yet
     * started, a free port is chosen now (so a client can be pointed at a receiver that is not up
     * yet).
     *
     * @return the port the receiver serves (or will serve) on
     */
    public int port() {
        synchronized (lock) {
            if (port == 0) {
                port = freePort(bindAddress);
            }
            return port;
        }
    }

    /** @return the address the receiver binds, {@code 127.0.0.1} unless configured */
    public String host() {
        return bindAddress;
    }

    /** @return {@code host:port}, a gRPC target */
    public String target() {
        return bindAddress + ":" + port();
    }

    /** @return the OTLP endpoint URL: {@code http://host:port}, or {@code https://host:port} with TLS */
    public String endpoint() {
        return (certificates == null ? "http://" : "https://") + target();
    }

    /** @return the certificates the server uses (for a client's trust and mTLS files), or null if plain text */
    public TestCertificates certificates() {
        return certificates;
    }

    // ---------------------------------------------------------------- scripting

    /**
     * The next {@code calls} calls fail with {@code code} and no details.
     *
     * @param calls how many calls
     * @param code the gRPC status code
     * @return this receiver
     */
    public OtlpReceiver failNext(int calls, Status.Code code) {
        return addScript(calls, new ScriptedResponse(code, null, 0, null, Duration.ZERO));
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
        return addScript(calls, new ScriptedResponse(code, retryDelay, 0, null, Duration.ZERO));
    }

    /**
     * The next {@code calls} calls are accepted but answered with a {@code partial_success} rejecting
     * {@code rejectedSpans} spans (at most the request's span count) with {@code message}.
     *
     * @param calls how many calls
     * @param rejectedSpans spans reported as rejected per call
     * @param message the {@code error_message}
     * @return this receiver
     */
    public OtlpReceiver partialSuccessNext(int calls, long rejectedSpans, String message) {
        return addScript(calls, new ScriptedResponse(null, null, rejectedSpans, message, Duration.ZERO));
    }

    /**
     * The next {@code calls} calls are answered (with success) only after {@code delay}.
     *
     * @param calls how many calls
     * @param delay how long to hold each answer
     * @return this receiver
     */
    public OtlpReceiver delayNext(int calls, Duration delay) {
        return addScript(calls, new ScriptedResponse(null, null, 0, null, delay));
    }

    /**
     * Delays every answer that is not otherwise scripted by {@code delay}; {@link Duration#ZERO} turns
     * it off.
     *
     * @param delay the delay
     * @return this receiver
     */
    public OtlpReceiver responseDelay(Duration delay) {
        synchronized (lock) {
            responseDelay = delay;
        }
        return this;
    }

    /**
     * Forgets the script and the response delay.
     *
     * @return this receiver
     */
    public OtlpReceiver clearScript() {
        synchronized (lock) {
            script.clear();
            responseDelay = Duration.ZERO;
        }
        return this;
    }

    private OtlpReceiver addScript(int calls, ScriptedResponse response) {
        if (calls < 1) {
            throw new IllegalArgumentException("calls must be >= 1, got " + calls);
        }
        synchronized (lock) {
            for (int i = 0; i < calls; i++) {
                script.addLast(response);
            }
        }
        return this;
    }

    // ---------------------------------------------------------------- what was received

    /** @return a copy of the requests accepted so far, in arrival order (empty in count-only mode) */
    public List<ExportTraceServiceRequest> requests() {
        synchronized (lock) {
            return new ArrayList<>(requests);
        }
    }

    /** @return every span of the accepted requests, in arrival order (empty in count-only mode) */
    public List<Span> spans() {
        List<Span> spans = new ArrayList<>();
        for (ExportTraceServiceRequest request : requests()) {
            for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
                for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                    spans.addAll(scopeSpans.getSpansList());
                }
            }
        }
        return spans;
    }

    /** @return the headers of every call received, in order (empty in count-only mode) */
    public List<Metadata> headers() {
        synchronized (lock) {
            return new ArrayList<>(headers);
        }
    }

    /** @return the headers of the last call received, or null if none */
    public Metadata lastHeaders() {
        synchronized (lock) {
            return lastHeaders;
        }
    }

    /** @return spans in accepted requests (including those reported rejected by a partial success) */
    public long spanCount() {
        synchronized (lock) {
            return spanCount;
        }
    }

    /** @return requests accepted (answered with success or partial success) */
    public long requestCount() {
        synchronized (lock) {
            return requestCount;
        }
    }

    /** @return every {@code Export} call that reached the service, whatever its outcome */
    public long callCount() {
        synchronized (lock) {
            return callCount;
        }
    }

    /** @return calls answered with a scripted failure */
    public long failedCallCount() {
        synchronized (lock) {
            return failedCallCount;
        }
    }

    /** @return calls the client cancelled (or whose deadline passed) before the answer was sent */
    public long cancelledCallCount() {
        synchronized (lock) {
            return cancelledCallCount;
        }
    }

    /** @return spans reported as rejected in partial-success answers */
    public long rejectedSpanCount() {
        synchronized (lock) {
            return rejectedSpanCount;
        }
    }

    /**
     * Waits until at least {@code spans} spans were accepted.
     *
     * @param spans the span count to wait for
     * @param timeout how long to wait at most
     * @return whether the count was reached
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitSpanCount(long spans, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (spanCount < spans) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /**
     * Waits until at least {@code calls} calls reached the service.
     *
     * @param calls the call count to wait for
     * @param timeout how long to wait at most
     * @return whether the count was reached
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitCallCount(long calls, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (callCount < calls) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /** Forgets recorded requests, headers and counters (not the script). */
    public void clear() {
        synchronized (lock) {
            requests.clear();
            headers.clear();
            lastHeaders = null;
            callCount = 0;
            failedCallCount = 0;
            cancelledCallCount = 0;
            requestCount = 0;
            spanCount = 0;
            rejectedSpanCount = 0;
        }
    }

    /**
     * Stops serving, shuts the threads down (waiting up to a few seconds) and deletes generated
     * certificates. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stop();
        executor.shutdownNow();
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
            bossGroup.terminationFuture().await(5, TimeUnit.SECONDS);
            workerGroup.terminationFuture().await(5, TimeUnit.SECONDS);
            List<Thread> threads;
            synchronized (ownThreads) {
                threads = new ArrayList<>(ownThreads);
            }
            for (Thread thread : threads) {
                if (thread != Thread.currentThread()) {
                    thread.join(2000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsCertificates) {
            certificates.close();
        }
    }

    @Override
    public String toString() {
        return "OtlpReceiver[" + endpoint() + (isRunning() ? ", running" : ", stopped") + "]";
    }

    private static int freePort(String address) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + address, e);
        }
    }

    private static long countSpans(ExportTraceServiceRequest request) {
        long count = 0;
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                count += scopeSpans.getSpansCount();
            }
        }
        return count;
    }

    // ---------------------------------------------------------------- the service

    /** One scripted answer: a failure (code non-null), a partial success, or a delayed success. */
    private static final class ScriptedResponse {
        final Status.Code failure;
        final Duration retryDelay;
        final long rejectedSpans;
        final String rejectionMessage;
        final Duration delay;

        ScriptedResponse(
                Status.Code failure, Duration retryDelay, long rejectedSpans, String rejectionMessage, Duration delay) {
            this.failure = failure;
            this.retryDelay = retryDelay;
            this.rejectedSpans = rejectedSpans;
            this.rejectionMessage = rejectionMessage;
            this.delay = delay;
        }
    }

    private static final ScriptedResponse PLAIN_SUCCESS = new ScriptedResponse(null, null, 0, null, Duration.ZERO);

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
            Metadata requestHeaders = HEADERS.get();
            ScriptedResponse response;
            synchronized (lock) {
                callCount++;
                lastHeaders = requestHeaders;
                if (!countOnly) {
                    headers.add(requestHeaders);
                }
                response = script.pollFirst();
                if (response == null) {
                    response = responseDelay.isZero()
                            ? PLAIN_SUCCESS
                            : new ScriptedResponse(null, null, 0, null, responseDelay);
                }
                lock.notifyAll();
            }
            ServerCallStreamObserver<ExportTraceServiceResponse> observer =
                    (ServerCallStreamObserver<ExportTraceServiceResponse>) responseObserver;
            if (response.delay.isZero()) {
                respond(request, response, observer);
            } else {
                ScriptedResponse delayed = response;
                executor.schedule(
                        () -> respond(request, delayed, observer), response.delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        private void respond(
                ExportTraceServiceRequest request,
                ScriptedResponse response,
                ServerCallStreamObserver<ExportTraceServiceResponse> observer) {
            if (response.failure != null) {
                synchronized (lock) {
                    failedCallCount++;
                }
                observer.onError(failure(response));
                return;
            }
            long spans = countSpans(request);
            long rejected = Math.min(response.rejectedSpans, spans);
            ExportTraceServiceResponse.Builder answer = ExportTraceServiceResponse.newBuilder();
            if (response.rejectionMessage != null) {
                answer.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                        .setRejectedSpans(rejected)
                        .setErrorMessage(response.rejectionMessage));
            }
            synchronized (lock) {
                // A client that gave up (deadline, cancel) never sees this answer and will retry:
                // recording the request now would count its spans twice.
                if (observer.isCancelled()) {
                    cancelledCallCount++;
                    lock.notifyAll();
                    return;
                }
                requestCount++;
                spanCount += spans;
                rejectedSpanCount += rejected;
                if (!countOnly) {
                    requests.add(request);
                }
                lock.notifyAll();
            }
            try {
                observer.onNext(answer.build());
                observer.onCompleted();
            } catch (RuntimeException e) {
                // the call was cancelled between the check above and the answer: nothing to send to
            }
        }

        private RuntimeException failure(ScriptedResponse response) {
            String description = "scripted failure " + response.failure;
            if (response.retryDelay == null) {
                return response.failure.toStatus().withDescription(description).asRuntimeException();
            }
            com.google.protobuf.Duration delay = com.google.protobuf.Duration.newBuilder()
                    .setSeconds(response.retryDelay.getSeconds())
                    .setNanos(response.retryDelay.getNano())
                    .build();
            com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                    .setCode(response.failure.value())
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
            synchronized (lock) {
                metricsRequests.add(request);
                lock.notifyAll();
            }
            observer.onNext(ExportMetricsServiceResponse.getDefaultInstance());
            observer.onCompleted();
        }
    }

    /** Records every logs request it gets and answers with full success. */
    private final class LogsService extends LogsServiceGrpc.LogsServiceImplBase {
        @Override
        public void export(ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> observer) {
            synchronized (lock) {
                logsRequests.add(request);
                lock.notifyAll();
            }
            observer.onNext(ExportLogsServiceResponse.getDefaultInstance());
            observer.onCompleted();
        }
    }

    /** @return the metrics requests received ({@code MetricsService/Export}), in arrival order */
    public List<ExportMetricsServiceRequest> metricsRequests() {
        synchronized (lock) {
            return new ArrayList<>(metricsRequests);
        }
    }

    /** @return the logs requests received ({@code LogsService/Export}), in arrival order */
    public List<ExportLogsServiceRequest> logsRequests() {
        synchronized (lock) {
            return new ArrayList<>(logsRequests);
        }
    }

    /** Configures an {@link OtlpReceiver}. */
    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port;
        private boolean tls;
        private boolean mtls;
        private TestCertificates certificates;
        private boolean countOnly;
        private int eventLoopThreads = 1;
        private int executorThreads = 2;
        private int maxInboundMessageBytes = 4 * 1024 * 1024;

        private Builder() {}

        /**
         * @param address the loopback address to bind (default {@code 127.0.0.1})
         * @return this builder
         */
        public Builder bindAddress(String address) {
            this.bindAddress = address;
            return this;
        }

        /**
         * @param port the port to bind; 0 (default) picks a free one
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Serves TLS with freshly generated certificates (deleted on close).
         *
         * @return this builder
         */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * Serves TLS and requires a client certificate signed by the test CA (mTLS).
         *
         * @return this builder
         */
        public Builder mtls() {
            this.tls = true;
            this.mtls = true;
            return this;
        }

        /**
         * Serves TLS with the given certificates (not deleted on close), e.g. to share one CA
         * between several receivers.
         *
         * @param certificates the certificates
         * @return this builder
         */
        public Builder certificates(TestCertificates certificates) {
            this.tls = true;
            this.certificates = certificates;
            return this;
        }

        /**
         * Decodes every request with the official classes but keeps only counters and the last
         * headers, for long benchmark runs.
         *
         * @return this builder
         */
        public Builder countOnly() {
            this.countOnly = true;
            return this;
        }

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
        public OtlpReceiver build() {
            return new OtlpReceiver(this);
        }

        /**
         * Creates and starts the receiver.
         *
         * @return the running receiver
         */
        public OtlpReceiver start() {
            OtlpReceiver receiver = build();
            try {
                return receiver.startServing();
            } catch (RuntimeException e) {
                receiver.close();
                throw e;
            }
        }
    }
}
