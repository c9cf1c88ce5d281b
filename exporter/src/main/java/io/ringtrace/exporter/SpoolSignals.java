package io.ringtrace.exporter;

import io.ringtrace.engine.export.Signal;

/** The signals by their ordinal, as a spool record stores them, without copying {@code values()} each time. */
final class SpoolSignals {

    private static final Signal[] SIGNALS = Signal.values();
    static final int COUNT = SIGNALS.length;

    private SpoolSignals() {}

    static Signal of(int ordinal) {
        return SIGNALS[ordinal];
    }
}
