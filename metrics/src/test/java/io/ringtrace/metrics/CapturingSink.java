package io.ringtrace.metrics;

import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;

/** A test sink: one reusable off-heap buffer; each sealed request is copied out (or only counted). */
final class CapturingSink implements MetricsEncoder.Sink, AutoCloseable {

    private final Bytes<?> buffer;
    private final boolean copy;
    final List<byte[]> requests = new ArrayList<>();
    long points;
    int sealed;

    CapturingSink(int capacity, boolean copy) {
        this.buffer = Bytes.allocateDirect(capacity);
        this.buffer.singleThreadedCheckDisabled(true);
        this.copy = copy;
    }

    @Override
    public Bytes<?> take() {
        buffer.clear();
        return buffer;
    }

    @Override
    public void sealed(Bytes<?> b, int n) {
        points += n;
        sealed++;
        if (copy) {
            byte[] bytes = new byte[(int) b.readRemaining()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = b.readByte(b.readPosition() + i);
            }
            requests.add(bytes);
        }
    }

    @Override
    public void unused(Bytes<?> b) {
    }

    @Override
    public void close() {
        buffer.releaseLast();
    }
}
