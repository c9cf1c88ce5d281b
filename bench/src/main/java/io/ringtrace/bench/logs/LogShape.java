package io.ringtrace.bench.logs;

import java.util.List;

/**
 * The typical log record every log benchmark emits on every system: a string body and two string
 * attributes ({@code order.id}, {@code customer.tier}; thread-context entries for Log4j2) under
 * one logger (the scope), INFO. The Log4j2 flags below make Log4j2 what the log4j2 module's README
 * prescribes: asynchronous loggers, garbage-free, ringtrace's clock.
 */
public final class LogShape {

    /** The body. */
    public static final String BODY = "order accepted";
    /** The first attribute's key. */
    public static final String KEY_ORDER = "order.id";
    /** The second attribute's key. */
    public static final String KEY_TIER = "customer.tier";
    /** The first attribute's value. */
    public static final String ORDER = "A-10427";
    /** The second attribute's value. */
    public static final String TIER = "gold";
    /** The logger's name: the records' instrumentation scope. */
    public static final String LOGGER = "io.ringtrace.bench.orders";

    /** Every logger asynchronous. */
    public static final String ASYNC_SELECTOR =
            "-Dlog4j2.contextSelector=org.apache.logging.log4j.core.async.AsyncLoggerContextSelector";
    /** Log4j2's garbage-free mode. */
    public static final String THREADLOCALS = "-Dlog4j2.enableThreadlocals=true";
    /** The garbage-free thread context map. */
    public static final String GC_FREE_CONTEXT = "-Dlog4j2.garbagefreeThreadContextMap=true";
    /** Nanosecond times without an {@code Instant} per event. */
    public static final String CLOCK = "-Dlog4j2.clock=io.ringtrace.log4j2.RingtraceClock";

    private LogShape() {
    }

    /** @return the Log4j2 flags a JVM running a Log4j2 variant needs, as JVM arguments */
    public static List<String> log4j2Flags() {
        return List.of(ASYNC_SELECTOR, THREADLOCALS, GC_FREE_CONTEXT, CLOCK);
    }

    /**
     * Sets the Log4j2 flags as system properties of this JVM where they are not set yet: effective
     * only before Log4j2 reads them (its first use in this JVM); {@link AsyncLog4j2} refuses to
     * start if it was too late.
     */
    public static void applyLog4j2Flags() {
        for (String flag : log4j2Flags()) {
            int eq = flag.indexOf('=');
            String key = flag.substring(2, eq);
            if (System.getProperty(key) == null) {
                System.setProperty(key, flag.substring(eq + 1));
            }
        }
    }
}
