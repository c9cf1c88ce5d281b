package io.ringtrace.log4j2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.common.v1.AnyValue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Text cut to a UTF-8 byte bound at a character boundary, and the body budget's room for text. */
class Utf8CutTest {

    @Test
    void cutsNeverSplitACharacterOrASurrogatePair() {
        StringBuilder s = new StringBuilder("ab\u00e9\uD83D\uDE00z"); // 1 + 1 + 2 + 4 + 1 bytes
        assertTrue(Utf8Cut.cut(s, 7));
        assertEquals("ab\u00e9", s.toString(), "the pair (4 bytes) does not fit in the 3 left");
        s = new StringBuilder("ab\u00e9\uD83D\uDE00z");
        assertTrue(Utf8Cut.cut(s, 8));
        assertEquals("ab\u00e9\uD83D\uDE00", s.toString());
        s = new StringBuilder("ab\u00e9\uD83D\uDE00z");
        assertFalse(Utf8Cut.cut(s, 9));
        assertEquals(9, s.toString().getBytes(StandardCharsets.UTF_8).length);
        s = new StringBuilder("\uD800x"); // an unpaired surrogate is written as the one byte '?'
        assertFalse(Utf8Cut.cut(s, 2));
        s = new StringBuilder("\u00e9");
        assertTrue(Utf8Cut.cut(s, 1));
        assertEquals("", s.toString());
    }

    @Test
    void theBodyBudgetLeavesRoomForTheTagsAndLengthsExactly() {
        for (int budget : new int[] {0, 3, 4, 5, 64, 130, 131, 132, 4096, 16_400, 1 << 20}) {
            int n = Utf8Cut.maxStringBody(budget);
            if (n < 0) {
                assertTrue(fieldSize(0) > budget, "budget " + budget);
                continue;
            }
            assertTrue(fieldSize(n) <= budget, "budget " + budget + " text " + n);
            assertTrue(fieldSize(n + 1) > budget, "budget " + budget + " leaves no byte unused: " + n);
        }
    }

    /** The body field (tag 5) holding an AnyValue string of {@code n} bytes, as protobuf-java sizes it. */
    private static int fieldSize(int n) {
        AnyValue v = AnyValue.newBuilder().setStringValue("x".repeat(n)).build();
        return CodedOutputStream.computeMessageSize(5, v);
    }
}
