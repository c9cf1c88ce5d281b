package io.ringtrace.log4j2;

import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.OverloadPolicy;
import java.time.Duration;

/**
 * The appender's records go into a {@link LogEngine}'s ring: claimed under the engine's overload
 * policy ({@code DROP}: {@code tryClaim()}, a full ring counted by the engine; {@code BLOCK}:
 * {@code claim()}, which waits for a slot), filled in place, published. An engine the appender
 * built is closed with it; one it was given is only flushed (its owner closes it).
 */
final class EngineSink implements LogRecordSink {

    private final LogEngine logs;
    private final boolean block;
    private final boolean owned;

    /** @param logs the engine @param owned whether closing the appender closes it */
    EngineSink(LogEngine logs, boolean owned) {
        this.logs = logs;
        this.block = logs.overloadPolicy() == OverloadPolicy.BLOCK;
        this.owned = owned;
    }

    @Override
    public long claim() {
        return block ? logs.claim() : logs.tryClaim();
    }

    @Override
    public LogRecordWriter record(long sequence) {
        return logs.record(sequence);
    }

    @Override
    public void publish(long sequence) {
        logs.publish(sequence);
    }

    @Override
    public void correlate(LogRecordWriter record) {
        logs.correlate(record); // the engine's traceEngine(...), if it was built with one
    }

    @Override
    public LogLimits limits() {
        return logs.logLimits();
    }

    @Override
    public EngineStats stats(EngineStats into) {
        return logs.stats(into);
    }

    @Override
    public boolean close(long timeoutMillis) {
        Duration timeout = Duration.ofMillis(timeoutMillis);
        return owned ? logs.close(timeout) : logs.flush(timeout);
    }

    /** @return the engine */
    LogEngine engine() {
        return logs;
    }
}
