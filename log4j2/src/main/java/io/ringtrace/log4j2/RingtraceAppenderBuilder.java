package io.ringtrace.log4j2;

import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.LogEngineBuilder;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.TraceCorrelation;
import io.ringtrace.engine.config.OtelConfiguration;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.exporter.OtlpExporters;
import java.util.Locale;
import java.util.function.Function;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderAttribute;
import org.apache.logging.log4j.status.StatusLogger;

/**
 * Builds a {@link RingtraceAppender}: Log4j2 sets its fields from the {@code <Ringtrace>} element's
 * attributes, or code calls the setters. Every attribute but {@code name} is optional. The OTLP
 * ones stand for the standard variables and win over them ({@code endpoint} is {@code
 * OTEL_EXPORTER_OTLP_LOGS_ENDPOINT}, {@code protocol} {@code _PROTOCOL}, {@code headers} {@code
 * _HEADERS}, {@code serviceName} {@code OTEL_SERVICE_NAME}); every other variable (timeout,
 * compression, certificates, {@code OTEL_RESOURCE_ATTRIBUTES}, {@code OTEL_BLRP_*}, {@code
 * OTEL_LOGS_EXPORTER}, {@code OTEL_SDK_DISABLED}) is read as every ringtrace builder reads it. The
 * appender builds and owns its {@link LogEngine}, unless one is given ({@link #logEngine}).
 */
public final class RingtraceAppenderBuilder extends AbstractAppender.Builder<RingtraceAppenderBuilder>
        implements org.apache.logging.log4j.core.util.Builder<RingtraceAppender> {

    /** Attribute bytes a record keeps besides its stack trace: context entries, thread, exception type and message. */
    static final int ATTRIBUTE_BYTES_BESIDES_STACK_TRACE = SpanLimits.DEFAULT_ATTRIBUTE_BYTES;

    @PluginBuilderAttribute
    private String endpoint;
    @PluginBuilderAttribute
    private String protocol;
    @PluginBuilderAttribute(sensitive = true)
    private String headers;
    @PluginBuilderAttribute
    private String serviceName;
    @PluginBuilderAttribute
    private int ringSize;
    @PluginBuilderAttribute
    private String overloadPolicy;
    @PluginBuilderAttribute
    private boolean threadInfo;
    @PluginBuilderAttribute
    private int maxBodyBytes = LogLimits.DEFAULT_BODY_BYTES;
    @PluginBuilderAttribute
    private int maxStackTraceBytes = LogEventMapper.DEFAULT_MAX_STACK_TRACE_BYTES;
    @PluginBuilderAttribute
    private int maxScopes = LogEventMapper.DEFAULT_MAX_SCOPES;
    @PluginBuilderAttribute
    private int maxContextKeys = LogEventMapper.DEFAULT_MAX_CONTEXT_KEYS;
    @PluginBuilderAttribute
    private long closeTimeoutMillis = LogEngineBuilder.DEFAULT_EXPORT_TIMEOUT.toMillis();
    @PluginBuilderAttribute
    private String traceCorrelation;

    private LogEngine logEngine;
    private TraceCorrelation correlation;
    private Function<String, String> environment = OtelConfiguration.system();

    RingtraceAppenderBuilder() {
    }

    /** @param url the OTLP logs endpoint ({@code OTEL_EXPORTER_OTLP_LOGS_ENDPOINT}) @return this */
    public RingtraceAppenderBuilder setEndpoint(String url) {
        this.endpoint = url;
        return this;
    }

    /**
     * @param protocol {@code http/protobuf} (the default when neither this nor a protocol variable is
     *     set) or {@code grpc} ({@code OTEL_EXPORTER_OTLP_LOGS_PROTOCOL})
     * @return this
     */
    public RingtraceAppenderBuilder setProtocol(String protocol) {
        this.protocol = protocol;
        return this;
    }

    /** @param headers {@code key=value,...}, percent-encoded values ({@code OTEL_EXPORTER_OTLP_LOGS_HEADERS}) @return this */
    public RingtraceAppenderBuilder setHeaders(String headers) {
        this.headers = headers;
        return this;
    }

    /** @param serviceName the resource's {@code service.name} ({@code OTEL_SERVICE_NAME}) @return this */
    public RingtraceAppenderBuilder setServiceName(String serviceName) {
        this.serviceName = serviceName;
        return this;
    }

    /** @param slots the ring's slots, a power of two; 0: {@code OTEL_BLRP_MAX_QUEUE_SIZE} or 8,192 @return this */
    public RingtraceAppenderBuilder setRingSize(int slots) {
        this.ringSize = slots;
        return this;
    }

    /** @param policy {@code DROP} (default: a full ring drops and counts) or {@code BLOCK} (the logging thread waits) @return this */
    public RingtraceAppenderBuilder setOverloadPolicy(String policy) {
        this.overloadPolicy = policy;
        return this;
    }

    /** @param threadInfo whether records carry {@code thread.name} and {@code thread.id} @return this */
    public RingtraceAppenderBuilder setThreadInfo(boolean threadInfo) {
        this.threadInfo = threadInfo;
        return this;
    }

    /** @param bytes the body budget in wire bytes (4,096); a longer message is cut @return this */
    public RingtraceAppenderBuilder setMaxBodyBytes(int bytes) {
        this.maxBodyBytes = bytes;
        return this;
    }

    /** @param bytes bound of {@code exception.stacktrace} in UTF-8 bytes (8,192); 0: none sent @return this */
    public RingtraceAppenderBuilder setMaxStackTraceBytes(int bytes) {
        this.maxStackTraceBytes = bytes;
        return this;
    }

    /** @param loggers logger names with a scope of their own (1,024) @return this */
    public RingtraceAppenderBuilder setMaxScopes(int loggers) {
        this.maxScopes = loggers;
        return this;
    }

    /** @param keys thread context keys kept pre-encoded (256) @return this */
    public RingtraceAppenderBuilder setMaxContextKeys(int keys) {
        this.maxContextKeys = keys;
        return this;
    }

    /** @param millis the least time stopping waits for the records published before (30,000) @return this */
    public RingtraceAppenderBuilder setCloseTimeoutMillis(long millis) {
        this.closeTimeoutMillis = millis;
        return this;
    }

    /**
     * @param className a {@link TraceCorrelation} class with a public no-argument constructor, made
     *     once at build (e.g. {@code io.ringtrace.opentelemetry.OpenTelemetryCorrelation}: each record
     *     carries OpenTelemetry's current span); null or blank for none
     * @return this
     */
    public RingtraceAppenderBuilder setTraceCorrelation(String className) {
        this.traceCorrelation = className;
        return this;
    }

    /**
     * @param source where each record's trace context comes from, asked on the appender's thread
     *     (wins over {@link #setTraceCorrelation(String)}); null for none
     * @return this
     */
    public RingtraceAppenderBuilder setCorrelation(TraceCorrelation source) {
        this.correlation = source;
        return this;
    }

    /**
     * @param engine a log engine to write into instead of building one: the appender flushes it
     *     when it stops and leaves closing it to its owner; its limits bound the records (the
     *     OTLP, ring and body attributes do not apply)
     * @return this
     */
    public RingtraceAppenderBuilder setLogEngine(LogEngine engine) {
        this.logEngine = engine;
        return this;
    }

    /**
     * @param environment where the standard variables are read (default: system properties, then the
     *     environment), for embedding and tests
     * @return this
     */
    public RingtraceAppenderBuilder setEnvironment(Function<String, String> environment) {
        this.environment = environment;
        return this;
    }

    /**
     * @return the appender, its engine built and started (or given); null if the configuration is
     *     invalid, which is reported on Log4j2's status logger naming the setting, as Log4j2's own
     *     plugins do
     */
    @Override
    public RingtraceAppender build() {
        try {
            return buildOrThrow();
        } catch (IllegalArgumentException | IllegalStateException e) {
            StatusLogger.getLogger().error("Ringtrace appender {}: {}", getName(), e.getMessage());
            return null;
        }
    }

    /**
     * @return the appender
     * @throws IllegalArgumentException naming the attribute or variable with an invalid value
     * @throws IllegalStateException if the engine cannot start (a JVM flag missing, naming it)
     */
    RingtraceAppender buildOrThrow() {
        if (getName() == null || getName().isEmpty()) {
            throw new IllegalArgumentException("the appender needs a name");
        }
        if (maxStackTraceBytes < 0 || maxBodyBytes < 0 || closeTimeoutMillis < 0) {
            throw new IllegalArgumentException("maxStackTraceBytes, maxBodyBytes and closeTimeoutMillis must be at least 0");
        }
        TraceCorrelation source = correlation != null ? correlation : loadCorrelation(traceCorrelation);
        boolean owned = logEngine == null;
        LogEngine engine = owned ? buildEngine() : logEngine;
        try {
            LogEventMapper mapper = new LogEventMapper(engine.logLimits(), threadInfo, maxStackTraceBytes, maxScopes,
                    maxContextKeys);
            return new RingtraceAppender(getName(), getFilter(), isIgnoreExceptions(), new EngineSink(engine, owned),
                    mapper, closeTimeoutMillis, source);
        } catch (RuntimeException e) {
            if (owned) {
                engine.close(java.time.Duration.ZERO);
            }
            throw e;
        }
    }

    /** @return an instance of the named {@link TraceCorrelation} class, or null for none */
    static TraceCorrelation loadCorrelation(String className) {
        if (className == null || className.isBlank()) {
            return null;
        }
        String name = className.trim();
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(name, true, loader != null ? loader : RingtraceAppenderBuilder.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("traceCorrelation: class " + name + " not found (" + e
                    + "); for OpenTelemetry's current span add io.ringtrace:ringtrace-opentelemetry and the"
                    + " OpenTelemetry API to the class path");
        }
        if (!TraceCorrelation.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("traceCorrelation: " + name + " does not implement " + TraceCorrelation.class.getName());
        }
        try {
            return (TraceCorrelation) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("traceCorrelation: cannot make a " + name
                    + " with its public no-argument constructor: " + e);
        }
    }

    private LogEngine buildEngine() {
        Function<String, String> settings = new AppenderSettings(environment)
                .put(AppenderSettings.LOGS_ENDPOINT, endpoint)
                .put(AppenderSettings.LOGS_PROTOCOL, protocol)
                .put(AppenderSettings.LOGS_HEADERS, headers)
                .put(AppenderSettings.SERVICE_NAME, serviceName)
                .resolver();
        LogLimits limits = LogLimits.of(SpanLimits.DEFAULT_COUNT, ATTRIBUTE_BYTES_BESIDES_STACK_TRACE + maxStackTraceBytes,
                SpanLimits.DEFAULT_TEXT_BYTES, maxBodyBytes);
        LogEngineBuilder b = LogEngine.builder().name(engineName(getName())).fromEnvironment(settings).logLimits(limits);
        if (ringSize > 0) {
            b.ringSize(ringSize);
        }
        if (overloadPolicy != null && !overloadPolicy.isBlank()) {
            b.overloadPolicy(policy(overloadPolicy));
        }
        SpanExporter exporter = OtlpExporters.fromEnvironment(settings, Signal.LOGS); // the engine owns it from here
        return b.exporter(exporter).build();
    }

    private static OverloadPolicy policy(String name) {
        try {
            return OverloadPolicy.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("overloadPolicy must be DROP or BLOCK, was " + name);
        }
    }

    /** The engine's name from the appender's: letters, digits and {@code . _ -}, at most 64 characters. */
    static String engineName(String appenderName) {
        StringBuilder s = new StringBuilder("log4j2-");
        for (int i = 0; i < appenderName.length() && s.length() < 64; i++) {
            char c = appenderName.charAt(i);
            s.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' ? c : '-');
        }
        return s.toString();
    }
}
