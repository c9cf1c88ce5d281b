package io.ringtrace.engine.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * JFR event {@value #NAME}: spans were dropped for one reason since the previous event of this
 * engine and reason.
 *
 * <p>A periodic event (default period 1 s, set another with the recording's {@code period}
 * setting): JFR's own periodic thread asks {@link DropBurstRecorder} once per period, and it commits
 * one event per drop reason whose counter grew. A burst shorter than a period is one event; a longer
 * one is one event per period. Nothing runs, and nothing is counted twice, while no recording has the
 * event enabled: the next event then reports everything dropped since the previous one (or since the
 * engine started), with the window length in {@code window}.
 */
@Name(DropBurstEvent.NAME)
@Label("ringtrace Drop Burst")
@Category("ringtrace")
@Description("Spans dropped for one reason since the previous event for that engine and reason")
@Period("1 s")
@StackTrace(false)
public final class DropBurstEvent extends Event {

    /** The JFR event name, for {@code jfr print --events} and recording settings. */
    public static final String NAME = "io.ringtrace.DropBurst";

    @Label("Engine")
    @Description("Name of the engine that dropped the spans")
    String engine;

    @Label("Reason")
    @Description("The DropReason: RING_FULL, POOL_EXHAUSTED, SPAN_TOO_LARGE, INVALID_SPAN, SHUTDOWN, EXPORT_FAILED, REJECTED, SPOOL_FULL, SPOOL_EXPIRED, SPOOL_IO_ERROR")
    String reason;

    @Label("Dropped Spans")
    @Description("Spans dropped for this reason in this window")
    long count;

    @Label("Dropped Total")
    @Description("Spans dropped for this reason since the engine started")
    long totalDropped;

    @Label("Window")
    @Description("Time since the previous observation of this engine's drop counters")
    @jdk.jfr.Timespan(jdk.jfr.Timespan.NANOSECONDS)
    long window;

    /** Created only by {@link DropBurstRecorder}. */
    DropBurstEvent() {}
}
