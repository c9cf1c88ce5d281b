package io.ringtrace.opentelemetry;

import io.opentelemetry.api.trace.TraceState;
import io.ringtrace.engine.TraceContext;
import java.util.function.BiConsumer;

/**
 * Copies an OpenTelemetry {@link TraceState} into a ringtrace {@link TraceContext} through a
 * reusable text buffer: {@code TraceState.forEach} with this object as the consumer writes the
 * W3C header form ({@code k=v,k2=v2}), which the context then parses and keeps. One per thread;
 * the buffer holds at most a W3C {@code tracestate}'s 32 members (grown once, then reused).
 */
final class TraceStateText implements BiConsumer<String, String> {

    private final StringBuilder text = new StringBuilder(TraceContext.MAX_TRACE_STATE_CHARS);

    /**
     * @param state the OpenTelemetry trace state (empty: the context's is cleared)
     * @param into the context whose trace state to set
     */
    void copy(TraceState state, TraceContext into) {
        if (state == null || state.isEmpty()) {
            into.traceState(null);
            return;
        }
        text.setLength(0);
        state.forEach(this);
        into.traceState(text);
    }

    @Override
    public void accept(String key, String value) {
        if (text.length() > 0) {
            text.append(',');
        }
        text.append(key).append('=').append(value);
    }
}
