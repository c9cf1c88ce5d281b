package io.ringtrace.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.core.io.AbstractReferenceCounted;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base class for tests that start engines: after each test it closes what the test registered with
 * {@link #closeAfter(AutoCloseable)}, then fails the test if
 * <ul>
 *   <li>a thread named {@code ringtrace-*} started during the test is still alive (after a grace
 *       period of {@value #GRACE_MILLIS} ms),
 *   <li>a Chronicle reference-counted resource allocated during the test was not released
 *       ({@link AbstractReferenceCounted#assertReferencesReleased()}), or
 *   <li>Chronicle's count of native memory in use differs from before the test.
 * </ul>
 */
public abstract class LeakCheckingTestBase {

    /** How long threads and memory get to settle after the test. */
    protected static final long GRACE_MILLIS = 5_000;

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private Set<Long> threadsBefore;
    private long nativeBefore;

    @BeforeEach
    void recordLeakBaseline() {
        AbstractReferenceCounted.enableReferenceTracing();
        threadsBefore = ringtraceThreadIds();
        nativeBefore = OS.memory().nativeMemoryUsed();
    }

    /**
     * Registers something to close after the test, before the leak checks (last registered, first
     * closed), so a failing test does not leak into the next one.
     *
     * @param resource the resource
     * @param <T> its type
     * @return {@code resource}
     */
    protected <T extends AutoCloseable> T closeAfter(T resource) {
        toClose.push(resource);
        return resource;
    }

    @AfterEach
    void checkForLeaks() throws Exception {
        Exception closeFailure = null;
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                closeFailure = e;
            }
        }
        long deadline = System.currentTimeMillis() + GRACE_MILLIS;
        Set<String> leaked;
        while (!(leaked = leakedThreads()).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        if (!leaked.isEmpty()) {
            fail("threads leaked by the test: " + leaked);
        }
        long nativeNow;
        while ((nativeNow = OS.memory().nativeMemoryUsed()) != nativeBefore && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        try {
            AbstractReferenceCounted.assertReferencesReleased();
        } finally {
            AbstractReferenceCounted.disableReferenceTracing();
        }
        assertEquals(nativeBefore, nativeNow, "native memory in use before vs after the test (bytes)");
        if (closeFailure != null) {
            throw closeFailure;
        }
    }

    private Set<String> leakedThreads() {
        Set<String> leaked = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("ringtrace-") && !threadsBefore.contains(t.getId())) {
                leaked.add(t.getName());
            }
        }
        return leaked;
    }

    private static Set<Long> ringtraceThreadIds() {
        Set<Long> ids = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("ringtrace-")) {
                ids.add(t.getId());
            }
        }
        return ids;
    }
}
