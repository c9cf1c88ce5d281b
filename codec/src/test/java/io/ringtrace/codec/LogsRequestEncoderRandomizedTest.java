package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Seeded, reproducible randomized conformance for logs: thousands of log records over every field,
 * every body and attribute value kind, edge values and every limit, in requests of one or several
 * scopes, through reused records (a quarter each: filled in their own array; copied into another;
 * written in place in a 256-byte slot of a shared area, moving into an overflow buffer when it
 * outgrows it; copied into that slot), against protobuf-java's {@code toByteArray()} of the same
 * {@link ExportLogsServiceRequest} built with the official classes. Records the encoder must refuse
 * (a body over its budget, a refused setter) are refused and leave the request exact. A failure
 * names its seed and case; rerun with {@code -Dringtrace.seed=...}.
 */
class LogsRequestEncoderRandomizedTest extends CodecTestBase {

    private static final long SEED = Long.getLong("ringtrace.seed", 0x1095_2026L);
    private static final int REQUESTS = 700;

    /** An overflow pool of {@code count} buffers for log records of {@code limits}, all returned after each record. */
    static final class LogOverflow implements SpanOverflow {
        final byte[][] buffers;
        int claimed;
        int claims;

        LogOverflow(int count, LogLimits limits) {
            buffers = new byte[count][LogSlot.maxRecordBytes(limits)];
        }

        @Override
        public int claim() {
            if (claimed < buffers.length) {
                claims++;
                return claimed++;
            }
            return -1;
        }

        @Override
        public byte[] buffer(int index) {
            return buffers[index];
        }

        @Override
        public void release(int index) {
            // every buffer comes back when the test frees them all
        }
    }

    @Test
    void randomizedLogRecordsMatchProtobufJava() throws Exception {
        RandomSpans gen = new RandomSpans(SEED);
        OracleRequest envelope = new OracleRequest("random-logs", 7, "https://opentelemetry.io/schemas/1.21.0");
        OracleRequest.Scope[] scopes = {
            envelope.register(new OracleRequest.Scope("log.a", "2.0", "", null, null)),
            envelope.register(new OracleRequest.Scope("log.b", "", "https://schema/b", "team", "ops")),
            envelope.register(new OracleRequest.Scope("", "", "", null, null)),
        };
        LogsRequestEncoder encoder = new LogsRequestEncoder(envelope.resource, 1 << 20);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        Map<LogLimits, LogRecordWriter[]> records = new HashMap<>();
        Map<LogLimits, LogOverflow> overflows = new HashMap<>();
        int total = 0;
        int refused = 0;
        int multiScope = 0;
        int dropped = 0;
        int replaced = 0;
        int truncated = 0;
        int overflowed = 0;
        int[] bodyKinds = new int[8];
        for (int request = 0; request < REQUESTS; request++) {
            encoder.begin(buffer);
            Map<OracleRequest.Scope, List<LogRecord>> expected = new LinkedHashMap<>();
            boolean oneScope = gen.chance(50);
            int count = gen.between(0, 12);
            for (int i = 0; i < count; i++) {
                LogLimits limits = limits(gen);
                LogOverflow overflow = overflows.computeIfAbsent(limits, l -> new LogOverflow(1, l));
                overflow.claimed = 0; // the previous record of these limits was encoded: its buffer is free again
                LogRecordWriter[] set = records.computeIfAbsent(limits, l -> new LogRecordWriter[] {new LogRecordWriter(l),
                        new LogRecordWriter(l), new LogRecordWriter(l, new byte[4 * 256], 2 * 256, 256, overflow)});
                OracleRequest.Scope scope = oneScope ? scopes[request % 3] : scopes[gen.random().nextInt(3)];
                int path = gen.random().nextInt(4);
                OracleLog oracle = new OracleLog(path == 2 ? set[2] : set[0]);
                fill(gen, oracle, scope.scope, bodyKinds);
                LogRecordWriter appended = oracle.record;
                if (path == 1) {
                    appended = set[1].copyFrom(oracle.record);
                } else if (path == 3) {
                    appended = set[2].copyFrom(oracle.record);
                }
                if (path >= 2 && overflow.claimed > 0) {
                    overflowed++;
                }
                String where = "seed " + SEED + ", request " + request + ", record " + i + ", path " + path;
                int result = encoder.tryAppend(appended);
                total++;
                if (!oracle.valid()) {
                    assertEquals(LogsRequestEncoder.INVALID, result, where);
                    refused++;
                    continue;
                }
                assertEquals(LogsRequestEncoder.APPENDED, result, where);
                expected.computeIfAbsent(scope, s -> new ArrayList<>()).add(oracle.build());
                dropped += oracle.dropped();
                replaced += oracle.replacedKeys;
                truncated += oracle.truncatedTexts;
            }
            if (expected.size() > 1) {
                multiScope++;
            }
            byte[] actual = readable(encoder.seal());
            ExportLogsServiceRequest want = build(envelope, expected);
            String where = "seed " + SEED + ", request " + request;
            // parsed back on both sides: an unpaired surrogate is '?' on the wire
            assertEquals(ExportLogsServiceRequest.parseFrom(want.toByteArray()), ExportLogsServiceRequest.parseFrom(actual), where);
            assertArrayEquals(want.toByteArray(), actual, where);
        }
        assertTrue(total > 3000, "records " + total);
        assertTrue(refused > 20, "refused " + refused);
        assertTrue(multiScope > 100, "multi-scope requests " + multiScope);
        assertTrue(dropped > 50, "attributes dropped " + dropped);
        assertTrue(replaced > 50, "keys replaced " + replaced);
        assertTrue(truncated > 20, "texts truncated " + truncated);
        assertTrue(overflowed > 100, "records that moved into an overflow buffer " + overflowed);
        for (int k : new int[] {1, 2, 3, 4, 5, 7}) { // AnyValue string, bool, int, double, array, bytes
            assertTrue(bodyKinds[k] > 50, "body kind " + k + " seen " + bodyKinds[k] + " times");
        }
    }

    static LogLimits limits(RandomSpans gen) {
        if (gen.chance(60)) {
            return LogLimits.defaults();
        }
        return LogLimits.of(gen.between(0, 6), gen.between(0, 300), gen.between(0, 30), gen.between(0, 200));
    }

    /** A random record: every field optional, texts set at most once each, body set up to twice. */
    static void fill(RandomSpans gen, OracleLog log, InstrumentationScope scope, int[] bodyKinds) {
        log.scope(scope);
        if (gen.chance(90)) {
            log.times(gen.chance(10) ? 0 : gen.time(), gen.chance(10) ? 0 : gen.time());
        }
        if (gen.chance(80)) {
            log.severity(gen.between(LogRecordWriter.MIN_SEVERITY, LogRecordWriter.MAX_SEVERITY));
        }
        boolean textsLast = gen.chance(30); // set after the body and attributes: the regions behind move
        if (!textsLast) {
            texts(gen, log);
        }
        if (gen.chance(60)) {
            log.traceContext(gen.chance(10) ? 0 : gen.random().nextLong(), gen.random().nextLong(),
                    gen.chance(10) ? 0 : gen.random().nextLong(), gen.random().nextInt(256));
        }
        int bodies = gen.chance(85) ? (gen.chance(10) ? 2 : 1) : 0;
        for (int b = 0; b < bodies; b++) {
            io.opentelemetry.proto.common.v1.AnyValue v = gen.value().proto();
            bodyKinds[Math.min(v.getValueCase().getNumber(), 7)]++;
            log.body(v, gen.random().nextInt(4));
        }
        int ops = gen.random().nextInt(gen.chance(10) ? 30 : 10);
        for (int i = 0; i < ops; i++) {
            log.attribute(gen.chance(30) ? "k." + gen.random().nextInt(4) : gen.key(), gen.value().proto(),
                    gen.random().nextInt(4));
        }
        if (textsLast) {
            texts(gen, log);
        }
        if (gen.chance(2)) {
            log.refusedCall(() -> log.record.severityNumber(gen.chance(50) ? 0 : 25));
        }
        if (gen.chance(1)) {
            log.refusedCall(() -> log.record.traceFlags(0x100));
        }
    }

    /** The severity text and event name, in either order, each at most once. */
    private static void texts(RandomSpans gen, OracleLog log) {
        boolean textFirst = gen.random().nextBoolean();
        if (textFirst && gen.chance(70)) {
            log.severityText(gen.chance(50) ? "INFO" : gen.string(), gen.random().nextBoolean());
        }
        if (gen.chance(30)) {
            log.eventName(gen.string(), gen.random().nextBoolean());
        }
        if (!textFirst && gen.chance(70)) {
            log.severityText(gen.string(), gen.random().nextBoolean());
        }
    }

    static ExportLogsServiceRequest build(OracleRequest envelope, Map<OracleRequest.Scope, List<LogRecord>> byScope) {
        if (byScope.isEmpty()) {
            return ExportLogsServiceRequest.getDefaultInstance();
        }
        ResourceLogs.Builder rl = ResourceLogs.newBuilder().setResource(envelope.resourceProto)
                .setSchemaUrl(envelope.resourceSchemaUrl);
        for (Map.Entry<OracleRequest.Scope, List<LogRecord>> e : byScope.entrySet()) {
            rl.addScopeLogs(ScopeLogs.newBuilder().setScope(e.getKey().proto).setSchemaUrl(e.getKey().schemaUrl)
                    .addAllLogRecords(e.getValue()));
        }
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(rl).build();
    }
}
