package io.ringtrace.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.ringtrace.engine.TraceContext;
import org.junit.jupiter.api.Test;

class OtelIdsTest {

    @Test
    void aRemoteSampledContextKeepsItsIdsAndFlags() {
        SpanContext otel = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault());

        TraceContext context = OtelIds.copyIds(otel, new TraceContext());

        assertEquals(0x0af7651916cd43ddL, context.traceIdHigh());
        assertEquals(0x8448eb211c80319cL, context.traceIdLow());
        assertEquals(0xb7ad6b7169203331L, context.spanId());
        assertTrue(context.isSampled());
        assertTrue(context.isRemote());
    }

    @Test
    void anInvalidContextStaysInvalid() {
        TraceContext context = OtelIds.copyIds(SpanContext.getInvalid(), new TraceContext());
        assertFalse(context.isValid());
        assertEquals(0L, OtelIds.hexLong("b7ad6b71692033z1", 0), "a non-hex char reads as the invalid id");
        assertEquals(0L, OtelIds.hexLong("b7ad", 0), "too short reads as the invalid id");
    }
}
