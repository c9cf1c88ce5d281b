package io.ringtrace.examples;

import io.ringtrace.codec.SpanSlot;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.TraceEngineBuilder;
import java.util.Locale;

/**
 * The pipeline demo's command-line flags ({@code --name=value} or {@code --name value}), validated
 * once with a clear message.
 */
final class DemoOptions {

    static final String HELP = String.join("\n",
            "ringtrace pipeline demo: publishes spans from several threads through the ring API and the",
            "span API, exports them over OTLP/HTTP (OTLP/gRPC with OTEL_EXPORTER_OTLP_PROTOCOL=grpc) and checks",
            "that every span arrived.",
            "",
            "Flags (defaults in brackets):",
            "  --spans=N       spans to publish in total, rounded up to a multiple of 3 [240000] (k/m suffixes: 1m)",
            "  --threads=N     producer threads [2]",
            "  --rate=N        offered spans per second over all threads, 0 = as fast as possible [30000]",
            "  --policy=P      ring full: drop (count and move on) or block (wait) [drop]",
            "  --ring-size=N   ring slots, a power of two [" + TraceEngineBuilder.DEFAULT_RING_SIZE + "]",
            "  --slot-bytes=N  bytes per ring slot, a power of two in [256, 65536] [512]; the summary shows",
            "                  how many spans outgrew their slot",
            "  --warmup=N      spans published first, flat out with waiting claims, so the JIT has compiled the",
            "                  pipeline; exported before the run starts and not counted in it [30000]",
            "  --endpoint=URL  where to send: the OTLP/HTTP traces URL (http://collector:4318/v1/traces), or",
            "                  with OTEL_EXPORTER_OTLP_PROTOCOL=grpc the gRPC endpoint (http://collector:4317);",
            "                  default: OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT if set, else an embedded OTLP",
            "                  receiver of that transport on a free 127.0.0.1 port that decodes every request",
            "                  with the official OTLP classes and is checked at the end",
            "  --help          this text",
            "",
            "With Maven: mvn -B -q -Pquickstart -pl examples -am -DskipTests package -Ddemo.args=\"--spans=1m --rate=0\"",
            "Other OTEL_* variables (headers, TLS, sampler, service name) apply as usual.");

    long spans = 240_000;
    int threads = 2;
    long rate = 30_000;
    OverloadPolicy policy = OverloadPolicy.DROP;
    int ringSize = TraceEngineBuilder.DEFAULT_RING_SIZE;
    int slotBytes = SpanSlot.DEFAULT_SLOT_BYTES;
    long warmupSpans = 30_000;
    String endpoint;
    boolean help;

    /**
     * @param args the command line
     * @return the options
     * @throws IllegalArgumentException naming the flag, for an unknown flag or an invalid value
     */
    static DemoOptions parse(String... args) {
        DemoOptions options = new DemoOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i].trim();
            if (arg.isEmpty()) {
                continue;
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                options.help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (flags look like --spans=1000; see --help)");
            }
            String name;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                name = arg.substring(2, equals);
                value = arg.substring(equals + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + name + " needs a value (see --help)");
                }
                value = args[++i].trim();
            }
            switch (name) {
                case "spans":
                    options.spans = count(name, value, 1, 1_000_000_000L);
                    break;
                case "threads":
                    options.threads = (int) count(name, value, 1, 64);
                    break;
                case "rate":
                    options.rate = count(name, value, 0, 100_000_000L);
                    break;
                case "policy":
                    try {
                        options.policy = OverloadPolicy.valueOf(value.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--policy must be drop or block, got '" + value + "'", e);
                    }
                    break;
                case "ring-size":
                    long slots = count(name, value, 2, 1 << 24);
                    if (Long.bitCount(slots) != 1) {
                        throw new IllegalArgumentException("--ring-size must be a power of two, got " + value);
                    }
                    options.ringSize = (int) slots;
                    break;
                case "slot-bytes":
                    long bytes = count(name, value, SpanSlot.MIN_SLOT_BYTES,
                            SpanSlot.MAX_SLOT_BYTES);
                    if (Long.bitCount(bytes) != 1) {
                        throw new IllegalArgumentException("--slot-bytes must be a power of two, got " + value);
                    }
                    options.slotBytes = (int) bytes;
                    break;
                case "warmup":
                    options.warmupSpans = count(name, value, 0, 100_000_000L);
                    break;
                case "endpoint":
                    if (value.isBlank()) {
                        throw new IllegalArgumentException("--endpoint must not be empty");
                    }
                    options.endpoint = value;
                    break;
                default:
                    throw new IllegalArgumentException("unknown flag --" + name + " (see --help)");
            }
        }
        return options;
    }

    private static long count(String name, String value, long min, long max) {
        String digits = value.toLowerCase(Locale.ROOT).replace("_", "");
        long multiplier = 1;
        if (digits.endsWith("k")) {
            multiplier = 1_000;
            digits = digits.substring(0, digits.length() - 1);
        } else if (digits.endsWith("m")) {
            multiplier = 1_000_000;
            digits = digits.substring(0, digits.length() - 1);
        }
        long n;
        try {
            n = Math.multiplyExact(Long.parseLong(digits), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + value + "'", e);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("--" + name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return n;
    }
}
