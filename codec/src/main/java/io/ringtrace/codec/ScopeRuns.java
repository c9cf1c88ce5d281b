package io.ringtrace.codec;

import static io.ringtrace.codec.NativeStores.getInt;
import static io.ringtrace.codec.NativeStores.getUnsignedByte;
import static io.ringtrace.codec.NativeStores.move;
import static io.ringtrace.codec.NativeStores.putByte;
import static io.ringtrace.codec.NativeStores.putInt;

import java.nio.ByteBuffer;

/**
 * The body of a request that holds items of several scopes, kept as runs of same-scope items and
 * grouped scope by scope at seal. The first run (scope 0) has no marker; each later run is
 * preceded by a {@value #MARKER_BYTES}-byte marker (scope index, run length) written when the run
 * starts, its length filled in when it ends. {@link #copyRuns} copies every run of one scope, in
 * order, into the output area behind the body. A single-scope body never starts a run and pays
 * neither the markers nor the copy. Positions are indexes into the request buffer's view, from its
 * {@code start()}; single-threaded, allocation-free.
 */
final class ScopeRuns {

    /** Bytes of a run marker: scope index (1), run length (4). */
    static final int MARKER_BYTES = 5;

    /** Whether the body holds runs of more than one scope (markers in use). */
    private boolean multiScope;
    /** End of the first run (scope 0, no marker) once {@link #multiScope}. */
    private int firstRunEnd;
    /** Offset of the current run's marker once {@link #multiScope}. */
    private int currentRunMarker;

    /** Forgets the runs of the previous request. */
    void reset() {
        multiScope = false;
    }

    /** @return whether the body holds runs of more than one scope */
    boolean multiScope() {
        return multiScope;
    }

    /**
     * Starts a run of scope {@code s} at {@code bodyEnd}, ending the current one; the caller has
     * checked that {@value #MARKER_BYTES} more bytes fit.
     *
     * @return where the run's first item goes
     */
    int start(ByteBuffer out, int bodyEnd, int s) {
        if (!multiScope) {
            multiScope = true;
            firstRunEnd = bodyEnd;
        } else {
            close(out, bodyEnd);
        }
        currentRunMarker = bodyEnd;
        putByte(out, bodyEnd, s);
        return bodyEnd + MARKER_BYTES;
    }

    /** Writes the current run's length into its marker, the run ending at {@code bodyEnd}. */
    void close(ByteBuffer out, int bodyEnd) {
        if (multiScope) {
            putInt(out, currentRunMarker + 1, bodyEnd - currentRunMarker - MARKER_BYTES);
        }
    }

    /**
     * Copies every run of scope {@code s} of the body {@code [bodyStart, bodyEnd)} to {@code pos},
     * in order, without their markers; returns the end.
     */
    int copyRuns(ByteBuffer out, int pos, int s, int bodyStart, int bodyEnd) {
        if (s == 0) {
            move(out, bodyStart, pos, firstRunEnd - bodyStart);
            pos += firstRunEnd - bodyStart;
        }
        int run = firstRunEnd;
        while (run < bodyEnd) {
            int scope = getUnsignedByte(out, run);
            int length = getInt(out, run + 1);
            if (scope == s) {
                move(out, run + MARKER_BYTES, pos, length);
                pos += length;
            }
            run += MARKER_BYTES + length;
        }
        return pos;
    }
}
