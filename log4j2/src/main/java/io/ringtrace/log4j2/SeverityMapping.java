package io.ringtrace.log4j2;

import io.ringtrace.codec.Utf8Constant;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.spi.StandardLevel;

/**
 * Log4j2 levels to OTLP {@code SeverityNumber}, following the OpenTelemetry log data model: each
 * standard level maps to the first number of its range ({@code TRACE} 1, {@code DEBUG} 5, {@code
 * INFO} 9, {@code WARN} 13, {@code ERROR} 17, {@code FATAL} 21), and {@code ALL} to {@code TRACE}.
 *
 * <p>A custom level sits between two standard ones by its {@code intLevel} (lower is more
 * severe). It takes the range of the less severe neighbour, one to three steps above it, in
 * proportion to where it sits in the 100-wide gap: {@code NOTICE} at 350, between {@code WARN}
 * (300) and {@code INFO} (400), becomes {@code INFO3} (11); 301 to 332 are {@code INFO4}, 333 to
 * 365 {@code INFO3}, 366 to 399 {@code INFO2}. So the order of Log4j2's levels is kept in the severity numbers, which is what
 * the data model asks of finer source levels. Levels more severe than {@code FATAL} ({@code OFF}
 * at 0 included) reach {@code FATAL4} (24); levels less severe than {@code TRACE} are {@code TRACE}.
 * (OpenTelemetry's own Log4j appender rounds a custom level to its standard level instead, so
 * {@code NOTICE} would be {@code WARN} there.)
 *
 * <p>The severity text is the level's name: pre-encoded for the standard levels, encoded at call
 * time for custom ones (no allocation either way).
 */
final class SeverityMapping {

    static final int TRACE = 1;
    static final int DEBUG = 5;
    static final int INFO = 9;
    static final int WARN = 13;
    static final int ERROR = 17;
    static final int FATAL = 21;
    static final int FATAL4 = 24;

    private static final Utf8Constant TRACE_TEXT = Utf8Constant.of(Level.TRACE.name());
    private static final Utf8Constant DEBUG_TEXT = Utf8Constant.of(Level.DEBUG.name());
    private static final Utf8Constant INFO_TEXT = Utf8Constant.of(Level.INFO.name());
    private static final Utf8Constant WARN_TEXT = Utf8Constant.of(Level.WARN.name());
    private static final Utf8Constant ERROR_TEXT = Utf8Constant.of(Level.ERROR.name());
    private static final Utf8Constant FATAL_TEXT = Utf8Constant.of(Level.FATAL.name());

    /** The width of the gap between two standard levels' {@code intLevel}s. */
    private static final int GAP = 100;

    private SeverityMapping() {}

    /**
     * @param level a Log4j2 level; not null
     * @return its OTLP severity number, 1 to 24
     */
    static int severityNumber(Level level) {
        return severityNumber(level.intLevel());
    }

    /**
     * @param intLevel a Log4j2 {@code intLevel}, at least 0
     * @return its OTLP severity number, 1 to 24
     */
    static int severityNumber(int intLevel) {
        final int fatal = StandardLevel.FATAL.intLevel();
        final int trace = StandardLevel.TRACE.intLevel();
        if (intLevel > trace) {
            return TRACE; // ALL and anything finer than TRACE: the least severe number
        }
        if (intLevel < fatal) {
            return FATAL + steps(fatal - intLevel);
        }
        // the standard level at or just below in severity (its intLevel is the next multiple of 100)
        int below = ((intLevel + GAP - 1) / GAP) * GAP;
        int base = baseOf(below);
        return below == intLevel ? base : base + steps(below - intLevel);
    }

    /** One to three steps above a range's first number, for a level {@code distance} (1..99) more severe. */
    private static int steps(int distance) {
        return 1 + (Math.min(distance, GAP) - 1) * 3 / GAP;
    }

    private static int baseOf(int standardIntLevel) {
        switch (standardIntLevel) {
            case 100:
                return FATAL;
            case 200:
                return ERROR;
            case 300:
                return WARN;
            case 400:
                return INFO;
            case 500:
                return DEBUG;
            default:
                return TRACE;
        }
    }

    /**
     * @param level a Log4j2 level
     * @return its name pre-encoded if it is a standard level with a severity range of its own, else null
     */
    static Utf8Constant standardText(Level level) {
        if (level == Level.INFO) {
            return INFO_TEXT;
        } else if (level == Level.DEBUG) {
            return DEBUG_TEXT;
        } else if (level == Level.WARN) {
            return WARN_TEXT;
        } else if (level == Level.ERROR) {
            return ERROR_TEXT;
        } else if (level == Level.TRACE) {
            return TRACE_TEXT;
        } else if (level == Level.FATAL) {
            return FATAL_TEXT;
        }
        return null;
    }
}
