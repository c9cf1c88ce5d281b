package io.ringtrace.log4j2;

import io.ringtrace.engine.EngineStats;
import io.ringtrace.testkit.OtlpReceiver;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.util.Unbox;

/**
 * The child JVM of {@link AsyncLoggerAllocationTest}: Log4j2 with {@code AsyncLoggerContextSelector}
 * (every logger asynchronous) and garbage-free mode, configured by {@code
 * log4j2-async-garbage-free.xml}, the appender exporting over OTLP/gRPC to a test kit receiver in
 * this JVM. Logs warm-up records, then measured ones, and prints the bytes the logging thread and
 * Log4j2's background thread (which runs the appender) allocated per measured record (the least of
 * {@value #ROUNDS} rounds), and whether
 * every record reached the receiver.
 */
public final class AsyncLoggerAllocationMain {

    /** Measured rounds of {@code measured} records each; the least counts. */
    static final int ROUNDS = 3;

    private AsyncLoggerAllocationMain() {}

    /** @param args warm-up records, measured records */
    public static void main(String[] args) throws Exception {
        int warmUp = Integer.parseInt(args[0]);
        int measured = Integer.parseInt(args[1]);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // the receiver's Netty finds Log4j2 and initializes it: the endpoint must be set before
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        System.setProperty("ringtrace.test.endpoint", "http://127.0.0.1:" + port);
        try (OtlpReceiver receiver = OtlpReceiver.builder().port(port).countOnly().start()) {
            Logger logger = LogManager.getLogger("com.example.orders");
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            RingtraceAppender appender = context.getConfiguration().getAppender("otlp");
            EngineStats stats = new EngineStats();
            ThreadContext.put("order.id", "A-17");
            ThreadContext.put("desk", "rates");
            log(logger, appender, stats, warmUp);
            long background = appendingThread(appender);
            // the least of the rounds: a one-off allocation (a recompilation, a wait on a full queue
            // under load) is not a per-record cost
            long logging = Long.MAX_VALUE;
            long appending = Long.MAX_VALUE;
            for (int round = 0; round < ROUNDS; round++) {
                long loggingBefore = threads.getCurrentThreadAllocatedBytes();
                long backgroundBefore = threads.getThreadAllocatedBytes(background);
                log(logger, appender, stats, measured);
                appending = Math.min(appending, threads.getThreadAllocatedBytes(background) - backgroundBefore);
                logging = Math.min(logging, threads.getCurrentThreadAllocatedBytes() - loggingBefore);
            }
            LogManager.shutdown(); // stops the appender: its engine exports what is left, then closes
            appender.stats(stats);
            for (io.ringtrace.engine.export.DropReason reason : io.ringtrace.engine.export.DropReason.values()) {
                if (stats.dropped(reason) != 0) {
                    System.out.println("dropped " + reason + ": " + stats.dropped(reason));
                }
            }
            System.out.println("receiver counted " + receiver.logRecordCount() + " log records");
            System.out.printf("RESULT logging=%.3f appending=%.3f published=%d exported=%d dropped=%d%n",
                    logging / (double) measured, appending / (double) measured,
                    stats.published(), stats.exported(), stats.droppedTotal());
        }
    }

    /** Logs {@code count} records and waits until the appender has published them all into its ring. */
    private static void log(Logger logger, RingtraceAppender appender, EngineStats stats, int count) {
        long target = appender.stats(stats).published() + count;
        for (int i = 0; i < count; i++) {
            logger.info("order {} filled {} at {}", "A-17", Unbox.box(i), Unbox.box(101.25d));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (appender.stats(stats).published() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("published " + stats.published() + " of " + target);
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** @return the id of Log4j2's asynchronous logger thread, which runs the appender */
    private static long appendingThread(RingtraceAppender appender) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("AsyncLogger")) {
                return t.getId();
            }
        }
        throw new IllegalStateException("no asynchronous logger thread");
    }
}
