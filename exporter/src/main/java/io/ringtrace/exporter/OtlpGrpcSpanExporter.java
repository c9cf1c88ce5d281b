package io.ringtrace.exporter;

import static java.lang.System.Logger.Level.WARNING;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.internal.monitor.RateLimitedLog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The export stage over OTLP/gRPC: ships each sealed {@code ExportTraceServiceRequest} from its
 * off-heap buffer to an OTLP receiver (OpenTelemetry Collector, Jaeger, Tempo, vendors) as
 * {@code opentelemetry.proto.collector.trace.v1.TraceService/Export}, with the OTLP spec's retries.
 *
 * <h2>Flow of one request</h2>
 * {@link #export(ExportRequest)} (serializer thread) takes a free in-flight slot, or, if all
 * {@code maxInFlight} slots are busy, appends the request to a FIFO waiting list and returns at once.
 * A slot starts a call whose body streams straight from the off-heap buffer ({@link PayloadStream});
 * without compression the serializer thread starts it inline (the framing is a copy of the request
 * into Netty's buffers), with gzip the executor does, so compression never runs on the serializer.
 * When the call closes (on the exporter's executor thread): success completes the request with
 * {@link ExportRequest#succeeded(long)} (the {@code partial_success} rejected count, never retried);
 * a retryable status schedules another attempt on the same slot after a backoff, the buffer staying
 * in flight meanwhile; anything else completes it with {@link DropReason#EXPORT_FAILED}. A freed
 * slot takes the next waiting request.
 *
 * <p>A reply the exporter cannot read still means the receiver has the request: an OK status with
 * a body that is not a valid {@code ExportTraceServiceResponse}, or a reply larger than
 * {@link #MAX_REPLY_BYTES}, completes the request as delivered (nothing rejected) with a
 * rate-limited warning naming the problem, and it is never sent again.
 *
 * <h2>Bounds</h2>
 * <ul>
 *   <li>In flight: at most {@code maxInFlight} calls (default 4), each with its own 64 KiB copy chunk.
 *   <li>Waiting list: never blocks the serializer; it holds at most the requests the engine has lent
 *       and not got back, which is at most the engine's request buffer count minus {@code maxInFlight}
 *       (each request owns one of the engine's fixed buffers). When every buffer is lent, the engine's
 *       serializer waits for one, and backpressure reaches the ring, never the heap.
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
public final class OtlpGrpcSpanExporter implements SpanExporter {

    private static final System.Logger LOG = System.getLogger(OtlpGrpcSpanExporter.class.getName());
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** After the deadline's cancels, how long shutdown waits for gRPC to report the cancelled calls. */
    private static final long CANCEL_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** How often the connect backoff is reset while requests wait for a connection. */
    private static final long BACKOFF_RESET_INTERVAL_MILLIS = 1000;
    /** How long shutdown waits, at least, for an idle offload thread to end. */
    private static final long OFFLOAD_JOIN_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * The largest reply message read (gRPC's inbound message limit). An {@code
     * ExportTraceServiceResponse} is a count and a message, so 1 MiB leaves room for any message a
     * receiver writes while bounding what a broken one can make the exporter buffer (this much per
     * call in flight). A larger reply fails the call with {@code RESOURCE_EXHAUSTED} made by the
     * client, which the exporter recognises as a reply, so the request counts as delivered.
     */
    static final int MAX_REPLY_BYTES = 1 << 20;

    private final String target;
    private final EventLoopGroup eventLoopGroup;
    private final ScheduledThreadPoolExecutor executor;
    /** gRPC's offload executor: name resolution, which blocks; never the calls' callbacks. */
    private final ThreadPoolExecutor offloadExecutor;
    private final ManagedChannel channel;
    private final Metadata headers;
    private final CallOptions callOptions;
    private final long timeoutNanos;
    private final RetryPolicy retryPolicy;
    /** Whether {@link #export} hands the first attempt to the executor instead of starting it inline. */
    private final boolean offloadFirstAttempt;
    private final Slot[] slots;
    /** The event loop and executor threads this exporter started. */
    private final List<Thread> ownThreads = new ArrayList<>();
    /** The offload thread this exporter started. */
    private final List<Thread> offloadThreads = new ArrayList<>();
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, LOG_INTERVAL_NANOS);
    private final RateLimitedLog rejectionLog = new RateLimitedLog(LOG, LOG_INTERVAL_NANOS);
    private final RateLimitedLog unreadableReplyLog = new RateLimitedLog(LOG, LOG_INTERVAL_NANOS);

    /** Guards the slots' state, the waiting list and the shutdown flags. Never held while calling out. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the last busy slot becomes free with nothing waiting. */
    private final Condition idle = lock.newCondition();
    private final Slot[] freeSlots;
    private int freeCount;
    private final ArrayDeque<ExportRequest> waiting = new ArrayDeque<>(16);
    private boolean shuttingDown;
    private long shutdownDeadlineNanos;
    /** The shutdown deadline has passed: nothing new starts, whatever completes is SHUTDOWN. */
    private boolean cut;

    OtlpGrpcSpanExporter(OtlpGrpcSpanExporterBuilder builder) {
        OtlpGrpcSpanExporterBuilder.Endpoint endpoint =
                OtlpGrpcSpanExporterBuilder.Endpoint.parse(builder.endpoint, builder.insecure, builder.endpointSetting);
        this.target = endpoint.target;
        ChannelCredentials credentials = credentials(builder, endpoint);
        this.timeoutNanos = builder.timeout.toNanos();
        this.retryPolicy = builder.retryPolicy;
        this.headers = new Metadata();
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
        this.callOptions = options;
        String balancing = builder.loadBalancingPolicy != null
                ? builder.loadBalancingPolicy
                : endpoint.dnsScheme ? "round_robin" : "pick_first";

        this.eventLoopGroup = new MultiThreadIoEventLoopGroup(builder.eventLoopThreads,
                recorded(new DefaultThreadFactory("ringtrace-otlp-eventloop", true), ownThreads), NioIoHandler.newFactory());
        this.executor = new ScheduledThreadPoolExecutor(1,
                recorded(new DefaultThreadFactory("ringtrace-otlp-exporter", true), ownThreads));
        // Retry timers cut by shutdown must not stay queued.
        this.executor.setRemoveOnCancelPolicy(true);
        // One thread, started now so that the count is fixed: a lookup waiting out a DNS timeout
        // holds it, and only the next lookup queues behind it; completions never do.
        this.offloadExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                recorded(new DefaultThreadFactory("ringtrace-otlp-offload", true), offloadThreads));
        this.offloadExecutor.prestartAllCoreThreads();
        try {
            this.channel = NettyChannelBuilder.forTarget(target, credentials)
                    .eventLoopGroup(eventLoopGroup)
                    .channelType(NioSocketChannel.class)
                    .executor(executor)
                    .offloadExecutor(offloadExecutor)
                    .maxInboundMessageSize(MAX_REPLY_BYTES)
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
        this.slots = new Slot[builder.maxInFlight];
        this.freeSlots = new Slot[builder.maxInFlight];
        for (int i = 0; i < slots.length; i++) {
            Slot slot = new Slot();
            slot.starter = () -> startAttempt(slot, currentRequest(slot)); // made once: starting allocates no task
            slots[i] = slot;
            freeSlots[i] = slot;
        }
        // gzip runs in gRPC's framer on the thread that sends: keep it off the serializer thread.
        this.offloadFirstAttempt = builder.gzip;
        this.freeCount = slots.length;
        // gRPC's connect backoff grows towards 120 s while the receiver is away, and a waiting call
        // goes out only at the next connect attempt: while requests wait, reconnect at least once a
        // second, so the first request after the receiver's return goes out within about a second.
        executor.scheduleWithFixedDelay(this::reconnectPromptlyWhileWaiting,
                BACKOFF_RESET_INTERVAL_MILLIS, BACKOFF_RESET_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** On the executor, once a second: resets gRPC's connect backoff if requests wait for a connection. */
    private void reconnectPromptlyWhileWaiting() {
        if (inFlightRequests() > 0 && channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
    }

    /** Remembers each thread the factory makes in {@code threads}, so that shutdown can wait for them to end. */
    private static ThreadFactory recorded(ThreadFactory factory, List<Thread> threads) {
        return task -> {
            Thread thread = factory.newThread(task);
            synchronized (threads) {
                threads.add(thread);
            }
            return thread;
        };
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

    // ------------------------------------------------------------------ the export path

    /**
     * Starts shipping {@code request}: on a free slot now, else after the requests waiting before it.
     * Never blocks and never throws for a network problem; a request handed in after
     * {@link #shutdown(long)} began is completed at once with {@link DropReason#SHUTDOWN}.
     *
     * <p>Ownership: when this method throws, it has kept no reference to the request (it failed
     * before taking it: a null request or a payload that cannot be read). Once it has taken the
     * request (into a slot or the waiting list), it completes it exactly once and does not throw.
     *
     * @param request the sealed request, owned by this exporter until it completes it
     * @throws NullPointerException if {@code request} or its payload is null (request not taken)
     */
    @Override
    public void export(ExportRequest request) {
        if (request == null) {
            throw new NullPointerException("request");
        }
        // Everything about the request that can throw is read before it is taken.
        Bytes<?> payload = request.payload();
        if (payload == null) {
            throw new NullPointerException("request.payload()");
        }
        long payloadStart = payload.readPosition();
        long payloadEnd = payload.readLimit();
        Slot slot = null;
        boolean refused = false;
        lock.lock();
        try {
            if (shuttingDown) {
                refused = true;
            } else if (freeCount > 0) {
                slot = freeSlots[--freeCount];
                slot.assign(request, payload, payloadStart, payloadEnd); // field stores only: cannot throw
            } else {
                waiting.addLast(request);
            }
        } finally {
            lock.unlock();
        }
        if (refused) {
            complete(request, -1, DropReason.SHUTDOWN);
        } else if (slot != null) {
            if (offloadFirstAttempt) {
                startOnExecutor(slot);
            } else {
                startAttempt(slot, request); // framing is a memcpy: cheaper here than a thread hop
            }
        }
    }

    /** Starts the slot's attempt on the executor thread (gzip must not run on the serializer). */
    private void startOnExecutor(Slot slot) {
        try {
            executor.execute(slot.starter);
        } catch (RejectedExecutionException e) {
            finish(slot, -1, DropReason.SHUTDOWN);
        }
    }

    /** @return the request the slot carries now, or null */
    private ExportRequest currentRequest(Slot slot) {
        lock.lock();
        try {
            return slot.request;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts one attempt of {@code request}, which the slot carries. Runs on the serializer or the
     * executor thread. The request is already taken, so a failure to create or start the call
     * completes it (or, once started, goes through the call's close) instead of throwing.
     */
    private void startAttempt(Slot slot, ExportRequest request) {
        if (request == null) {
            return; // completed by a shutdown that reached its deadline before this start ran
        }
        ReplyWatch reply = new ReplyWatch();
        ClientCall<PayloadStream, ExportResponse> call;
        Metadata callHeaders;
        try {
            call = channel.newCall(ExportMethod.forSignal(request.signal()), callOptions
                    .withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)
                    .withStreamTracerFactory(reply));
            callHeaders = new Metadata(); // gRPC adds to the headers it is given: one per call
            callHeaders.merge(headers);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "could not create an OTLP export call; its spans are dropped", e);
            finish(slot, request, -1, DropReason.EXPORT_FAILED);
            return;
        }
        AttemptListener listener = null;
        lock.lock();
        try {
            if (slot.request != request) {
                return; // completed by a shutdown that reached its deadline meanwhile
            }
            // If the deadline passed between this attempt's scheduling and now, it never starts.
            if (!cut) {
                if (slot.attempts == 0) {
                    slot.firstAttemptNanos = System.nanoTime();
                }
                slot.attempts++;
                slot.attemptId++;
                slot.call = call;
                slot.body = new PayloadStream(slot.chunk, slot.payload, slot.payloadStart, slot.payloadEnd);
                listener = new AttemptListener(slot, slot.attemptId, slot.body, reply);
            }
        } finally {
            lock.unlock();
        }
        if (listener == null) {
            finish(slot, request, -1, DropReason.SHUTDOWN);
            return;
        }
        boolean started = false;
        try {
            call.start(listener, callHeaders);
            started = true;
            // Two, not one: a second reply message is then read and reported, where with one it
            // would wait unread and hold the call open until its deadline.
            call.request(2);
            // Streams the off-heap bytes into gRPC's framer (PayloadStream.drainTo), usually right here.
            call.sendMessage(listener.body);
            call.halfClose();
        } catch (RuntimeException | Error e) {
            if (started) {
                call.cancel("could not send the request", e); // gRPC then reports onClose(CANCELLED)
            } else {
                listener.onClose(Status.INTERNAL.withDescription("could not start the call").withCause(e), null);
            }
        }
    }

    /**
     * What the transport saw of one attempt's reply, reported by a stream tracer on the event loop:
     * whether the receiver's response headers arrived, and which trailers the receiver sent.
     */
    private static final class ReplyWatch extends ClientStreamTracer.Factory {
        // Volatile: written on the event loop, read in onClose on the executor. gRPC also orders
        // them (it queues onClose after these events), so the volatile only makes that explicit.
        private volatile boolean headersReceived;
        private volatile Metadata receiverTrailers;
        private final ClientStreamTracer tracer = new ClientStreamTracer() {
            @Override
            public void inboundHeaders() {
                headersReceived = true;
            }

            @Override
            public void inboundTrailers(Metadata trailers) {
                receiverTrailers = trailers;
            }
        };

        @Override
        public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
            return tracer;
        }

        /**
         * Whether the call failed because the receiver's reply exceeded the client's inbound limit
         * ({@link #MAX_REPLY_BYTES}): a {@code RESOURCE_EXHAUSTED} that the client made itself after
         * the receiver's response headers had arrived. The receiver's own
         * {@code RESOURCE_EXHAUSTED} (throttling) comes with its trailers: gRPC hands
         * {@code onClose} the receiver's trailers exactly when the status is the receiver's, and
         * fresh ones whenever it made the status itself. Matching the description text instead
         * would break with any gRPC release that rewords it.
         *
         * @param status the call's status
         * @param trailers the trailers {@code onClose} got
         * @return true if the receiver replied and the reply was too large to read
         */
        boolean replyOverLimit(Status status, Metadata trailers) {
            return status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                    && headersReceived
                    && trailers != receiverTrailers;
        }
    }

    /** One attempt's callbacks, on the executor thread. */
    private final class AttemptListener extends ClientCall.Listener<ExportResponse> {
        private final Slot slot;
        private final long attemptId;
        private final PayloadStream body;
        private final ReplyWatch reply;
        /** The reply message; null until one arrives (an OK without one is a full success). */
        private ExportResponse response;

        AttemptListener(Slot slot, long attemptId, PayloadStream body, ReplyWatch reply) {
            this.slot = slot;
            this.attemptId = attemptId;
            this.body = body;
            this.reply = reply;
        }

        @Override
        public void onMessage(ExportResponse message) {
            response = response == null ? message : ExportResponse.unreadable("more than one reply message");
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            body.abandon();
            onAttemptClosed(slot, attemptId, status, trailers,
                    response == null ? ExportResponse.FULL_SUCCESS : response, reply.replyOverLimit(status, trailers));
        }
    }

    /**
     * @param replyOverLimit the receiver replied, but too much to read: delivered, whatever the status
     */
    private void onAttemptClosed(Slot slot, long attemptId, Status status, Metadata trailers, ExportResponse response,
                                 boolean replyOverLimit) {
        boolean delivered = status.isOk() || replyOverLimit;
        long serverDelayNanos = delivered
                ? RetryableStatus.NO_RETRY_INFO
                : RetryableStatus.serverRetryDelayNanos(status, trailers);
        DropReason failure = null;
        String failureMessage = null;
        ExportRequest request;
        lock.lock();
        try {
            if (slot.attemptId != attemptId || slot.request == null) {
                return; // stale: this slot's request was completed by shutdown
            }
            slot.call = null;
            request = slot.request;
            if (!delivered) {
                if (cut) {
                    failure = DropReason.SHUTDOWN;
                } else if (!RetryableStatus.isRetryable(status.getCode(), serverDelayNanos >= 0)) {
                    failure = DropReason.EXPORT_FAILED;
                    failureMessage = "not retryable";
                } else if (slot.attempts >= retryPolicy.maxAttempts()) {
                    failure = DropReason.EXPORT_FAILED;
                    failureMessage = "gave up after " + slot.attempts + " attempts";
                } else {
                    long waitNanos = retryPolicy.waitNanos(slot.attempts, serverDelayNanos);
                    long retryAt = System.nanoTime() + Math.min(waitNanos, Long.MAX_VALUE / 4);
                    if (waitNanos > retryPolicy.maxElapsedNanos()
                            || retryAt - slot.firstAttemptNanos > retryPolicy.maxElapsedNanos()) {
                        failure = DropReason.EXPORT_FAILED;
                        failureMessage = "retry budget of " + retryPolicy.maxElapsed() + " used up";
                    } else if (shuttingDown && retryAt - shutdownDeadlineNanos > 0) {
                        failure = DropReason.SHUTDOWN; // the retry could only start after the deadline
                    } else if (scheduleRetry(slot, waitNanos, retryAt)) {
                        return; // the buffer stays in flight until the retry's outcome
                    } else {
                        failure = DropReason.SHUTDOWN;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (failure == null) {
            if (replyOverLimit) {
                if (unreadableReplyLog.tryAcquire(WARNING)) {
                    unreadableReplyLog.logAcquired(WARNING, "OTLP receiver " + target + " replied to " + request.spanCount()
                            + " " + ExportMethod.itemsOf(request.signal()) + " with a reply larger than the " + MAX_REPLY_BYTES + " bytes the exporter reads ("
                            + status.getCode() + ": " + ReceiverText.forLog(status.getDescription())
                            + "); a reply means the receiver has the request: counted as exported, not sent again");
                }
                finish(slot, 0, null);
                return;
            }
            if (response.problem != null && unreadableReplyLog.tryAcquire(WARNING)) {
                unreadableReplyLog.logAcquired(WARNING, "OTLP receiver " + target + " answered OK to " + request.spanCount()
                        + " " + ExportMethod.itemsOf(request.signal()) + " with a reply that is not a valid " + ExportMethod.responseOf(request.signal()) + " (" + response.problem
                        + "); the receiver has the request: counted as exported, not sent again");
            }
            if (!response.errorMessage.isEmpty() && rejectionLog.tryAcquire(WARNING)) {
                rejectionLog.logAcquired(WARNING, "OTLP receiver " + target + " rejected " + response.rejectedSpans + " of "
                        + request.spanCount() + " " + ExportMethod.itemsOf(request.signal()) + ": " + response.errorMessage);
            }
            finish(slot, response.rejectedSpans, null);
            return;
        }
        if (failureMessage != null && failureLog.tryAcquire(WARNING)) {
            failureLog.logAcquired(WARNING, describeFailure(status, request, failureMessage));
        }
        finish(slot, -1, failure);
    }

    /** Under the lock: arms the slot's retry timer; false if the executor is gone. */
    private boolean scheduleRetry(Slot slot, long waitNanos, long retryAt) {
        long attemptId = slot.attemptId;
        try {
            slot.retryAtNanos = retryAt;
            slot.retryTimer = executor.schedule(() -> retryNow(slot, attemptId), waitNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            slot.retryTimer = null;
            return false;
        }
    }

    private void retryNow(Slot slot, long attemptId) {
        ExportRequest request;
        lock.lock();
        try {
            if (slot.attemptId != attemptId || slot.request == null || slot.retryTimer == null) {
                return; // cut by shutdown meanwhile
            }
            slot.retryTimer = null;
            request = slot.request;
        } finally {
            lock.unlock();
        }
        request.retrying();
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff(); // a retry is due: try to connect now, not at gRPC's next backoff
        }
        startAttempt(slot, request);
    }

    /**
     * Completes the slot's request exactly once and moves the slot on to the next waiting request
     * (or frees it). {@code rejectedSpans} &gt;= 0 means success; otherwise {@code reason} applies.
     */
    private void finish(Slot slot, long rejectedSpans, DropReason reason) {
        finish(slot, null, rejectedSpans, reason);
    }

    /** As {@link #finish(Slot, long, DropReason)}, if the slot still carries {@code expected} (null: any). */
    private void finish(Slot slot, ExportRequest expected, long rejectedSpans, DropReason reason) {
        ExportRequest request;
        ExportRequest next = null;
        lock.lock();
        try {
            request = slot.request;
            if (request == null || (expected != null && request != expected)) {
                return; // already completed (shutdown raced with the call's end)
            }
            slot.release();
            if (!cut) {
                next = waiting.pollFirst();
            }
            if (next != null) {
                slot.assign(next);
            } else {
                freeSlots[freeCount++] = slot;
                if (freeCount == slots.length && waiting.isEmpty()) {
                    idle.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
        complete(request, rejectedSpans, reason);
        if (next != null) {
            startAttempt(slot, next);
        }
    }

    private static void complete(ExportRequest request, long rejectedSpans, DropReason reason) {
        try {
            if (reason == null) {
                request.succeeded(rejectedSpans);
            } else {
                request.failed(reason);
            }
        } catch (RuntimeException e) {
            // The engine's completion is its own business; one bug there must not stop the exporter.
            LOG.log(System.Logger.Level.ERROR, "completing an export request failed", e);
        }
    }

    private String describeFailure(Status status, ExportRequest request, String what) {
        StringBuilder message = new StringBuilder(160)
                .append("OTLP export of ").append(request.spanCount()).append(' ').append(ExportMethod.itemsOf(request.signal()))
                .append(" to ").append(target)
                .append(" failed (").append(what).append("): ").append(status.getCode());
        if (status.getDescription() != null) {
            message.append(": ").append(ReceiverText.forLog(status.getDescription()));
        }
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            message.append(". Is an OTLP/gRPC receiver listening at ").append(target)
                    .append(" (and does its TLS setting match the endpoint's scheme)?");
        } else if (status.getCode() == Status.Code.UNIMPLEMENTED) {
            message.append(". The receiver does not serve this OTLP/gRPC signal: is this an OTLP/HTTP port (4318)?");
        }
        return message.append("; the ").append(ExportMethod.itemsOf(request.signal())).append(" are dropped").toString();
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * @return the most calls this exporter keeps in flight ({@code maxInFlight(int)} of its builder):
     *     the engine keeps one request buffer more than this by default
     */
    @Override
    public int maxInFlight() {
        return slots.length;
    }

    /**
     * Finishes what is in flight and waiting until {@code deadlineNanoTime}, then completes whatever
     * is left with {@link DropReason#SHUTDOWN} and stops the channel and the threads. Returns once
     * every request handed to this exporter has been completed (at most about half a second after
     * the deadline, while gRPC reports the calls cancelled at the deadline) and the event loop and
     * executor threads have stopped; a name lookup still blocking the offload thread is not waited
     * for past the deadline (that thread ends when the lookup returns). Later calls return at once.
     *
     * @param deadlineNanoTime the {@link System#nanoTime()} by which to be done
     */
    @Override
    public void shutdown(long deadlineNanoTime) {
        List<Slot> cutRetries = new ArrayList<>();
        lock.lock();
        try {
            if (shuttingDown) {
                return;
            }
            shuttingDown = true;
            shutdownDeadlineNanos = deadlineNanoTime;
            for (Slot slot : slots) {
                // A retry that would start after the deadline can never finish in time: cut it now.
                if (slot.retryTimer != null && slot.retryAtNanos - deadlineNanoTime > 0) {
                    slot.retryTimer.cancel(false);
                    slot.retryTimer = null;
                    cutRetries.add(slot);
                }
            }
        } finally {
            lock.unlock();
        }
        for (Slot slot : cutRetries) {
            finish(slot, -1, DropReason.SHUTDOWN);
        }

        if (!awaitIdle(deadlineNanoTime)) {
            cutAtDeadline();
            if (!awaitIdle(System.nanoTime() + CANCEL_GRACE_NANOS)) {
                for (Slot slot : slots) {
                    finish(slot, -1, DropReason.SHUTDOWN); // no-op for slots already completed
                }
            }
        }
        stopThreads(deadlineNanoTime);
    }

    private boolean awaitIdle(long deadlineNanoTime) {
        lock.lock();
        try {
            while (freeCount < slots.length || !waiting.isEmpty()) {
                long left = deadlineNanoTime - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The deadline passed: drop the waiting requests, cut retry timers, cancel calls in flight. */
    private void cutAtDeadline() {
        List<ExportRequest> dropped = new ArrayList<>();
        List<Slot> timerSlots = new ArrayList<>();
        List<ClientCall<?, ?>> calls = new ArrayList<>();
        lock.lock();
        try {
            cut = true;
            dropped.addAll(waiting);
            waiting.clear();
            for (Slot slot : slots) {
                if (slot.retryTimer != null) {
                    slot.retryTimer.cancel(false);
                    slot.retryTimer = null;
                    timerSlots.add(slot);
                } else if (slot.call != null) {
                    calls.add(slot.call);
                }
            }
        } finally {
            lock.unlock();
        }
        for (ExportRequest request : dropped) {
            complete(request, -1, DropReason.SHUTDOWN);
        }
        for (Slot slot : timerSlots) {
            finish(slot, -1, DropReason.SHUTDOWN);
        }
        for (ClientCall<?, ?> call : calls) {
            call.cancel("exporter shut down at its deadline", null); // onClose then completes it as SHUTDOWN
        }
    }

    /**
     * Stops the channel and every thread. The event loop and the executor run no blocking code, so
     * they end at once and are joined. The offload thread may be inside a name lookup that the JDK
     * cannot interrupt (it waits out DNS timeouts of seconds): it is waited for only until the
     * shutdown deadline (at least briefly, so that an idle one is joined); a lookup still running
     * then ends on its own, and its thread, whose executor is shut down, runs nothing after it.
     */
    private void stopThreads(long deadlineNanoTime) {
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
            join(ownThreads, System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
            join(offloadThreads, System.nanoTime() + Math.max(deadlineNanoTime - System.nanoTime(), OFFLOAD_JOIN_MIN_NANOS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(List<Thread> recorded, long deadlineNanoTime) throws InterruptedException {
        List<Thread> threads;
        synchronized (recorded) {
            threads = new ArrayList<>(recorded);
        }
        for (Thread thread : threads) {
            long left = deadlineNanoTime - System.nanoTime();
            if (left > 0 && thread != Thread.currentThread()) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    // ------------------------------------------------------------------ observation

    /** @return the gRPC target the exporter connects to, e.g. {@code localhost:4317} */
    public String target() {
        return target;
    }

    /** @return requests in a call or waiting for a retry (at most {@code maxInFlight}) */
    public int inFlightRequests() {
        lock.lock();
        try {
            return slots.length - freeCount;
        } finally {
            lock.unlock();
        }
    }

    /** @return requests waiting for a free in-flight slot */
    public int waitingRequests() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "OtlpGrpcSpanExporter[" + target + ", maxInFlight=" + slots.length + ", timeout="
                + Duration.ofNanos(timeoutNanos) + ", " + retryPolicy + "]";
    }

    /**
     * One of the {@code maxInFlight} call slots: the request it carries, its attempt state and its
     * reusable copy chunk. All fields are guarded by the exporter's lock; the chunk is lent by CAS.
     */
    private static final class Slot {
        final PayloadStream.CopyChunk chunk = new PayloadStream.CopyChunk();
        /** Starts this slot's next attempt; set once by the exporter. */
        Runnable starter;
        ExportRequest request;
        Bytes<?> payload;
        long payloadStart;
        long payloadEnd;
        /** The current attempt's body. */
        PayloadStream body;
        int attempts;
        long firstAttemptNanos;
        /** Increases with each attempt, so a late callback of an older attempt is recognised. */
        long attemptId;
        ClientCall<PayloadStream, ExportResponse> call;
        ScheduledFuture<?> retryTimer;
        long retryAtNanos;

        void assign(ExportRequest next) {
            Bytes<?> nextPayload = next.payload();
            assign(next, nextPayload, nextPayload.readPosition(), nextPayload.readLimit());
        }

        void assign(ExportRequest next, Bytes<?> nextPayload, long start, long end) {
            request = next;
            payload = nextPayload;
            payloadStart = start;
            payloadEnd = end;
            attempts = 0;
        }

        void release() {
            if (body != null) {
                body.abandon();
            }
            request = null;
            payload = null;
            body = null;
            call = null;
            retryTimer = null;
            attempts = 0;
            attemptId++; // a late callback of the released attempt is then recognised as stale
        }
    }
}
