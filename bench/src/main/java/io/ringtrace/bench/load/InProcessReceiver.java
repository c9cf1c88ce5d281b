package io.ringtrace.bench.load;

import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import io.ringtrace.testkit.RecordingReceiver;

/**
 * A count-only testkit receiver in this JVM, for the run's transport: {@link OtlpReceiver} (gRPC) or
 * {@link OtlpHttpReceiver} (HTTP). The load tool runs it here only in smoke mode (its decoding then
 * shares the heap); {@link ReceiverMain} runs it in the receiver JVM.
 */
final class InProcessReceiver implements Receiver {

    private final RecordingReceiver<?, ?> receiver;
    private final String endpoint;

    /**
     * Starts the receiver on 127.0.0.1 and a free port.
     *
     * @param transport {@link RunSpec#TRANSPORT_OTLP} or {@link RunSpec#TRANSPORT_HTTP}
     */
    InProcessReceiver(String transport) {
        if (RunSpec.TRANSPORT_HTTP.equals(transport)) {
            OtlpHttpReceiver http = OtlpHttpReceiver.builder().countOnly().start();
            receiver = http;
            endpoint = http.tracesUrl(); // both systems' HTTP exporters take the traces URL as is
        } else {
            // 2 decode threads: the receiver must not be the bottleneck it is meant to observe
            OtlpReceiver grpc = OtlpReceiver.builder().countOnly().eventLoopThreads(1).executorThreads(2).start();
            receiver = grpc;
            endpoint = grpc.endpoint();
        }
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public long spanCount() {
        return receiver.spanCount();
    }

    @Override
    public long logRecordCount() {
        return receiver.logRecordCount();
    }

    @Override
    public void stop() {
        receiver.stop();
    }

    @Override
    public void start() {
        receiver.startServing(); // a no-op while serving
    }

    @Override
    public void close() {
        receiver.close();
    }
}
