package io.ringtrace.bench.load;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.bench.RingtraceShape;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.SpanShape.SpanValues;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.TraceRequestEncoder;
import io.ringtrace.engine.TraceEngineBuilder;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end command with 4096-span requests ({@code --batch=4096}, bench/README.md) relies on 4096 typical spans fitting into one request
 * of ringtrace's default size (1 MiB), so that requests are sealed by span count, not by bytes.
 */
class RequestSizeTest {

    @Test
    void fourThousandNinetySixTypicalSpansFitIntoOneDefaultSizedRequest() {
        TraceRequestEncoder encoder = new TraceRequestEncoder(RingtraceShape.resource(),
                TraceEngineBuilder.DEFAULT_MAX_REQUEST_BYTES);
        Bytes<?> buffer = Bytes.allocateDirect(encoder.requiredCapacity());
        try {
            SpanRecord record = new SpanRecord(SpanLimits.defaults());
            SpanValues[] rows = SpanShape.values(8192, 42); // with parent ids: a little larger than the load tool's spans
            encoder.begin(buffer);
            int fitted = 0;
            while (fitted < rows.length && encoder.append(RingtraceShape.fill(record, rows[fitted]))) {
                fitted++;
            }
            Bytes<?> sealed = encoder.seal();
            long bytes = sealed.readLimit() - sealed.readPosition();
            System.out.printf("%d typical spans fit into one %d-byte request (%d bytes, %.1f B/span)%n",
                    fitted, TraceEngineBuilder.DEFAULT_MAX_REQUEST_BYTES, bytes, (double) bytes / fitted);
            assertTrue(fitted >= 4096, "only " + fitted + " typical spans fit into 1 MiB; the --batch=4096 command needs "
                    + "--max-request-bytes");
            assertTrue(fitted < rows.length, "the request never filled up: the test proves nothing about its size");
        } finally {
            buffer.releaseLast();
        }
    }
}
