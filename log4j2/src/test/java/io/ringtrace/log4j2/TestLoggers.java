package io.ringtrace.log4j2;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.async.AsyncLoggerConfig;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.NullConfiguration;

/** Logger contexts made in code for tests: one logger, synchronous or asynchronous, writing to one appender only. */
final class TestLoggers {

    private TestLoggers() {}

    /**
     * @param name the context's and the logger's name
     * @param async an {@link AsyncLoggerConfig} (its own Disruptor thread runs the appender) or a synchronous logger
     * @param appender a started appender
     * @return the started context; {@code context.getLogger(name)} logs through the appender
     */
    static LoggerContext start(String name, boolean async, Appender appender) {
        Configuration config = new NullConfiguration();
        config.addAppender(appender);
        LoggerConfig loggerConfig = async
                ? AsyncLoggerConfig.newAsyncBuilder().withLoggerName(name).withLevel(Level.INFO).withAdditivity(false)
                        .withConfig(config).withIncludeLocation("false").build()
                : LoggerConfig.newBuilder().withLoggerName(name).withLevel(Level.INFO).withAdditivity(false)
                        .withConfig(config).withIncludeLocation("false").build();
        loggerConfig.addAppender(appender, null, null);
        config.addLogger(name, loggerConfig);
        LoggerContext context = new LoggerContext(name);
        context.start(config);
        return context;
    }
}
