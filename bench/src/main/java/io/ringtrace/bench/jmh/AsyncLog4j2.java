package io.ringtrace.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.async.AsyncLogger;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.logging.log4j.util.Constants;

/**
 * A Log4j2 context of asynchronous loggers with one appender on the root logger, built in code so
 * the benchmark can hand the appender a log engine it reads back. Refuses to start unless the fork's
 * flags made it what {@link LogEmitBenchmark} claims to measure: asynchronous and garbage-free.
 */
final class AsyncLog4j2 {

    private final LoggerContext context;
    private final Logger logger;

    /**
     * @param appender the root logger's only appender (started here)
     * @param loggerName the name of the logger the benchmark logs through
     */
    AsyncLog4j2(Appender appender, String loggerName) {
        if (!Constants.ENABLE_THREADLOCALS) {
            throw new IllegalStateException("Log4j2 is not garbage-free: run with -Dlog4j2.enableThreadlocals=true");
        }
        ConfigurationBuilder<BuiltConfiguration> builder = ConfigurationBuilderFactory.newConfigurationBuilder();
        builder.setStatusLevel(Level.WARN);
        builder.add(builder.newRootLogger(Level.INFO));
        context = Configurator.initialize(builder.build());
        Configuration configuration = context.getConfiguration();
        appender.start();
        configuration.addAppender(appender);
        configuration.getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
        logger = context.getLogger(loggerName);
        if (!(logger instanceof AsyncLogger)) {
            throw new IllegalStateException("not an asynchronous logger: " + logger.getClass().getName()
                    + "; run with -Dlog4j2.contextSelector=org.apache.logging.log4j.core.async.AsyncLoggerContextSelector");
        }
    }

    /** @return the asynchronous logger the benchmark logs through */
    Logger logger() {
        return logger;
    }

    /** Stops the context: Log4j2 drains its ring into the appender, then stops the appender. */
    void stop() {
        if (!context.stop(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Log4j2 did not stop within 60 s");
        }
    }
}
