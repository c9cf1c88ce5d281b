package io.ringtrace.engine.internal.jfr;

import io.ringtrace.engine.export.DropReason;
import java.util.Objects;
import java.util.function.ToLongFunction;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;

/**
 * Emits {@link DropBurstEvent}s for one engine from its cumulative drop counters.
 *
 * <p>Registered as a JFR periodic hook ({@link FlightRecorder#addPeriodicEvent}): JFR calls it on
 * its own thread once per period, and only while a recording has the event enabled, so it costs
 * nothing otherwise and adds nothing to the drop path (which only increments counters). Each call
 * compares every reason's counter with the value seen last time and commits one event per reason
 * that grew. {@link #close()} emits what is left (the {@code SHUTDOWN} drops of a closing engine)
 * and unregisters the hook.
 *
 * <p>Bound: one {@code long} per {@link DropReason}.
 */
public final class DropBurstRecorder implements AutoCloseable {

    private static final DropReason[] REASONS = DropReason.values();

    private final String engine;
    private final ToLongFunction<DropReason> droppedSoFar;
    private final long[] lastSeen = new long[REASONS.length];
    private final Runnable hook = this::emit;
    private long lastSeenNanos;
    private boolean closed;

    private DropBurstRecorder(String engine, ToLongFunction<DropReason> droppedSoFar) {
        this.engine = engine;
        this.droppedSoFar = droppedSoFar;
        for (int i = 0; i < REASONS.length; i++) {
            lastSeen[i] = droppedSoFar.applyAsLong(REASONS[i]); // baseline: report only new drops
        }
        lastSeenNanos = System.nanoTime();
    }

    /**
     * Starts emitting drop-burst events for an engine.
     *
     * @param engine the engine's name, used in every event
     * @param droppedSoFar reads the cumulative number of spans dropped for a reason; called from
     *     JFR's periodic thread, so it must be thread-safe
     * @return the recorder; close it when the engine closes
     */
    public static DropBurstRecorder register(String engine, ToLongFunction<DropReason> droppedSoFar) {
        DropBurstRecorder recorder = new DropBurstRecorder(
                Objects.requireNonNull(engine, "engine"), Objects.requireNonNull(droppedSoFar, "droppedSoFar"));
        if (JfrEvents.AVAILABLE) {
            Hooks.add(recorder.hook);
        }
        return recorder;
    }

    /**
     * Compares the counters with the last observation and commits one event per reason that grew.
     * Called by JFR's periodic thread, and by {@link #close()}: synchronized so the two never
     * report the same drops twice.
     */
    synchronized void emit() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        long window = now - lastSeenNanos;
        lastSeenNanos = now;
        for (int i = 0; i < REASONS.length; i++) {
            long total = droppedSoFar.applyAsLong(REASONS[i]);
            long count = total - lastSeen[i];
            lastSeen[i] = total;
            if (count > 0) {
                Hooks.commit(engine, REASONS[i].name(), count, total, window);
            }
        }
    }

    /** Emits the drops not yet reported (if a recording wants them) and unregisters. Idempotent. */
    @Override
    public void close() {
        if (!JfrEvents.AVAILABLE) {
            return;
        }
        if (Hooks.enabled()) {
            emit();
        }
        synchronized (this) {
            closed = true;
        }
        Hooks.remove(hook);
    }

    /** Holds every reference to JFR classes, so they load only when the module is present. */
    private static final class Hooks {
        static final EventType TYPE = EventType.getEventType(DropBurstEvent.class);

        static void add(Runnable hook) {
            FlightRecorder.addPeriodicEvent(DropBurstEvent.class, hook);
        }

        static void remove(Runnable hook) {
            FlightRecorder.removePeriodicEvent(hook);
        }

        static boolean enabled() {
            return TYPE.isEnabled();
        }

        static void commit(String engine, String reason, long count, long total, long window) {
            DropBurstEvent event = new DropBurstEvent();
            event.engine = engine;
            event.reason = reason;
            event.count = count;
            event.totalDropped = total;
            event.window = window;
            event.commit();
        }
    }
}
