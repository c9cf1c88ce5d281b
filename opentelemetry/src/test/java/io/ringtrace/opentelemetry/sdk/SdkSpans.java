package io.ringtrace.opentelemetry.sdk;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One fixed workload of SDK spans, made the same way for every processor under test: ids from a
 * counter, explicit times, and every field a span can carry (all attribute types, events, links,
 * trace states, remote and local parents, every kind and status, the SDK's limits dropping some).
 */
final class SdkSpans {

    static final Resource RESOURCE = Resource.getDefault().merge(Resource.create(Attributes.builder()
            .put("service.name", "sdk-differential")
            .put("host.cores", 2L)
            .put("deployment.weights", 0.5, 1.5)
            .put(AttributeKey.booleanArrayKey("flags"), List.of(true, false))
            .build(), "https://opentelemetry.io/schemas/1.24.0"));

    static final long START = 1_700_000_000_000_000_000L;
    static final Clock FIXED_CLOCK = new Clock() {
        @Override
        public long now() {
            return START + 50;
        }

        @Override
        public long nanoTime() {
            return 50;
        }
    };
    /** A short stack trace: its text stays within ringtrace's per-span byte budget for events. */
    static final RuntimeException FAILURE = shortStackTrace(new IllegalStateException("order rejected"));

    private SdkSpans() {}

    /** @return a provider with the workload's resource, counting ids and limits, and {@code processor} */
    static SdkTracerProvider provider(SpanProcessor processor) {
        return SdkTracerProvider.builder()
                .setResource(RESOURCE)
                .setIdGenerator(new CountingIds())
                .setClock(FIXED_CLOCK) // recordException takes its time from the clock
                .setSpanLimits(SpanLimits.builder().setMaxNumberOfAttributes(12).setMaxNumberOfEvents(3)
                        .setMaxNumberOfLinks(2).setMaxNumberOfAttributesPerEvent(2).setMaxNumberOfAttributesPerLink(1).build())
                .addSpanProcessor(processor)
                .build();
    }

    /**
     * Makes the workload's spans.
     *
     * @param provider where
     * @param rounds how many times the whole set (each round: 6 spans)
     * @return the number of sampled spans made
     */
    static int produce(SdkTracerProvider provider, int rounds) {
        Tracer orders = provider.tracerBuilder("com.example.orders").setInstrumentationVersion("1.2.3")
                .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0").build();
        Tracer cache = provider.get("com.example.cache");
        SpanContext remote = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c", "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.builder().put("vendor", "v1").put("other", "x").build());
        SpanContext linked = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "b7ad6b7169203331",
                TraceFlags.getDefault(), TraceState.builder().put("k", "v").build());
        int spans = 0;
        for (int round = 0; round < rounds; round++) {
            long t = START + round * 1_000_000L;
            Span server = orders.spanBuilder("GET /orders/{id}")
                    .setParent(Context.root().with(Span.wrap(remote)))
                    .setSpanKind(SpanKind.SERVER)
                    .setStartTimestamp(t, TimeUnit.NANOSECONDS)
                    .setAttribute("http.route", "/orders/{id}")
                    .setAttribute("http.status_code", 200L + round)
                    .setAttribute("ratio", 0.25)
                    .setAttribute("cached", round % 2 == 0)
                    .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "ü-b", ""))
                    .setAttribute(AttributeKey.longArrayKey("sizes"), List.of(1L, -2L, Long.MAX_VALUE))
                    .setAttribute(AttributeKey.doubleArrayKey("weights"), List.of(0.5, -1e300))
                    .setAttribute(AttributeKey.booleanArrayKey("bits"), List.of(true, false, true))
                    .addLink(linked, Attributes.of(AttributeKey.stringKey("reason"), "retry", AttributeKey.longKey("n"), 2L))
                    .addLink(SpanContext.createFromRemoteParent("4bf92f3577b34da6a3ce929d0e0e4737", "b7ad6b7169203332",
                            TraceFlags.getSampled(), TraceState.getDefault()))
                    .addLink(linked) // over the limit of 2: dropped and counted by the SDK
                    .startSpan();
            server.setAttribute(AttributeKey.valueKey("payload"), Value.of(new byte[] {1, 2, 3}));
            server.setAttribute(AttributeKey.valueKey("label"), Value.of("boxed"));
            for (int i = 0; i < 6; i++) { // 10 + 6 > 12: four dropped and counted by the SDK
                server.setAttribute("extra." + i, i);
            }
            server.addEvent("cache miss", Attributes.of(AttributeKey.stringKey("key"), "order:" + round,
                    AttributeKey.longKey("shard"), 3L, AttributeKey.booleanKey("cold"), true), t + 10, TimeUnit.NANOSECONDS);
            server.addEvent("empty", t + 20, TimeUnit.NANOSECONDS);
            server.recordException(FAILURE, Attributes.of(AttributeKey.stringKey("extra"), "x"));
            server.addEvent("over the limit", t + 30, TimeUnit.NANOSECONDS);
            server.setStatus(StatusCode.ERROR, "rejected");

            Span local = cache.spanBuilder("cache get").setParent(Context.root().with(server))
                    .setSpanKind(SpanKind.CLIENT).setStartTimestamp(t + 100, TimeUnit.NANOSECONDS).startSpan();
            local.setStatus(StatusCode.OK);
            local.end(t + 200, TimeUnit.NANOSECONDS);

            for (SpanKind kind : new SpanKind[] {SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER}) {
                orders.spanBuilder("kind " + kind).setSpanKind(kind).setNoParent()
                        .setStartTimestamp(t + 300, TimeUnit.NANOSECONDS).startSpan().end(t + 400, TimeUnit.NANOSECONDS);
            }
            orders.spanBuilder("").setNoParent().setStartTimestamp(t + 500, TimeUnit.NANOSECONDS).startSpan()
                    .end(t + 600, TimeUnit.NANOSECONDS);
            server.end(t + 1000, TimeUnit.NANOSECONDS);
            spans += 6;
        }
        return spans;
    }

    private static RuntimeException shortStackTrace(RuntimeException e) {
        e.setStackTrace(new StackTraceElement[] {new StackTraceElement("com.example.Orders", "place", "Orders.java", 42)});
        return e;
    }

    /** Ids from counters: the same sequence for every provider built by {@link #provider}. */
    static final class CountingIds implements IdGenerator {
        private long next = 0x1000;

        @Override
        public synchronized String generateSpanId() {
            return String.format("%016x", ++next);
        }

        @Override
        public synchronized String generateTraceId() {
            return String.format("%016x%016x", 0x5b8efff798038103L, ++next);
        }
    }
}
