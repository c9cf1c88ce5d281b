package io.ringtrace.bench.load;

import io.ringtrace.bench.logs.LogShape;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.Logger;

/**
 * ringtrace's logger API under load: {@code logger.atInfo().body(..).attribute(K, v).attribute(K, v)
 * .emit()} with pre-encoded keys, into a {@link LogEngine} ({@link LogSystems#engine}). The call never
 * refuses: a full ring under {@code DROP} is counted by the engine.
 */
class RingtraceLoggerSystem extends LogEngineSystem {

    private final Utf8Constant order = Utf8Constant.of(LogShape.KEY_ORDER);
    private final Utf8Constant tier = Utf8Constant.of(LogShape.KEY_TIER);
    /** The logger of the bench's scope ({@link LogShape#LOGGER}) on the run's engine. */
    final Logger logger;

    /** @param spec the run: transport, ring size, batch, policy */
    RingtraceLoggerSystem(RunSpec spec) {
        super(spec);
        logger = engine.logger(InstrumentationScope.of(LogShape.LOGGER));
    }

    @Override
    public String name() {
        return LogSystems.RINGTRACE_LOGGER;
    }

    @Override
    public boolean publish() {
        logger.atInfo().body(LogShape.BODY).attribute(order, LogShape.ORDER).attribute(tier, LogShape.TIER).emit();
        return true;
    }
}
