package io.ringtrace.engine.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition against a deadline, for tests: it returns as soon as the condition holds
 * (so a fast machine does not wait for a fixed time) and fails with a message naming what did not
 * happen (so a slow one does not pass a check that never ran). Polls every millisecond.
 */
public final class Await {

    private static final long POLL_NANOS = 1_000_000;

    private Await() {}

    /**
     * @param what what the test waits for, for the failure message
     * @param timeout how long to wait at most
     * @param condition checked until it returns true
     * @throws AssertionError if the condition still does not hold after the timeout
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(() -> what, timeout, condition);
    }

    /**
     * @param what what the test waits for, built only on failure (e.g. with the state seen)
     * @param timeout how long to wait at most
     * @param condition checked until it returns true
     * @throws AssertionError if the condition still does not hold after the timeout
     */
    public static void until(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
