package io.ringtrace.exporter;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * What an OTLP/HTTP receiver sent back: at most {@link ExportResponse#MAX_REPLY_BYTES} of the body,
 * the rest discarded unread into memory. An empty body (the common full success) is one shared
 * instance.
 */
final class HttpReply {

    static final HttpReply EMPTY = new HttpReply(new byte[0], 0, false);

    /** Collects each reply's body up to the limit; stateless, so one serves every request. */
    static final HttpResponse.BodyHandler<HttpReply> HANDLER = info -> new Collector();

    final byte[] bytes;
    final int length;
    /** The body was longer than the limit and was cut. */
    final boolean overLimit;

    HttpReply(byte[] bytes, int length, boolean overLimit) {
        this.bytes = bytes;
        this.length = length;
        this.overLimit = overLimit;
    }

    /** @return the body as an {@code ExportTraceServiceResponse} (or the other signals' alike) */
    ExportResponse exportResponse() {
        return length == 0 ? ExportResponse.FULL_SUCCESS : ExportResponse.parse(new ByteArrayInputStream(bytes, 0, length));
    }

    /** @return the {@code google.rpc.Status} message of an error reply, fit for a log line; empty if none */
    String statusMessage() {
        if (length == 0) {
            return "";
        }
        try {
            com.google.rpc.Status status = com.google.rpc.Status.parseFrom(new ByteArrayInputStream(bytes, 0, length));
            return ReceiverText.forLog(status.getMessage());
        } catch (InvalidProtocolBufferException | RuntimeException notStatus) {
            return "(the reply body is not a google.rpc.Status)";
        } catch (IOException impossible) {
            return "";
        }
    }

    /** Collects a reply body up to the limit, discarding the rest. */
    private static final class Collector implements HttpResponse.BodySubscriber<HttpReply> {
        private final CompletableFuture<HttpReply> result = new CompletableFuture<>();
        private ByteArrayOutputStream collected;
        private boolean overLimit;

        @Override
        public CompletionStage<HttpReply> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int size = collected == null ? 0 : collected.size();
                int take = Math.min(item.remaining(), ExportResponse.MAX_REPLY_BYTES - size);
                if (take < item.remaining()) {
                    overLimit = true;
                }
                if (take > 0) {
                    if (collected == null) {
                        collected = new ByteArrayOutputStream(Math.min(take, 4096));
                    }
                    for (int i = 0; i < take; i++) {
                        collected.write(item.get());
                    }
                }
                item.position(item.limit());
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            if (collected == null && !overLimit) {
                result.complete(EMPTY);
            } else {
                byte[] body = collected == null ? new byte[0] : collected.toByteArray();
                result.complete(new HttpReply(body, body.length, overLimit));
            }
        }
    }
}
