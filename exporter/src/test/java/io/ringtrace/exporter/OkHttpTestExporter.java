package io.ringtrace.exporter;

import io.ringtrace.codec.RequestBufferViews;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.openhft.chronicle.bytes.Bytes;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSink;

/**
 * OTLP/HTTP over OkHttp 5 (the OpenTelemetry SDK sender's client) on the exporter's export stage, to
 * compare HTTP clients by the bytes they allocate per request. Test-only: what OkHttp would cost as a
 * transport, written the way that allocates least (one prepared {@link Request} and one reused body per
 * slot, the body written from a direct view of the off-heap buffer into Okio's pooled segments, one
 * reused callback per slot). Its threads: a two-thread dispatcher ({@code ringtrace-otlp-okhttp-*})
 * and OkHttp's own task runner ({@code OkHttp TaskRunner}).
 */
final class OkHttpTestExporter extends TransportExporter {

    private static final MediaType PROTOBUF = MediaType.get("application/x-protobuf");

    private final OkHttpClient client;
    private final ExecutorService dispatcherThreads;
    private final ScheduledThreadPoolExecutor executor;
    private final InFlightRequests<SlotState> requests;

    OkHttpTestExporter(String tracesUrl, int maxInFlight, RetryPolicy retryPolicy) {
        AtomicInteger number = new AtomicInteger();
        this.dispatcherThreads = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "ringtrace-otlp-okhttp-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "ringtrace-otlp-okhttp-timer");
            thread.setDaemon(true);
            return thread;
        });
        Dispatcher dispatcher = new Dispatcher(dispatcherThreads);
        dispatcher.setMaxRequestsPerHost(maxInFlight);
        this.client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .protocols(List.of(Protocol.HTTP_1_1))
                .callTimeout(Duration.ofSeconds(10))
                .retryOnConnectionFailure(false)
                .build();
        this.requests = new InFlightRequests<>(new OkHttpTransport(tracesUrl), maxInFlight, retryPolicy, executor, false,
                System.getLogger(OkHttpTestExporter.class.getName()));
    }

    @Override
    InFlightRequests<?> requests() {
        return requests;
    }

    @Override
    void stopTransport(long deadlineNanoTime) {
        executor.shutdownNow();
        dispatcherThreads.shutdownNow();
        client.connectionPool().evictAll();
        try {
            dispatcherThreads.awaitTermination(2, TimeUnit.SECONDS);
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A slot's prepared request, its reused body and callback. */
    static final class SlotState extends RequestBody implements Callback {
        final RequestBufferViews views = new RequestBufferViews();
        Request request;
        volatile Bytes<?> payload;
        volatile long start;
        volatile long end;
        volatile ExportSlot<SlotState> slot;
        volatile long attemptId;

        @Override
        public MediaType contentType() {
            return PROTOBUF;
        }

        @Override
        public long contentLength() {
            return end - start;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            Bytes<?> current = payload;
            if (current == null) {
                throw new IOException("the export attempt has already ended");
            }
            long base = current.start();
            ByteBuffer view = views.view(current, (int) (end - base));
            view.limit((int) (end - base)).position((int) (start - base));
            while (view.hasRemaining()) {
                sink.write(view);
            }
        }

        @Override
        public void onFailure(Call call, IOException e) {
            slot.failed(attemptId, true, RetryableStatus.NO_RETRY_INFO, (request, decision) -> "failed: " + e);
        }

        @Override
        public void onResponse(Call call, Response response) {
            try (ResponseBody body = response.body()) {
                int status = response.code();
                if (status >= 200 && status < 300) {
                    if (body.contentLength() == 0) {
                        slot.delivered(attemptId, ExportResponse.FULL_SUCCESS, HttpTransport.successAnswer(status));
                    } else {
                        slot.delivered(attemptId, ExportResponse.parse(body.byteStream()), HttpTransport.successAnswer(status));
                    }
                } else {
                    slot.failed(attemptId, HttpTransport.isRetryable(status),
                            HttpTransport.retryAfterNanos(response.header("Retry-After")), (request, decision) -> "HTTP " + status);
                }
            } catch (RuntimeException e) {
                slot.failed(attemptId, false, RetryableStatus.NO_RETRY_INFO, (request, decision) -> "failed: " + e);
            }
        }
    }

    private final class OkHttpTransport implements Transport<SlotState> {
        private final String url;

        OkHttpTransport(String url) {
            this.url = url;
        }

        @Override
        public SlotState newSlotState() {
            SlotState state = new SlotState();
            state.request = new Request.Builder().url(url)
                    .header("User-Agent", "ringtrace-otlp-exporter")
                    .post(state)
                    .build();
            return state;
        }

        @Override
        public void arm(SlotState state, ExportSlot<SlotState> slot, long attemptId) {
            state.start = slot.payloadStart();
            state.end = slot.payloadEnd();
            state.payload = slot.payload();
        }

        @Override
        public void send(ExportSlot<SlotState> slot, long attemptId, ExportRequest request) {
            SlotState state = slot.state();
            state.slot = slot;
            state.attemptId = attemptId;
            client.newCall(state.request).enqueue(state);
        }

        @Override
        public void release(SlotState state) {
            state.payload = null;
        }

        @Override
        public String destination(Signal signal) {
            return url;
        }
    }
}
