package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.testkit.OtlpReceiver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Name resolution blocks (the JDK's resolver waits out DNS timeouts of seconds and cannot be
 * interrupted); it runs on gRPC's offload executor. Here a name resolver, registered for a scheme of
 * this test's own, re-resolves in 3 s of uninterruptible sleep on that executor: calls meanwhile
 * complete without waiting for it, and shutdown keeps its deadline.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowNameResolutionTest extends ExporterTestBase {

    private static final String SCHEME = "ringtrace-slow-resolver-test";
    private static final long SLOW_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final SlowProvider provider = new SlowProvider();

    @BeforeEach
    void registerResolver() {
        NameResolverRegistry.getDefaultRegistry().register(provider);
    }

    @AfterEach
    void deregisterResolver() {
        NameResolverRegistry.getDefaultRegistry().deregister(provider);
    }

    @Test
    void aSlowNameResolutionDelaysNoCompletionAndShutdownKeepsItsDeadline() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        provider.port = receiver.port();
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(SCHEME + ":///collector")
                .insecure(true)
                .retryPolicy(FAST_RETRIES)
                .build());
        TestRequest first = request(otlpRequest(3));
        exporter.export(first);
        assertTrue(first.await(WAIT).succeeded(), "connected through the test's resolver");

        SlowResolver resolver = provider.resolver;
        SlowRefresh refresh = resolver.refreshSlowly();
        assertTrue(refresh.started.await(20, TimeUnit.SECONDS), "the slow refresh runs on the offload executor");
        TestRequest during = request(otlpRequest(3));
        exporter.export(during);
        assertTrue(during.await(WAIT).succeeded());
        long refreshEnded = refresh.endedNanos;
        assertTrue(refreshEnded == 0 || during.completedAtNanos() - refreshEnded < 0,
                "completed while the resolution still blocked, not after it: completed "
                        + TimeUnit.NANOSECONDS.toMillis(during.completedAtNanos() - refresh.startedNanos)
                        + " ms into the 3 s refresh");

        receiver.delayNext(1, Duration.ofSeconds(5));
        TestRequest held = request(otlpRequest(3));
        exporter.export(held);
        assertTrue(receiver.awaitCallCount(3, WAIT));
        SlowRefresh another = resolver.refreshSlowly();
        assertTrue(another.started.await(20, TimeUnit.SECONDS));
        long start = System.nanoTime();
        exporter.shutdown(start + TimeUnit.SECONDS.toNanos(1));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(tookMillis < 2_500, "shutdown(1 s) took " + tookMillis + " ms");
        assertTrue(another.endedNanos == 0 || another.endedNanos - start > TimeUnit.MILLISECONDS.toNanos(tookMillis),
                "the test's premise: the refresh still blocks when shutdown returns");
        assertEquals(DropReason.SHUTDOWN, held.await(Duration.ZERO).failure());
    }

    /** Serves {@link #SCHEME}: every target resolves to 127.0.0.1 and the receiver's port. */
    private static final class SlowProvider extends NameResolverProvider {
        volatile int port;
        volatile SlowResolver resolver;

        @Override
        protected boolean isAvailable() {
            return true;
        }

        @Override
        protected int priority() {
            return 5;
        }

        @Override
        public String getScheme() {
            return SCHEME;
        }

        @Override
        public String getDefaultScheme() {
            return SCHEME;
        }

        @Override
        public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
            if (!SCHEME.equals(targetUri.getScheme())) {
                return null;
            }
            resolver = new SlowResolver(new InetSocketAddress("127.0.0.1", port), args.getOffloadExecutor());
            return resolver;
        }
    }

    /** Resolves at once at start; {@link #refreshSlowly()} blocks the offload executor like a DNS timeout. */
    private static final class SlowResolver extends NameResolver {
        private final InetSocketAddress address;
        private final Executor offloadExecutor;

        SlowResolver(InetSocketAddress address, Executor offloadExecutor) {
            this.address = address;
            this.offloadExecutor = offloadExecutor;
        }

        @Override
        public String getServiceAuthority() {
            return "collector";
        }

        @Override
        public void start(Listener2 listener) {
            listener.onResult(ResolutionResult.newBuilder()
                    .setAddresses(List.of(new EquivalentAddressGroup(address)))
                    .build());
        }

        SlowRefresh refreshSlowly() {
            SlowRefresh refresh = new SlowRefresh();
            offloadExecutor.execute(refresh);
            return refresh;
        }

        @Override
        public void shutdown() {}
    }

    /** 3 s on the offload executor that an interrupt does not end, as with a native DNS lookup. */
    private static final class SlowRefresh implements Runnable {
        final CountDownLatch started = new CountDownLatch(1);
        volatile long startedNanos;
        volatile long endedNanos;

        @Override
        public void run() {
            startedNanos = System.nanoTime();
            started.countDown();
            long end = startedNanos + SLOW_REFRESH_NANOS;
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
            endedNanos = System.nanoTime();
        }
    }
}
