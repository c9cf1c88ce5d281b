package io.ringtrace.codec;

/**
 * OTLP {@code Span.flags} and {@code Link.flags} (fixed32, OTLP 1.x {@code SpanFlags}): the W3C
 * trace flags in bits 0-7, and whether the parent (of a span) or the linked context (of a link) is
 * remote in bits 8-9. The OpenTelemetry SDK always sets {@link #CONTEXT_HAS_IS_REMOTE_MASK}, and
 * {@link #CONTEXT_IS_REMOTE_MASK} for a context taken from another process ({@code traceparent}):
 * {@code 0x101} for a sampled root span or a child of a local parent, {@code 0x301} for a sampled
 * child of a remote parent. {@link #of(int, boolean)} builds that value.
 */
public final class SpanFlags {

    /** Bits 0-7: the W3C trace flags (bit 0: sampled). */
    public static final int TRACE_FLAGS_MASK = 0xFF;
    /** Bit 8: whether bit 9 is known ({@code SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK}). */
    public static final int CONTEXT_HAS_IS_REMOTE_MASK = 0x100;
    /** Bit 9: the parent or linked context is remote ({@code SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK}). */
    public static final int CONTEXT_IS_REMOTE_MASK = 0x200;

    private SpanFlags() {}

    /**
     * @param traceFlags the W3C trace flags (only bits 0-7 are kept)
     * @param isRemote for a span: whether its parent came from another process (false for a root
     *     span); for a link: whether the linked context did
     * @return the flags as the OpenTelemetry SDK sends them: the trace flags, {@link
     *     #CONTEXT_HAS_IS_REMOTE_MASK}, and {@link #CONTEXT_IS_REMOTE_MASK} if {@code isRemote}
     */
    public static int of(int traceFlags, boolean isRemote) {
        return (traceFlags & TRACE_FLAGS_MASK) | CONTEXT_HAS_IS_REMOTE_MASK | (isRemote ? CONTEXT_IS_REMOTE_MASK : 0);
    }
}
