package io.ringtrace.bench.logs;

import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.async.AsyncLogger;
import org.apache.logging.log4j.core.async.AsyncLoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.logging.log4j.util.Constants;

/**
 * A Log4j2 context of asynchronous loggers (an {@link AsyncLoggerContext} of its own, so it does not
 * depend on which context selector this JVM's Log4j2 started with) with one appender on the root
 * logger, built in code so a benchmark can hand the appender a log engine it reads back. Refuses to
 * start unless the JVM's flags made Log4j2 garbage-free ({@link LogShape#log4j2Flags()}).
 */
public final class AsyncLog4j2 {

    private final AsyncLoggerContext context;
    private final Logger logger;

    /**
     * @param appender the root logger's only appender (started here)
     * @param loggerName the name of the logger the benchmark logs through
     */
    public AsyncLog4j2(Appender appender, String loggerName) {
        if (!Constants.ENABLE_THREADLOCALS) {
            throw new IllegalStateException("Log4j2 is not garbage-free: run with " + LogShape.THREADLOCALS
                    + " (before Log4j2's first use in the JVM)");
        }
        context = new AsyncLoggerContext("ringtrace-bench-" + appender.getName());
        ConfigurationBuilder<BuiltConfiguration> builder = ConfigurationBuilderFactory.newConfigurationBuilder();
        builder.setStatusLevel(Level.WARN);
        builder.setLoggerContext(context);
        builder.add(builder.newRootLogger(Level.INFO));
        context.start(builder.build());
        Configuration configuration = context.getConfiguration();
        appender.start();
        configuration.addAppender(appender);
        configuration.getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
        logger = context.getLogger(loggerName);
        if (!(logger instanceof AsyncLogger)) {
            throw new IllegalStateException("not an asynchronous logger: " + logger.getClass().getName());
        }
    }

    /** @return the asynchronous logger the benchmark logs through */
    public Logger logger() {
        return logger;
    }

    /** Stops the context: Log4j2 drains its ring into the appender, then stops the appender. */
    public void stop() {
        if (!context.stop(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Log4j2 did not stop within 60 s");
        }
    }
}
