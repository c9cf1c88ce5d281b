package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The short ASCII writers ({@link KeyValueWire#putShortAsciiAttribute}, {@link
 * KeyValueWire#putShortAsciiValue}, as their callers reach them: a {@code String} only, by the
 * field's shape) write exactly {@link KeyValueWire#putString}'s bytes for every value they take, takes the usual ones (a short ASCII {@code String} that fits), and gives every
 * other one back (-1) for {@code putString} to write. Also through {@link LogRecordWriter}: an
 * attribute and a body on their short paths are the bytes of the shared paths.
 */
class KeyValueWireShortAsciiTest {

    private static final int ATTRIBUTE_TAG = 0x32;
    private static final int BODY_TAG = 0x2A;

    private static final String[] VALUES = {
        "", "A-10427", "gold", "order accepted", "x".repeat(60), "x".repeat(100), "x".repeat(125), "x".repeat(126),
        "x".repeat(300), "\u00e9t\u00e9", "caf\u00e9", "\u0100", "smile \ud83d\ude00", "\ud83d", "tab\tand\u007f"
    };

    private static final Utf8Constant[] KEYS = {
        null, Utf8Constant.of("k"), Utf8Constant.of("order.id"), Utf8Constant.of("k".repeat(60)), Utf8Constant.of("k".repeat(130))
    };

    /** What the appends do: a value that is not a {@code String} goes to putString; else the writer of the field's shape. */
    private static int putShortAscii(byte[] a, int pos, int limit, int tag, Utf8Constant key, CharSequence value) {
        if (!(value instanceof String s)) {
            return -1;
        }
        return key == null ? KeyValueWire.putShortAsciiValue(a, pos, limit, tag, s)
                : KeyValueWire.putShortAsciiAttribute(a, pos, limit, tag, key, s);
    }

    @Test
    void everyValueItTakesIsWrittenAsPutStringWritesIt() {
        int taken = 0;
        for (Utf8Constant key : KEYS) {
            int tag = key == null ? BODY_TAG : ATTRIBUTE_TAG;
            for (String value : VALUES) {
                for (CharSequence cs : new CharSequence[] {value, new StringBuilder(value)}) {
                    byte[] expected = new byte[1024];
                    int expectedEnd = KeyValueWire.putString(expected, 3, expected.length, tag, key, cs);
                    for (int limit = Math.max(3, expectedEnd - 2); limit <= expectedEnd + 1; limit++) { // around the exact fit
                        byte[] actual = new byte[1024];
                        int end = putShortAscii(actual, 3, limit, tag, key, cs);
                        String what = "key " + (key == null ? null : key.toString().length()) + ", value of "
                                + value.length() + " chars (" + cs.getClass().getSimpleName() + "), limit " + limit;
                        if (end >= 0) {
                            taken++;
                            assertEquals(expectedEnd, end, what);
                            assertTrue(end <= limit, what);
                            assertArrayEquals(Arrays.copyOfRange(expected, 0, end), Arrays.copyOfRange(actual, 0, end), what);
                        } else {
                            boolean usual = cs instanceof String && isAscii(value) && limit >= expectedEnd
                                    && expectedEnd - 3 - 2 <= 127;
                            assertTrue(!usual, "the usual value was given back: " + what);
                        }
                    }
                }
            }
        }
        assertTrue(taken > 50, "values taken: " + taken);
    }

    @Test
    void whatItGivesBack() {
        byte[] a = new byte[512];
        Utf8Constant key = Utf8Constant.of("order.id");
        assertEquals(-1, putShortAscii(a, 0, 512, ATTRIBUTE_TAG, key, new StringBuilder("A-10427")), "not a String");
        assertEquals(-1, putShortAscii(a, 0, 512, ATTRIBUTE_TAG, key, "caf\u00e9"), "not ASCII");
        assertEquals(-1, putShortAscii(a, 0, 512, ATTRIBUTE_TAG, key, "\u0100"), "not Latin-1 either");
        assertEquals(-1, putShortAscii(a, 0, 512, BODY_TAG, null, "x".repeat(126)), "a two-byte length");
        assertEquals(2 + 2 + 125, putShortAscii(a, 0, 512, BODY_TAG, null, "x".repeat(125)), "the longest it takes");
        assertEquals(-1, putShortAscii(a, 0, 2 + 2 + 124, BODY_TAG, null, "x".repeat(125)), "past the limit");
    }

    @Test
    void aLogRecordsAttributesAndBodyOnTheirShortPathsAreTheSharedPathsBytes() {
        Utf8Constant key = Utf8Constant.of("order.id");
        Utf8Constant tier = Utf8Constant.of("customer.tier");
        for (String value : VALUES) {
            for (CharSequence cs : new CharSequence[] {value, new StringBuilder(value)}) {
                // first set: the short path; set again (its key already seen): the shared path replaces it
                LogRecordWriter shortPath = new LogRecordWriter(LogLimits.defaults()).body(cs).attribute(key, cs).attribute(tier, "gold");
                LogRecordWriter sharedAgain = new LogRecordWriter(LogLimits.defaults()).body(cs).attribute(key, "y")
                        .attribute(key, cs).attribute(tier, "gold");
                assertArrayEquals(used(shortPath), used(sharedAgain), "value of " + value.length() + " chars");
                assertEquals(shortPath.tooLarge(), sharedAgain.tooLarge());
                assertEquals(2, sharedAgain.attributeCount());
            }
        }
    }

    private static byte[] used(LogRecordWriter r) {
        return Arrays.copyOfRange(r.area(), r.base(), r.base() + r.usedBytes());
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }
}
