package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** W3C Trace Context: traceparent and tracestate per the specification's rules, without allocation. */
class W3cTraceContextTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final TraceContext context = new TraceContext();

    @Test
    void parsesAValidTraceparent() {
        assertTrue(W3cTraceContext.parseTraceParent(VALID, context));
        assertEquals(0x4bf92f3577b34da6L, context.traceIdHigh());
        assertEquals(0xa3ce929d0e0e4736L, context.traceIdLow());
        assertEquals(0x00f067aa0ba902b7L, context.spanId());
        assertEquals(1, context.traceFlags());
        assertTrue(context.isSampled());
        assertTrue(context.isRemote());
        assertTrue(W3cTraceContext.parseTraceParent("  " + VALID + "\t", context), "optional whitespace around");
    }

    @Test
    void writesWhatItParsed() {
        W3cTraceContext.parseTraceParent(VALID, context);
        StringBuilder out = new StringBuilder();
        W3cTraceContext.writeTraceParent(context, out);
        assertEquals(VALID, out.toString());
        byte[] bytes = new byte[60];
        int end = W3cTraceContext.writeTraceParent(context.traceIdHigh(), context.traceIdLow(), context.spanId(),
                context.traceFlags(), bytes, 2);
        assertEquals(57, end);
        assertEquals(VALID, new String(bytes, 2, 55, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",          // short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",        // version 00 must be exactly 55
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",         // version ff is invalid
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",         // uppercase hex
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",         // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",         // all-zero parent id
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",         // wrong delimiter
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",         // not hex
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
        "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",        // future version: extra data needs '-'
    })
    void rejectsMalformedTraceparents(String header) {
        assertFalse(W3cTraceContext.parseTraceParent(header, context), header);
        assertFalse(context.isValid(), "the context is cleared");
    }

    @Test
    void acceptsAFutureVersionWithMoreFields() {
        assertTrue(W3cTraceContext.parseTraceParent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds", context));
        assertTrue(W3cTraceContext.parseTraceParent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", context));
        assertFalse(W3cTraceContext.parseTraceParent(null, context));
    }

    @Test
    void tracestateIsValidatedAndNormalized() {
        assertTrue(W3cTraceContext.parseTraceState("rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE,,  ", context));
        assertEquals("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", context.traceState().toString());
        assertTrue(W3cTraceContext.parseTraceState("tenant1@system=v, a_b-c*d/e=1 2", context));
        assertEquals("tenant1@system=v,a_b-c*d/e=1 2", context.traceState().toString());
        StringBuilder out = new StringBuilder();
        W3cTraceContext.writeTraceState(context, out);
        assertEquals("tenant1@system=v,a_b-c*d/e=1 2", out.toString());
        assertTrue(W3cTraceContext.parseTraceState("", context));
        assertEquals(0, context.traceState().length());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Rojo=1",              // uppercase key
        "1rojo=1",             // simple key must start with a letter
        "rojo",                // no '='
        "rojo=",               // empty value
        "rojo=a,rojo=b",       // duplicate key
        "rojo=a=b",            // '=' in value
        "rojo=\u00e9",         // non-ASCII value
        "@system=v",           // empty tenant
        "tenant@=v",           // empty system
        "tenant@Sys=v",        // system id must be lowercase
        "tenant@systemnametoolong=v",
    })
    void rejectsMalformedTracestateWhole(String header) {
        context.traceState("previous=1");
        assertFalse(W3cTraceContext.parseTraceState(header, context), header);
        assertEquals(0, context.traceState().length(), "an invalid tracestate is discarded whole");
    }

    @Test
    void rejectsMoreThan32MembersAndTruncatesLongValues() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
        }
        assertFalse(W3cTraceContext.parseTraceState(many, context));
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            big.append(i == 0 ? "" : ",").append("k").append(i).append('=').append("x".repeat(i == 1 ? 200 : 120));
        }
        assertTrue(W3cTraceContext.parseTraceState(big, context));
        String kept = context.traceState().toString();
        assertTrue(kept.length() <= TraceContext.MAX_TRACE_STATE_CHARS);
        assertFalse(kept.contains("k1="), "members over 128 chars go first");
        assertTrue(kept.startsWith("k0="));
    }

    @Test
    void parsingAndWritingAllocateNothing() {
        StringBuilder out = new StringBuilder(128);
        String state = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
        for (int i = 0; i < 20_000; i++) { // warm-up
            W3cTraceContext.parseTraceParent(VALID, context);
            W3cTraceContext.parseTraceState(state, context);
            out.setLength(0);
            W3cTraceContext.writeTraceParent(context, out);
        }
        long before = ThreadAllocation.current();
        for (int i = 0; i < 20_000; i++) {
            W3cTraceContext.parseTraceParent(VALID, context);
            W3cTraceContext.parseTraceState(state, context);
            out.setLength(0);
            W3cTraceContext.writeTraceParent(context, out);
        }
        assertEquals(0, ThreadAllocation.current() - before);
        assertEquals(VALID, out.toString());
    }
}
