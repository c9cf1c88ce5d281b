package io.ringtrace.engine.internal.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

    @Test
    void oneMessagePerIntervalPassesAndTheNextOneCountsTheSuppressed() {
        CapturingLogger logger = new CapturingLogger();
        RateLimitedLog log = new RateLimitedLog(logger, TimeUnit.HOURS.toNanos(1));
        assertTrue(log.log(Level.WARNING, "first"));
        assertFalse(log.log(Level.WARNING, "second"));
        assertFalse(log.log(Level.WARNING, "third"));
        assertEquals(2, log.suppressed());
        assertEquals(List.of("WARNING first"), logger.messages);

        RateLimitedLog everyTime = new RateLimitedLog(logger, 0);
        assertTrue(everyTime.log(Level.INFO, "a"));
        assertTrue(everyTime.log(Level.INFO, "b"));
        assertEquals(List.of("WARNING first", "INFO a", "INFO b"), logger.messages);
    }

    @Test
    void aCallerBuildsItsMessageOnlyWhenItMayLogIt() {
        CapturingLogger logger = new CapturingLogger();
        RateLimitedLog log = new RateLimitedLog(logger, 0);
        assertTrue(log.tryAcquire(Level.WARNING));
        log.logAcquired(Level.WARNING, "built after the claim");
        assertEquals(List.of("WARNING built after the claim"), logger.messages);

        RateLimitedLog hourly = new RateLimitedLog(logger, TimeUnit.HOURS.toNanos(1));
        assertTrue(hourly.tryAcquire(Level.WARNING));
        hourly.logAcquired(Level.WARNING, "one");
        int built = 0;
        for (int i = 0; i < 100; i++) {
            if (hourly.tryAcquire(Level.WARNING)) {
                built++; // where the caller would build its message
                hourly.logAcquired(Level.WARNING, "never");
            }
        }
        assertEquals(0, built, "claims within the interval must fail");
        assertEquals(100, hourly.suppressed());
        assertEquals(2, logger.messages.size());
    }

    @Test
    void aLevelTheLoggerIgnoresIsNeitherLoggedNorCounted() {
        System.Logger quiet = new System.Logger() {
            @Override
            public String getName() {
                return "quiet";
            }

            @Override
            public boolean isLoggable(Level level) {
                return false;
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                throw new AssertionError("logged at a level that is off: " + msg);
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                throw new AssertionError("logged at a level that is off: " + format);
            }
        };
        RateLimitedLog log = new RateLimitedLog(quiet, 0);
        assertFalse(log.tryAcquire(Level.DEBUG));
        assertFalse(log.log(Level.DEBUG, "off"));
        assertEquals(0, log.suppressed());
    }
}
