package io.ringtrace.exporter;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.WriteBufferWaterMark;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.ringtrace.engine.export.DropReason;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The export stage over OTLP/gRPC: ships each sealed request of any signal from its off-heap buffer
 * to an OTLP receiver (OpenTelemetry Collector, Jaeger, Tempo, vendors) as
 * {@code opentelemetry.proto.collector.<signal>.v1.<Signal>Service/Export}, with the OTLP spec's
 * retries.
 *
 * <p>The in-flight bound, the waiting list, the retry schedule, completion exactly once and the
 * drain at shutdown are {@link InFlightRequests}'s, the same as OTLP/HTTP's; one attempt is a gRPC
 * call ({@link GrpcTransport}). Without compression the serializer thread starts a first attempt
 * inline (the framing is a copy of the request into Netty's buffers); with gzip the executor does,
 * so compression never runs on the serializer. A reply the exporter cannot read (an OK with a body
 * that is not a valid response, or a reply over {@link #MAX_REPLY_BYTES}) still means the receiver
 * has the request: delivered, with a rate-limited warning, never sent again.
 *
 * <h2>Bounds</h2>
 * <ul>
 *   <li>In flight: at most {@code maxInFlight} calls (default 4), each with its own copy chunk
 *       (64 KiB, 1 MiB once a request over 1 MiB has used it); a waiting list bounded by the
 *       engine's request buffers (see {@link InFlightRequests}).
 *   <li>Netty buffers: a direct pool shared by the gRPC exporters of the process, in 4 MiB chunks
 *       allocated when first needed ({@link ExportBufferAllocator}).
 *   <li>Retrying: at most {@link RetryPolicy#maxAttempts()} attempts per request, within
 *       {@link RetryPolicy#maxElapsed()} from its first attempt; each attempt has the configured
 *       timeout as its deadline.
 *   <li>Threads: a Netty event loop group of {@code eventLoopThreads} (default 1), one executor
 *       thread (gRPC callbacks, retry timers, gzip of retried and offloaded attempts) and one offload
 *       thread (name resolution, which blocks for as long as a DNS lookup takes), all created once
 *       here and stopped by {@link #shutdown(long)}; reconnecting creates none.
 *   <li>Replies: at most {@link #MAX_REPLY_BYTES} per call is read into memory.
 * </ul>
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown(long)} lets calls in flight and waiting requests finish until the deadline; a
 * retry that would only start after the deadline is cut at once. At the deadline, whatever is left
 * is completed with {@link DropReason#SHUTDOWN} (calls in flight are cancelled). Every request
 * handed to {@link #export(ExportRequest)} is completed exactly once.
 */
public final class OtlpGrpcSpanExporter extends TransportExporter {

    private static final System.Logger LOG = System.getLogger(OtlpGrpcSpanExporter.class.getName());
    /** How often the connect backoff is reset while requests wait for a connection. */
    private static final long BACKOFF_RESET_INTERVAL_MILLIS = 1000;
    /** How long shutdown waits, at least, for an idle offload thread to end. */
    private static final long OFFLOAD_JOIN_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * The largest reply message read (gRPC's inbound message limit). A larger reply fails the call
     * with {@code RESOURCE_EXHAUSTED} made by the client, which the exporter recognises as a reply,
     * so the request counts as delivered.
     */
    static final int MAX_REPLY_BYTES = ExportResponse.MAX_REPLY_BYTES;

    /**
     * The channel's write buffer high-water mark. Netty's HTTP/2 flow controller hands a stream at
     * most what the channel takes before it turns unwritable (64 KiB by default) per write, and each
     * write makes a promise, an aggregator and slices: ~100 B per 64 KiB, 1.5 B per KiB sent. At
     * 1 MiB a request of a few MB goes out in a few writes. It bounds no memory of ours: the bytes
     * are gRPC's pooled message buffers either way, queued in the flow controller or in the channel.
     */
    static final int WRITE_BUFFER_HIGH_WATER_MARK = 1 << 20;

    private final String target;
    private final EventLoopGroup eventLoopGroup;
    private final ScheduledThreadPoolExecutor executor;
    /** gRPC's offload executor: name resolution, which blocks; never the calls' callbacks. */
    private final ThreadPoolExecutor offloadExecutor;
    private final ManagedChannel channel;
    private final long timeoutNanos;
    private final InFlightRequests<GrpcTransport.SlotState> requests;
    /** The event loop and executor threads this exporter started. */
    private final OwnedThreads ownThreads = new OwnedThreads();
    /** The offload thread this exporter started. */
    private final OwnedThreads offloadThreads = new OwnedThreads();

    OtlpGrpcSpanExporter(OtlpGrpcSpanExporterBuilder builder) {
        OtlpGrpcSpanExporterBuilder.Endpoint endpoint =
                OtlpGrpcSpanExporterBuilder.Endpoint.parse(builder.endpoint, builder.insecure, builder.endpointSetting);
        this.target = endpoint.target;
        ChannelCredentials credentials = credentials(builder, endpoint);
        this.timeoutNanos = builder.timeout.toNanos();
        Metadata headers = new Metadata();
        for (Map.Entry<String, String> header : builder.headers.entrySet()) {
            headers.put(Metadata.Key.of(header.getKey(), Metadata.ASCII_STRING_MARSHALLER), header.getValue());
        }
        CallOptions options = CallOptions.DEFAULT;
        if (builder.gzip) {
            options = options.withCompression("gzip");
        }
        if (builder.waitForReady) {
            options = options.withWaitForReady();
        }
        String balancing = builder.loadBalancingPolicy != null
                ? builder.loadBalancingPolicy
                : endpoint.dnsScheme ? "round_robin" : "pick_first";

        // Linux epoll where its native library loads (it ships in grpc-netty-shaded, and is gRPC's own
        // default): it writes pooled buffers by address, where NIO wraps every buffer it writes or
        // reads in a fresh ByteBuffer, two per 16 KiB HTTP/2 DATA frame. NIO elsewhere.
        boolean epoll = Epoll.isAvailable();
        this.eventLoopGroup = new MultiThreadIoEventLoopGroup(builder.eventLoopThreads,
                ownThreads.recording(new DefaultThreadFactory("ringtrace-otlp-eventloop", true)),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.executor = new ScheduledThreadPoolExecutor(1,
                ownThreads.recording(new DefaultThreadFactory("ringtrace-otlp-exporter", true)));
        // Retry timers cut by shutdown must not stay queued.
        this.executor.setRemoveOnCancelPolicy(true);
        // One thread, started now so that the count is fixed: a lookup waiting out a DNS timeout
        // holds it, and only the next lookup queues behind it; completions never do.
        this.offloadExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                offloadThreads.recording(new DefaultThreadFactory("ringtrace-otlp-offload", true)));
        this.offloadExecutor.prestartAllCoreThreads();
        try {
            this.channel = NettyChannelBuilder.forTarget(target, credentials)
                    .eventLoopGroup(eventLoopGroup)
                    .channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .executor(executor)
                    .offloadExecutor(offloadExecutor)
                    .maxInboundMessageSize(MAX_REPLY_BYTES)
                    .withOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(WRITE_BUFFER_HIGH_WATER_MARK / 2, WRITE_BUFFER_HIGH_WATER_MARK))
                    // DATA frames written by address, and no chunk churn: see ExportBufferAllocator
                    .withOption(ChannelOption.ALLOCATOR, ExportBufferAllocator.SHARED)
                    .defaultLoadBalancingPolicy(balancing)
                    // We retry per the OTLP spec ourselves; gRPC's retry layer would also buffer
                    // and re-read the request body.
                    .disableRetry()
                    .userAgent("ringtrace-otlp-exporter")
                    .build();
        } catch (RuntimeException e) {
            executor.shutdownNow();
            offloadExecutor.shutdownNow();
            eventLoopGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            if (e instanceof IllegalArgumentException) {
                // The endpoint passed our checks but not gRPC's: say so in our words, naming the
                // setting (the target holds no user-info, so gRPC's message in the cause is safe).
                IllegalArgumentException invalid = OtlpGrpcSpanExporterBuilder.Endpoint.invalid(
                        builder.endpointSetting, builder.endpoint, "is not a target gRPC can use");
                invalid.initCause(e);
                throw invalid;
            }
            throw e;
        }
        // gzip runs in gRPC's framer on the thread that sends: keep it off the serializer thread.
        Spool spool = builder.openSpool(() -> {
            channel.shutdownNow();
            executor.shutdownNow();
            offloadExecutor.shutdownNow();
            eventLoopGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        });
        this.requests = new InFlightRequests<>(new GrpcTransport(channel, target, headers, options, timeoutNanos),
                builder.maxInFlight, builder.retryPolicy, executor, builder.gzip, LOG, spool);
        // gRPC's connect backoff grows towards 120 s while the receiver is away, and a waiting call
        // goes out only at the next connect attempt: while requests wait, reconnect at least once a
        // second, so the first request after the receiver's return goes out within about a second.
        executor.scheduleWithFixedDelay(this::reconnectPromptlyWhileWaiting,
                BACKOFF_RESET_INTERVAL_MILLIS, BACKOFF_RESET_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        // Connect now, in the background, not at the first export: name resolution, the connection
        // and gRPC's first-use class loading take up to a second or two in a cold JVM on two cores,
        // and spans published meanwhile wait in the ring, which at 100k spans/s fills in well under
        // a second. A receiver that is not up yet only puts the channel in its connect backoff.
        channel.getState(true);
    }

    /** On the executor, once a second: resets gRPC's connect backoff if requests wait for a connection. */
    private void reconnectPromptlyWhileWaiting() {
        if (requests.inFlight() > 0 && channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
    }

    /** @return the channel's connectivity now, without starting a connection (for tests) */
    ConnectivityState channelState() {
        return channel.getState(false);
    }

    /** @return a builder with the defaults (endpoint {@code http://localhost:4317}, 4 in flight, 10 s timeout) */
    public static OtlpGrpcSpanExporterBuilder builder() {
        return new OtlpGrpcSpanExporterBuilder();
    }

    private static ChannelCredentials credentials(
            OtlpGrpcSpanExporterBuilder builder, OtlpGrpcSpanExporterBuilder.Endpoint endpoint) {
        boolean clientCertificate = builder.clientCertificate != null;
        if (!endpoint.tls) {
            if (clientCertificate || builder.trustedCertificates != null) {
                throw new IllegalArgumentException("certificates are configured but " + builder.endpointSetting + " '"
                        + OtlpGrpcSpanExporterBuilder.Endpoint.shown(builder.endpoint)
                        + "' is plain text: use an https:// endpoint (or drop insecure)");
            }
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        try {
            if (builder.trustedCertificates != null) {
                tls.trustManager(builder.trustedCertificates.toFile());
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read trusted certificates " + builder.trustedCertificates, e);
        }
        try {
            if (clientCertificate) {
                tls.keyManager(builder.clientCertificate.toFile(), builder.clientKey.toFile());
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read client certificate " + builder.clientCertificate
                    + " or key " + builder.clientKey, e);
        }
        return tls.build();
    }

    @Override
    InFlightRequests<?> requests() {
        return requests;
    }

    /**
     * Stops the channel and every thread. The event loop and the executor run no blocking code, so
     * they end at once and are joined. The offload thread may be inside a name lookup that the JDK
     * cannot interrupt (it waits out DNS timeouts of seconds): it is waited for only until the
     * shutdown deadline (at least briefly, so that an idle one is joined); a lookup still running
     * then ends on its own, and its thread, whose executor is shut down, runs nothing after it.
     */
    @Override
    void stopTransport(long deadlineNanoTime) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        offloadExecutor.shutdownNow();
        eventLoopGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
            eventLoopGroup.terminationFuture().await(2, TimeUnit.SECONDS);
            ownThreads.join(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
            offloadThreads.join(System.nanoTime() + Math.max(deadlineNanoTime - System.nanoTime(), OFFLOAD_JOIN_MIN_NANOS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the gRPC target the exporter connects to, e.g. {@code localhost:4317} */
    public String target() {
        return target;
    }

    @Override
    public String toString() {
        return "OtlpGrpcSpanExporter[" + target + ", timeout=" + Duration.ofNanos(timeoutNanos) + ", " + requests + "]";
    }
}
