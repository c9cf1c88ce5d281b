package io.ringtrace.engine.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event {@value #NAME}: one OTLP export request completed by the exporter.
 *
 * <p>Committed by {@link JfrEvents#exportCompleted} on the thread that completes the request, only
 * while a recording has this event enabled (otherwise nothing is allocated or filled). The event's
 * own start time is the completion time; {@code exportDuration} is the time from the serializer's
 * hand-off to the exporter until completion, including retries.
 */
@Name(ExportRequestEvent.NAME)
@Label("ringtrace Export Request")
@Category("ringtrace")
@Description("One OTLP export request completed: spans, bytes, hand-off to completion time, attempts, outcome")
@StackTrace(false)
public final class ExportRequestEvent extends Event {

    /** The JFR event name, for {@code jfr print --events} and recording settings. */
    public static final String NAME = "io.ringtrace.ExportRequest";

    @Label("Engine")
    @Description("Name of the engine that sent the request")
    String engine;

    @Label("Spans")
    @Description("Spans encoded in the request")
    int spans;

    @Label("Request Size")
    @Description("Serialized ExportTraceServiceRequest size")
    @DataAmount
    long bytes;

    @Label("Export Duration")
    @Description("From hand-off to the exporter until completion, retries included")
    @Timespan(Timespan.NANOSECONDS)
    long exportDuration;

    @Label("Attempts")
    @Description("Send attempts: 1 plus the retries")
    int attempts;

    @Label("Outcome")
    @Description("SUCCESS, PARTIAL_SUCCESS (some spans rejected) or the drop reason of a failed request")
    String outcome;

    @Label("Rejected Spans")
    @Description("Spans the receiver rejected in partial_success, or all spans of a failed request")
    long rejectedSpans;

    /** Created only by {@link JfrEvents} when the event is enabled. */
    ExportRequestEvent() {}
}
