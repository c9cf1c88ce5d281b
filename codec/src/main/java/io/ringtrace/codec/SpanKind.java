package io.ringtrace.codec;

/**
 * OTLP span kinds as the {@code int} values of {@code Span.SpanKind} on the wire (plain
 * constants, so a record stores a primitive and nothing is boxed).
 */
public final class SpanKind {
    /** Unspecified (0): omitted on the wire. */
    public static final int UNSPECIFIED = 0;
    /** Internal operation (1). */
    public static final int INTERNAL = 1;
    /** Server side of a synchronous request (2). */
    public static final int SERVER = 2;
    /** Client side of a synchronous request (3). */
    public static final int CLIENT = 3;
    /** Producer of an asynchronous message (4). */
    public static final int PRODUCER = 4;
    /** Consumer of an asynchronous message (5). */
    public static final int CONSUMER = 5;

    private SpanKind() {}

    /**
     * @param kind a value
     * @return whether {@code kind} is one of the constants above
     */
    public static boolean isValid(int kind) {
        return kind >= UNSPECIFIED && kind <= CONSUMER;
    }
}
