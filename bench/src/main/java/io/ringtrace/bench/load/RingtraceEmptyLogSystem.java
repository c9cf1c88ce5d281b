package io.ringtrace.bench.load;

import io.ringtrace.engine.LogEngine;

/**
 * The logger API's floor under load: {@code logger.atInfo().emit()}, a record with no body and no
 * attribute, from the same logger on the same {@link LogEngine} as {@link RingtraceLoggerSystem}'s.
 * Each call takes this thread's builder, claims a slot, copies the level's prepared start, reads the
 * clock once and publishes: what every record of the logger API costs before its own fields, so the
 * typical record's service time minus this one is what its body and attributes cost where they run.
 */
final class RingtraceEmptyLogSystem extends RingtraceLoggerSystem {

    /** @param spec the run: transport, ring size, batch, policy */
    RingtraceEmptyLogSystem(RunSpec spec) {
        super(spec);
    }

    @Override
    public String name() {
        return LogSystems.RINGTRACE_LOGGER_EMPTY;
    }

    @Override
    public boolean publish() {
        logger.atInfo().emit();
        return true;
    }
}
