package io.ringtrace.bench.load;

import io.ringtrace.bench.logs.AsyncLog4j2;
import io.ringtrace.bench.logs.CountingAppender;
import io.ringtrace.bench.logs.LogFile;
import io.ringtrace.bench.logs.LogShape;
import io.ringtrace.engine.ops.LatencyHistogram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import org.apache.logging.log4j.ThreadContext;

/**
 * The reference: Log4j2's asynchronous garbage-free logger writing a formatted line per event to a
 * file in a temporary directory ({@link LogFile}), the cost users pay today. No receiver: during the
 * run "delivered" is what the file appender took ({@link CountingAppender}); after close it is the
 * file's lines, counted before the file is deleted. Log4j2's ring blocks the caller when full, so
 * nothing is dropped anywhere (a lost line shows as published minus delivered).
 */
final class Log4j2FileSystem implements LoadSystem {

    private final LogFile file;
    private final CountingAppender appender;
    private final AsyncLog4j2 log4j2;
    private final org.apache.logging.log4j.Logger logger;
    /** The file's lines after close, -1 before. */
    private long linesAfterClose = -1;

    /** @param spec the run (nothing in it applies but the system) */
    Log4j2FileSystem(RunSpec spec) {
        LogShape.applyLog4j2Flags(); // in-process runs; a forked run JVM has them as flags already
        try {
            file = LogFile.createTemporary();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log file's temporary directory", e);
        }
        appender = new CountingAppender(file.appender("file"));
        log4j2 = new AsyncLog4j2(appender, LogShape.LOGGER);
        logger = log4j2.logger();
    }

    @Override
    public String name() {
        return LogSystems.LOG4J2_FILE;
    }

    @Override
    public boolean publish() {
        ThreadContext.put(LogShape.KEY_ORDER, LogShape.ORDER);
        ThreadContext.put(LogShape.KEY_TIER, LogShape.TIER);
        logger.info(LogShape.BODY);
        return true;
    }

    @Override
    public void close(Duration deadline) {
        log4j2.stop(); // drains Log4j2's ring into the file and closes it
        try {
            linesAfterClose = file.countLines();
            file.delete();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or delete " + file.path(), e);
        }
    }

    @Override
    public long exported() {
        return linesAfterClose >= 0 ? linesAfterClose : appender.appended();
    }

    @Override
    public long countedDrops() {
        return -1; // nothing drops: Log4j2's ring blocks when full
    }

    @Override
    public ExportLatency exportLatency() {
        return ExportLatency.of(new LatencyHistogram.Snapshot()); // nothing is exported
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of("log4j2 file: lines written (whole run)", linesAfterClose);
    }
}
