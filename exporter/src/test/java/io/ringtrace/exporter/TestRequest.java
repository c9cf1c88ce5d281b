package io.ringtrace.exporter;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.openhft.chronicle.bytes.Bytes;

/**
 * A test {@link ExportRequest}: one OTLP request in an off-heap buffer, recording how the exporter
 * completed it and failing loudly on a second completion (the SPI's exactly-once rule).
 */
final class TestRequest implements ExportRequest {

    private final Bytes<?> payload;
    private final int spanCount;
    private final Signal signal;
    private final CountDownLatch completed = new CountDownLatch(1);
    private final AtomicInteger completions = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private volatile long rejectedSpans = -1;
    private volatile DropReason failure;
    private volatile long completedAtNanos;

    TestRequest(Bytes<?> payload, int spanCount) {
        this(payload, spanCount, Signal.TRACES);
    }

    TestRequest(Bytes<?> payload, int spanCount, Signal signal) {
        this.payload = payload;
        this.spanCount = spanCount;
        this.signal = signal;
    }

    @Override
    public Signal signal() {
        return signal;
    }

    @Override
    public Bytes<?> payload() {
        return payload;
    }

    @Override
    public int spanCount() {
        return spanCount;
    }

    @Override
    public void retrying() {
        if (completions.get() != 0) {
            throw new IllegalStateException("retrying() after completion");
        }
        retries.incrementAndGet();
    }

    @Override
    public void succeeded(long rejected) {
        if (completions.incrementAndGet() != 1) {
            throw new IllegalStateException("completed twice");
        }
        rejectedSpans = rejected;
        completedAtNanos = System.nanoTime();
        completed.countDown();
    }

    @Override
    public void failed(DropReason reason) {
        if (completions.incrementAndGet() != 1) {
            throw new IllegalStateException("completed twice");
        }
        failure = reason;
        completedAtNanos = System.nanoTime();
        completed.countDown();
    }

    /** Waits for the completion; fails the test if it does not come in time. */
    TestRequest await(Duration timeout) throws InterruptedException {
        if (!completed.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new AssertionError("request not completed within " + timeout);
        }
        return this;
    }

    boolean isCompleted() {
        return completed.getCount() == 0;
    }

    int completions() {
        return completions.get();
    }

    int retries() {
        return retries.get();
    }

    /** @return the rejected count of a success, or -1 if it failed */
    long rejectedSpans() {
        return rejectedSpans;
    }

    /** @return the drop reason of a failure, or null if it succeeded */
    DropReason failure() {
        return failure;
    }

    long completedAtNanos() {
        return completedAtNanos;
    }

    boolean succeeded() {
        return isCompleted() && failure == null;
    }
}
