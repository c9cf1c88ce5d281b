package io.ringtrace.bench.probe;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.protobuf.ProtobufBuilders;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.testkit.OtlpReceiver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Not a test: a probe of the exporter alone (no ring, no encoder) that picks the default number of
 * calls in flight. A feeder thread plays the engine's serializer with a fixed pool of request
 * buffers (each a sealed request of 512 of the bench's typical spans: 4 attributes and an event
 * each), handing each free buffer to the exporter; a count-only receiver decodes every request with
 * the official classes. It reports
 * spans/s received for each maxInFlight. Receiver and exporter share the JVM and the machine.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java &lt;ringtrace.jvm.flags from the root pom&gt; -Xmx1g -cp bench/target/benchmarks.jar \
 *     io.ringtrace.bench.probe.ExportThroughputProbe [seconds per setting] [buffers]
 * </pre>
 */
public final class ExportThroughputProbe {

    private ExportThroughputProbe() {}

    /**
     * @param args seconds measured per setting (default 8), request buffers (default 8)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int buffers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        ExportTraceServiceRequest message = ProtobufBuilders.build(SpanShape.values(512, 42));
        byte[] encoded = message.toByteArray();
        System.out.printf("request: 512 spans, %d bytes; %d buffers; %d s per setting after 3 s warm-up%n",
                encoded.length, buffers, seconds);
        for (int maxInFlight : new int[] {1, 2, 4, 8, 4, 2, 1}) {
            try (OtlpReceiver receiver = OtlpReceiver.builder().countOnly().start()) {
                OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
                        .endpoint(receiver.endpoint()).maxInFlight(maxInFlight).build();
                BlockingQueue<PooledRequest> free = new ArrayBlockingQueue<>(buffers);
                for (int i = 0; i < buffers; i++) {
                    Bytes<?> buffer = Bytes.allocateElasticDirect(encoded.length);
                    buffer.write(encoded);
                    free.add(new PooledRequest(buffer, 512, free));
                }
                AtomicLong failed = new AtomicLong();
                PooledRequest.failures = failed;
                long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
                long startCount = -1;
                while (System.nanoTime() < end) {
                    PooledRequest request = free.poll(1, TimeUnit.SECONDS);
                    if (request == null) {
                        continue;
                    }
                    if (startCount < 0 && System.nanoTime() >= warmupEnd) {
                        startCount = receiver.spanCount();
                    }
                    exporter.export(request);
                }
                long received = receiver.spanCount() - startCount;
                exporter.shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
                for (PooledRequest request : free) {
                    request.payload().releaseLast();
                }
                System.out.printf("maxInFlight %d: %,d spans/s received (%d failed requests)%n",
                        maxInFlight, received / seconds, failed.get());
            }
        }
    }

    private static final class PooledRequest implements ExportRequest {
        static AtomicLong failures;
        private final Bytes<?> payload;
        private final int spans;
        private final BlockingQueue<PooledRequest> pool;

        PooledRequest(Bytes<?> payload, int spans, BlockingQueue<PooledRequest> pool) {
            this.payload = payload;
            this.spans = spans;
            this.pool = pool;
        }

        @Override
        public Bytes<?> payload() {
            return payload;
        }

        @Override
        public int spanCount() {
            return spans;
        }

        @Override
        public void retrying() {}

        @Override
        public void succeeded(long rejectedSpans) {
            pool.add(this);
        }

        @Override
        public void failed(DropReason reason) {
            failures.incrementAndGet();
            pool.add(this);
        }
    }

}
