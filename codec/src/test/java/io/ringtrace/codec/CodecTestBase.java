package io.ringtrace.codec;

import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.io.AbstractReferenceCounted;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base for codec tests that use Chronicle {@link Bytes}: traces every reference-counted Chronicle
 * resource created during a test and, after it, releases the buffers the test took from {@link
 * #directBuffer(int)} and asserts that nothing else is left unreleased (a leak of off-heap memory).
 */
abstract class CodecTestBase {

    private final List<Bytes<?>> buffers = new ArrayList<>();

    @BeforeEach
    void enableChronicleTracing() {
        AbstractReferenceCounted.enableReferenceTracing();
    }

    @AfterEach
    void assertChronicleReleased() {
        for (Bytes<?> b : buffers) {
            b.singleThreadedCheckReset();
            b.releaseLast();
        }
        buffers.clear();
        try {
            AbstractReferenceCounted.assertReferencesReleased();
        } finally {
            AbstractReferenceCounted.disableReferenceTracing();
        }
    }

    /** A fixed-capacity off-heap buffer released after the test. */
    Bytes<?> directBuffer(int capacity) {
        Bytes<?> b = Bytes.allocateDirect(capacity);
        buffers.add(b);
        return b;
    }

    /** The readable bytes of a sealed request. */
    static byte[] readable(Bytes<?> b) {
        byte[] out = new byte[(int) b.readRemaining()];
        long p = b.readPosition();
        for (int i = 0; i < out.length; i++) {
            out[i] = b.readByte(p + i);
        }
        return out;
    }
}
