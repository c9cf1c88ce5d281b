package io.ringtrace.exporter;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;
import java.util.concurrent.TimeUnit;

/**
 * OTLP/gRPC as a {@link Transport}: one attempt is one unary {@code <Signal>Service/Export} call on
 * the exporter's channel, its body streamed from the off-heap buffer ({@link PayloadStream}), its
 * reply decoded by hand ({@link ExportResponse}). Maps the call's status to the OTLP/gRPC retry
 * table ({@link RetryableStatus}), with {@code RetryInfo} as the receiver's throttling delay.
 *
 * <p>A reply the exporter cannot read still means the receiver has the request: an OK status with
 * a body that is not a valid response, or a reply larger than {@link ExportResponse#MAX_REPLY_BYTES}
 * (the channel's inbound limit), is reported delivered.
 */
final class GrpcTransport implements Transport<GrpcTransport.SlotState> {

    private static final System.Logger LOG = System.getLogger(OtlpGrpcSpanExporter.class.getName());

    private final ManagedChannel channel;
    private final String target;
    private final Metadata headers;
    private final CallOptions callOptions;
    private final long timeoutNanos;

    /**
     * @param channel the channel calls go out on (owned by the exporter)
     * @param target the channel's target, for log lines
     * @param headers sent with every call (copied into each slot's own {@link Metadata})
     * @param callOptions compression and wait-for-ready; each slot adds its stream tracer, each call its deadline
     * @param timeoutNanos each attempt's deadline
     */
    GrpcTransport(ManagedChannel channel, String target, Metadata headers, CallOptions callOptions, long timeoutNanos) {
        this.channel = channel;
        this.target = target;
        this.headers = headers;
        this.callOptions = callOptions;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * What a slot reuses from attempt to attempt: its copy chunk, its reply watch and the call
     * options that carry it, and its request headers. A slot has one attempt at a time, and each
     * attempt's stream is done with these (headers sent, tracer events reported) before its
     * {@code onClose}, after which alone the slot's next attempt is armed.
     */
    static final class SlotState {
        final PayloadStream.CopyChunk chunk = new PayloadStream.CopyChunk();
        final ReplyWatch reply = new ReplyWatch();
        /** The exporter's call options with {@link #reply} as stream tracer; each call adds its deadline. */
        final CallOptions callOptions;
        /**
         * The request headers: gRPC adds its own (encodings, timeout) to the {@link Metadata} it is
         * given, replacing them on the next call, so one per slot keeps the exporter's unchanged.
         */
        final Metadata headers = new Metadata();
        /** The current attempt's body; written under the stage's lock, read by the thread that sends it. */
        PayloadStream body;

        SlotState(CallOptions exporterOptions, Metadata exporterHeaders) {
            this.callOptions = exporterOptions.withStreamTracerFactory(reply);
            this.headers.merge(exporterHeaders);
        }
    }

    @Override
    public SlotState newSlotState() {
        return new SlotState(callOptions, headers);
    }

    @Override
    public void arm(SlotState state, ExportSlot<SlotState> slot, long attemptId) {
        state.body = new PayloadStream(state.chunk, slot.payload(), slot.payloadStart(), slot.payloadEnd());
        state.reply.reset();
    }

    @Override
    public void release(SlotState state) {
        if (state.body != null) {
            state.body.abandon(); // waits out a copy in progress (one chunk): no read after this returns
        }
    }

    @Override
    public void beforeRetry() {
        if (receiverUnreachable()) {
            channel.resetConnectBackoff(); // a retry is due: try to connect now, not at gRPC's next backoff
        }
    }

    /**
     * The channel is in {@code TRANSIENT_FAILURE}: it could not connect and waits for its connect
     * backoff, so wait-for-ready calls wait for a connection. With {@code round_robin} this holds only
     * when no address is reachable.
     */
    @Override
    public boolean receiverUnreachable() {
        return channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE;
    }

    @Override
    public String destination(Signal signal) {
        return target;
    }

    @Override
    public void send(ExportSlot<SlotState> slot, long attemptId, ExportRequest request) {
        SlotState state = slot.state();
        PayloadStream body = state.body; // armed for this attempt by this thread, under the stage's lock
        ReplyWatch reply = state.reply;
        CallOptions options = state.callOptions;
        if (request instanceof SpooledRequest) {
            options = replayOptions(options);
        }
        ClientCall<PayloadStream, ExportResponse> call;
        try {
            call = channel.newCall(ExportMethod.forSignal(request.signal()),
                    options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "could not create an OTLP export call", e);
            slot.failed(attemptId, false, RetryableStatus.NO_RETRY_INFO,
                    (dropped, decision) -> describeFailure(Status.INTERNAL.withCause(e), dropped, decision));
            return;
        }
        AttemptListener listener = new AttemptListener(slot, attemptId, body, reply);
        boolean started = false;
        try {
            call.start(listener, state.headers);
            started = true;
            listener.call = call;
            slot.track(attemptId, listener);
            // Two, not one: a second reply message is then read and reported, where with one it
            // would wait unread and hold the call open until its deadline.
            call.request(2);
            // Streams the off-heap bytes into gRPC's framer (PayloadStream.drainTo), usually right here.
            call.sendMessage(body);
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
     * A replay of a spooled request goes out only on a connection that is up, never waiting for one:
     * a call that waits for the connection keeps its deadline running, and when gRPC reconnects on
     * its own backoff just before that deadline, the receiver gets the request and the deadline
     * passes before its answer; the record would then be replayed again, a duplicate. Failing at once
     * instead, the replay is retried (and put back) like any failed attempt; the connect backoff is
     * reset first, so the connection is made now, and the next try finds it up.
     */
    private CallOptions replayOptions(CallOptions options) {
        beforeRetry();
        return options.withoutWaitForReady();
    }

    /**
     * What the transport saw of one attempt's reply, reported by a stream tracer on the event loop:
     * whether the receiver's response headers arrived, and which trailers the receiver sent. One
     * per slot, reset when an attempt is armed.
     */
    static final class ReplyWatch extends ClientStreamTracer.Factory {
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

        /** Forgets the previous attempt's reply; called under the stage's lock before the attempt starts. */
        void reset() {
            headersReceived = false;
            receiverTrailers = null;
        }

        @Override
        public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
            return tracer;
        }

        /**
         * Whether the call failed because the receiver's reply exceeded the client's inbound limit
         * ({@link ExportResponse#MAX_REPLY_BYTES}): a {@code RESOURCE_EXHAUSTED} that the client made
         * itself after the receiver's response headers had arrived. The receiver's own
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

    /** One attempt's callbacks, on the executor thread, and its cancel handle for a shutdown deadline. */
    private final class AttemptListener extends ClientCall.Listener<ExportResponse> implements Cancellable {
        private final ExportSlot<SlotState> slot;
        private final long attemptId;
        private final PayloadStream body;
        private final ReplyWatch reply;
        /** Set once the call has started, before the attempt is tracked (and so can be cancelled). */
        private volatile ClientCall<?, ?> call;
        /** The reply message; null until one arrives (an OK without one is a full success). */
        private ExportResponse response;

        AttemptListener(ExportSlot<SlotState> slot, long attemptId, PayloadStream body, ReplyWatch reply) {
            this.slot = slot;
            this.attemptId = attemptId;
            this.body = body;
            this.reply = reply;
        }

        @Override
        public void cancel() {
            ClientCall<?, ?> started = call;
            if (started != null) {
                started.cancel("exporter shut down at its deadline", null); // onClose then reports it
            }
        }

        @Override
        public void onMessage(ExportResponse message) {
            response = response == null ? message : ExportResponse.unreadable("more than one reply message");
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            body.abandon();
            if (status.isOk()) {
                slot.delivered(attemptId, response == null ? ExportResponse.FULL_SUCCESS : response, "OK");
            } else if (reply.replyOverLimit(status, trailers)) {
                slot.deliveredUnread(attemptId, status.getCode() + ": " + ReceiverText.forLog(status.getDescription()));
            } else {
                long serverDelayNanos = RetryableStatus.serverRetryDelayNanos(status, trailers);
                slot.failed(attemptId, RetryableStatus.isRetryable(status.getCode(), serverDelayNanos >= 0),
                        serverDelayNanos, (request, decision) -> describeFailure(status, request, decision));
            }
        }
    }

    private String describeFailure(Status status, ExportRequest request, String decision) {
        StringBuilder message = new StringBuilder(160)
                .append("OTLP export of ").append(request.spanCount()).append(' ').append(ExportMethod.itemsOf(request.signal()))
                .append(" to ").append(target)
                .append(" failed (").append(decision).append("): ").append(status.getCode());
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
}
