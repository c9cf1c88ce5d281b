package io.ringtrace.exporter;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;

/**
 * Which failed {@code Export} calls may be retried, per the OTLP specification
 * (opentelemetry-specification, {@code specification/protocol/otlp.md}, "OTLP/gRPC Response &gt;
 * Failures" and "OTLP/gRPC Throttling"):
 *
 * <pre>
 * "The client SHOULD interpret gRPC status codes as retryable or not-retryable according to the
 *  following table:"
 *   CANCELLED yes, UNKNOWN no, INVALID_ARGUMENT no, DEADLINE_EXCEEDED yes, NOT_FOUND no,
 *   ALREADY_EXISTS no, PERMISSION_DENIED no, UNAUTHENTICATED no,
 *   RESOURCE_EXHAUSTED "Only if the server can recover", FAILED_PRECONDITION no, ABORTED yes,
 *   OUT_OF_RANGE yes, UNIMPLEMENTED no, INTERNAL no, UNAVAILABLE yes, DATA_LOSS yes
 * "The client SHOULD interpret RESOURCE_EXHAUSTED code as retryable only if the server signals that
 *  the recovery from resource exhaustion is possible. [...] signaled by the server by returning a
 *  status containing RetryInfo. [...] If no such status is returned, then the RESOURCE_EXHAUSTED
 *  code SHOULD be treated as non-retryable."
 * Throttling: the server returns UNAVAILABLE (or RESOURCE_EXHAUSTED) with a RetryInfo, and "Clients
 *  should wait until retry_delay amount of time has passed since receiving the error response
 *  before retrying."
 * </pre>
 *
 * <p>A partial success is a success and is never retried ("The client MUST NOT retry the request
 * when it receives a partial success response").
 */
final class RetryableStatus {

    /** {@link #serverRetryDelayNanos} when the trailers carry no {@code RetryInfo}. */
    static final long NO_RETRY_INFO = -1;

    private RetryableStatus() {}

    /**
     * @param code the call's status code (not OK)
     * @param hasRetryInfo whether the trailers carry a {@code google.rpc.RetryInfo}
     * @return whether the spec allows retrying
     */
    static boolean isRetryable(Status.Code code, boolean hasRetryInfo) {
        switch (code) {
            case CANCELLED:
            case DEADLINE_EXCEEDED:
            case ABORTED:
            case OUT_OF_RANGE:
            case UNAVAILABLE:
            case DATA_LOSS:
                return true;
            case RESOURCE_EXHAUSTED:
                return hasRetryInfo;
            default:
                return false;
        }
    }

    /**
     * Reads {@code RetryInfo.retry_delay} from the {@code grpc-status-details-bin} trailer. Runs only
     * on failed calls, so the protobuf objects it makes are not on the steady-state path.
     *
     * @param status the call's status
     * @param trailers the call's trailers, may be null
     * @return the delay in nanoseconds (&gt;= 0), or {@link #NO_RETRY_INFO}
     */
    static long serverRetryDelayNanos(Status status, Metadata trailers) {
        if (trailers == null) {
            return NO_RETRY_INFO;
        }
        com.google.rpc.Status details;
        try {
            details = StatusProto.fromStatusAndTrailers(status, trailers);
        } catch (RuntimeException malformed) {
            return NO_RETRY_INFO;
        }
        if (details == null) {
            return NO_RETRY_INFO;
        }
        for (Any detail : details.getDetailsList()) {
            if (detail.is(RetryInfo.class)) {
                try {
                    com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
                    if (delay.getSeconds() < 0 || delay.getNanos() < 0) {
                        return 0;
                    }
                    if (delay.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L - 1) {
                        return Long.MAX_VALUE; // absurd, and longer than any retry budget
                    }
                    return delay.getSeconds() * 1_000_000_000L + delay.getNanos();
                } catch (InvalidProtocolBufferException malformed) {
                    return NO_RETRY_INFO;
                }
            }
        }
        return NO_RETRY_INFO;
    }
}
