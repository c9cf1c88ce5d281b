package io.ringtrace.engine.internal.jfr;

import io.ringtrace.engine.export.DropReason;
import jdk.jfr.EventType;

/**
 * Emits ringtrace's per-request JFR event ({@link ExportRequestEvent}) with no cost while no
 * recording has it enabled: {@link #exportCompleted} checks {@link EventType#isEnabled()} (a field
 * read) before it creates or fills anything, so a disabled call allocates 0 bytes.
 *
 * <p>Outcome strings are the constants below or {@link DropReason#name()}, never built at run time.
 * If the runtime has no {@code jdk.jfr} module (a jlink image without it), every method is a no-op.
 */
public final class JfrEvents {

    /** Outcome of a request the receiver accepted whole. */
    public static final String OUTCOME_SUCCESS = "SUCCESS";
    /** Outcome of a request the receiver accepted but with some spans rejected. */
    public static final String OUTCOME_PARTIAL_SUCCESS = "PARTIAL_SUCCESS";
    /** The outcome of a request the exporter wrote to its on-disk spool, to be delivered later. */
    public static final String OUTCOME_SPOOLED = "SPOOLED";

    /** Whether the JFR module is present; when not, nothing here touches a JFR class. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

    private JfrEvents() {}

    /**
     * @return whether a running recording has {@value ExportRequestEvent#NAME} enabled; a field
     *     read, no allocation
     */
    public static boolean exportEventEnabled() {
        return AVAILABLE && Types.EXPORT.isEnabled();
    }

    /**
     * Records one completed export request if a recording wants it; otherwise returns at once
     * without allocating.
     *
     * @param engine the engine's name (a string fixed at build time)
     * @param spans spans in the request
     * @param bytes serialized request size
     * @param exportDurationNanos from hand-off to the exporter until completion
     * @param attempts send attempts, 1 plus retries
     * @param outcome {@link #OUTCOME_SUCCESS}, {@link #OUTCOME_PARTIAL_SUCCESS} or a
     *     {@link DropReason#name()}
     * @param rejectedSpans spans rejected by the receiver, or all spans of a failed request
     */
    public static void exportCompleted(String engine, int spans, long bytes, long exportDurationNanos,
                                       int attempts, String outcome, long rejectedSpans) {
        if (!AVAILABLE || !Types.EXPORT.isEnabled()) {
            return; // the common case: no recording wants the event; nothing is created
        }
        Types.commitExport(engine, spans, bytes, exportDurationNanos, attempts, outcome, rejectedSpans);
    }

    /**
     * @param reason why a failed request's spans were dropped
     * @return the outcome string for it, a constant
     */
    public static String outcome(DropReason reason) {
        return reason.name(); // enum names are interned constants: no allocation
    }

    /** Holds every reference to JFR classes, so they load only when the module is present. */
    private static final class Types {
        static final EventType EXPORT = EventType.getEventType(ExportRequestEvent.class);

        static void commitExport(String engine, int spans, long bytes, long exportDurationNanos,
                                 int attempts, String outcome, long rejectedSpans) {
            ExportRequestEvent event = new ExportRequestEvent();
            if (!event.shouldCommit()) { // honours the recording's threshold setting
                return;
            }
            event.engine = engine;
            event.spans = spans;
            event.bytes = bytes;
            event.exportDuration = exportDurationNanos;
            event.attempts = attempts;
            event.outcome = outcome;
            event.rejectedSpans = rejectedSpans;
            event.commit();
        }
    }
}
