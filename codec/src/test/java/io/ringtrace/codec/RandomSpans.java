package io.ringtrace.codec;

import java.util.Random;

/** Seeded generators of span content covering every field and every value kind, edge values included. */
final class RandomSpans {

    private static final String[] PIECES = {
        "a", "Z", "0", " ", "/", "é", "ß", "€", "中", "\u0800", "\u07FF", "\uFFFF", "😀", "\uD83D\uDE80",
        "\uD800", "\uDC00", "\uDBFF", "x\uD800y", "\u0000", "\u007F", "\u0080"
    };

    private final Random random;

    RandomSpans(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    String string() {
        int roll = random.nextInt(100);
        int length = roll < 10 ? 0 : roll < 90 ? random.nextInt(12) : roll < 98 ? random.nextInt(60) : 200 + random.nextInt(200);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(chance(70) ? (char) ('a' + random.nextInt(26)) : PIECES[random.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    String key() {
        return chance(3) ? "" : chance(90) ? "k." + random.nextInt(50) : string();
    }

    long nonZeroLong() {
        long v;
        do {
            v = random.nextLong();
        } while (v == 0);
        return v;
    }

    long anyLong() {
        switch (random.nextInt(8)) {
            case 0: return 0;
            case 1: return -1;
            case 2: return Long.MIN_VALUE;
            case 3: return Long.MAX_VALUE;
            case 4: return random.nextInt(300) - 150;
            case 5: return 1L << random.nextInt(63);
            default: return random.nextLong();
        }
    }

    double anyDouble() {
        switch (random.nextInt(9)) {
            case 0: return 0.0;
            case 1: return -0.0;
            case 2: return Double.NaN;
            case 3: return Double.POSITIVE_INFINITY;
            case 4: return Double.NEGATIVE_INFINITY;
            case 5: return Double.MIN_VALUE;
            case 6: return Double.MAX_VALUE;
            case 7: return Double.longBitsToDouble(0x7ff0000000000001L); // NaN with a payload
            default: return random.nextGaussian() * 1e6;
        }
    }

    byte[] bytes() {
        byte[] b = new byte[chance(10) ? 0 : random.nextInt(40)];
        random.nextBytes(b);
        return b;
    }

    OracleSpan.Value value() {
        int n = chance(10) ? 0 : random.nextInt(5);
        switch (random.nextInt(10)) {
            case 0:
            case 1: return OracleSpan.of(string());
            case 2: return OracleSpan.of(anyLong());
            case 3: return OracleSpan.of(anyDouble());
            case 4: return OracleSpan.of(random.nextBoolean());
            case 5: return OracleSpan.of(bytes());
            case 6: {
                String[] v = new String[n];
                for (int i = 0; i < n; i++) v[i] = string();
                return OracleSpan.ofStrings(v);
            }
            case 7: {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) v[i] = anyLong();
                return OracleSpan.ofLongs(v);
            }
            case 8: {
                if (random.nextBoolean()) {
                    double[] v = new double[n];
                    for (int i = 0; i < n; i++) v[i] = anyDouble();
                    return OracleSpan.ofDoubles(v);
                }
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) v[i] = random.nextBoolean();
                return OracleSpan.ofBooleans(v);
            }
            default: {
                byte[][] v = new byte[n][];
                for (int i = 0; i < n; i++) v[i] = bytes();
                return OracleSpan.ofByteArrays(v);
            }
        }
    }

    SpanLimits limits() {
        if (chance(60)) {
            return SpanLimits.defaults();
        }
        return SpanLimits.builder()
                .maxAttributes(between(0, 6)).maxEvents(between(0, 4)).maxLinks(between(0, 3))
                .maxAttributesPerEvent(between(0, 3)).maxAttributesPerLink(between(0, 3))
                .textBytes(between(0, 40)).attributeBytes(between(0, 300)).eventBytes(between(0, 300))
                .linkBytes(between(0, 200)).build();
    }

    /** A positive time, far enough below Long.MAX_VALUE to add a duration to. */
    long time() {
        return 1 + (random.nextLong() >>> 2);
    }

    /** A trace state: valid (with optional whitespace and empty members), or invalid in some way. */
    String traceState() {
        switch (random.nextInt(6)) {
            case 0: return "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
            case 1: return " rojo=00f067aa0ba902b7 ,\t, congo=t61rcWkgMzE\t";
            case 2: return string(); // almost never valid
            case 3: return "a=1,a=2"; // a duplicate key
            default: {
                StringBuilder sb = new StringBuilder();
                int members = between(1, 34); // beyond 32 is invalid
                for (int i = 0; i < members; i++) {
                    sb.append(i == 0 ? "" : chance(20) ? " , " : ",");
                    sb.append(chance(10) ? "t" + i + "@sys" : "k" + i).append('=');
                    int length = between(1, chance(5) ? 256 : 20);
                    for (int j = 0; j < length; j++) {
                        sb.append(j == length - 1 ? 'v' : validValueChar()); // a value may not end in a space
                    }
                }
                return sb.toString();
            }
        }
    }

    private char validValueChar() {
        char c;
        do {
            c = (char) (0x20 + random.nextInt(0x5f));
        } while (c == ',' || c == '=');
        return c;
    }

    /** An OTLP flags value: plain W3C flags, the SDK's is-remote forms, or any int. */
    int flags() {
        switch (random.nextInt(4)) {
            case 0: return 1;
            case 1: return SpanFlags.of(random.nextInt(256), random.nextBoolean());
            case 2: return 0;
            default: return random.nextInt();
        }
    }

    /** Fills {@code s} with a random span: every field optional, texts set at most once each. */
    void fill(OracleSpan s, InstrumentationScope scope) {
        s.scope(scope).ids(chance(5) ? 0 : nonZeroLong(), nonZeroLong(), nonZeroLong(), chance(40) ? 0 : anyLong());
        if (chance(90)) {
            s.name(chance(5) ? " \t" : string(), random.nextBoolean());
        }
        if (chance(20)) {
            s.traceState(traceState());
        }
        if (chance(50)) {
            s.flags(flags());
        }
        s.kind(random.nextInt(6));
        int times = random.nextInt(100);
        if (times >= 6) {
            long start = time();
            s.times(start, chance(20) ? time() : start + random.nextInt(1_000_000)); // sometimes an end before the start
        } else if (times >= 3) {
            s.times(chance(50) ? 0 : -time(), time()); // not a start time: refused by the encoder
        } else if (times >= 1) {
            s.times(time(), chance(50) ? 0 : Long.MIN_VALUE); // not an end time
        }
        if (chance(40)) {
            s.status(random.nextInt(3), chance(50) ? "" : string());
        }
        int ops = random.nextInt(chance(10) ? 40 : 12);
        boolean hasEvent = false;
        boolean hasLink = false;
        for (int i = 0; i < ops; i++) {
            int op = random.nextInt(10);
            if (op < 4) {
                s.attribute(key(), value());
            } else if (op < 5) {
                s.event(chance(10) ? "" : string(), chance(10) ? 0 : anyLong(), random.nextBoolean());
                hasEvent = true;
            } else if (op < 7 && hasEvent) {
                s.eventAttribute(key(), value());
            } else if (op < 8) {
                s.link(chance(5) ? 0 : nonZeroLong(), nonZeroLong(), nonZeroLong(), chance(50) ? 0 : flags(),
                        chance(60) ? null : traceState());
                hasLink = true;
            } else if (hasLink) {
                s.linkAttribute(key(), value());
            }
        }
    }
}
