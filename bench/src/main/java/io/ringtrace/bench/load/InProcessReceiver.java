package io.ringtrace.bench.load;

import io.ringtrace.testkit.OtlpReceiver;

/** The receiver in the load tool's own JVM: for the smoke mode only (its decoding shares the heap). */
final class InProcessReceiver implements Receiver {

    private final OtlpReceiver receiver = OtlpReceiver.builder().countOnly().start();

    @Override
    public String endpoint() {
        return receiver.endpoint();
    }

    @Override
    public long spanCount() {
        return receiver.spanCount();
    }

    @Override
    public void stop() {
        receiver.stop();
    }

    @Override
    public void start() {
        if (!receiver.isRunning()) {
            receiver.startServing();
        }
    }

    @Override
    public void close() {
        receiver.close();
    }
}
