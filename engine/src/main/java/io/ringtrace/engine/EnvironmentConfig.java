package io.ringtrace.engine;

import io.ringtrace.codec.Resource;
import io.ringtrace.engine.config.OtelConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Reads the standard OpenTelemetry variables that apply to the engine and applies them to a builder.
 * Each invalid value is reported with an {@link IllegalArgumentException} naming the variable.
 */
final class EnvironmentConfig {

    static final String SDK_DISABLED = "OTEL_SDK_DISABLED";
    static final String SERVICE_NAME = "OTEL_SERVICE_NAME";
    static final String RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";
    static final String BSP_SCHEDULE_DELAY = "OTEL_BSP_SCHEDULE_DELAY";
    static final String BSP_MAX_QUEUE_SIZE = "OTEL_BSP_MAX_QUEUE_SIZE";
    static final String BSP_MAX_EXPORT_BATCH_SIZE = "OTEL_BSP_MAX_EXPORT_BATCH_SIZE";
    static final String TRACES_SAMPLER = "OTEL_TRACES_SAMPLER";
    static final String TRACES_SAMPLER_ARG = "OTEL_TRACES_SAMPLER_ARG";
    static final String BLRP_SCHEDULE_DELAY = "OTEL_BLRP_SCHEDULE_DELAY";
    static final String BLRP_MAX_QUEUE_SIZE = "OTEL_BLRP_MAX_QUEUE_SIZE";
    static final String BLRP_MAX_EXPORT_BATCH_SIZE = "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE";
    static final String BLRP_EXPORT_TIMEOUT = "OTEL_BLRP_EXPORT_TIMEOUT";
    static final String LOGS_EXPORTER = "OTEL_LOGS_EXPORTER";

    /** The OpenTelemetry default service name for Java. */
    static final String DEFAULT_SERVICE_NAME = "unknown_service:java";
    /** This build's version, {@code telemetry.sdk.version}: the build writes it into ringtrace.properties. */
    static final String SDK_VERSION = sdkVersion();

    private static final System.Logger LOG = System.getLogger(EnvironmentConfig.class.getName());

    private EnvironmentConfig() {}

    static void apply(Function<String, String> env, TraceEngineBuilder builder) {
        if (sdkDisabled(env)) {
            builder.disabled(true);
        }
        applyBatching(env, BSP_SCHEDULE_DELAY, BSP_MAX_QUEUE_SIZE, BSP_MAX_EXPORT_BATCH_SIZE, builder.pipeline);
        String sampler = value(env, TRACES_SAMPLER);
        String samplerArg = value(env, TRACES_SAMPLER_ARG);
        if (sampler != null) {
            builder.sampler(sampler(sampler, samplerArg));
        }
        Resource resource = resource(env);
        if (resource != null) {
            builder.resource(resource);
        }
    }

    /** A batch processor's variables ({@code OTEL_BSP_*}, {@code OTEL_BLRP_*}), applied to its engine's pipeline. */
    private static void applyBatching(Function<String, String> env, String delayVariable, String queueVariable,
                                      String batchVariable, PipelineSettings settings) {
        String delay = value(env, delayVariable);
        if (delay != null) {
            settings.scheduleDelay(Duration.ofMillis(nonNegativeInt(delayVariable, delay)));
        }
        String queue = value(env, queueVariable);
        if (queue != null) {
            settings.ringSize(ringSizeFor(queueVariable, positiveInt(queueVariable, queue)));
        }
        String batch = value(env, batchVariable);
        if (batch != null) {
            settings.maxExportBatchSize(positiveInt(batchVariable, batch));
        }
    }

    /** @return the resource {@code OTEL_SERVICE_NAME} and {@code OTEL_RESOURCE_ATTRIBUTES} ask for, or null if neither is set */
    private static Resource resource(Function<String, String> env) {
        String serviceName = value(env, SERVICE_NAME);
        String attributes = value(env, RESOURCE_ATTRIBUTES);
        return serviceName != null || attributes != null ? defaultResource(serviceName, attributes) : null;
    }

    /**
     * The log engine's variables: {@code OTEL_SDK_DISABLED}, {@code OTEL_LOGS_EXPORTER} ({@code none}
     * disables it; {@code otlp}, the default, keeps the exporter given), {@code OTEL_BLRP_*}, and the
     * resource's {@code OTEL_SERVICE_NAME} and {@code OTEL_RESOURCE_ATTRIBUTES}.
     */
    static void apply(Function<String, String> env, LogEngineBuilder builder) {
        String exporter = value(env, LOGS_EXPORTER);
        if (exporter != null) {
            String name = exporter.toLowerCase(Locale.ROOT);
            if (name.equals("none")) {
                builder.disabled(true);
            } else if (!name.equals("otlp")) {
                throw new IllegalArgumentException(LOGS_EXPORTER + "='" + exporter + "' is not supported; use otlp"
                        + " (the exporter given to the builder) or none");
            }
        }
        if (sdkDisabled(env)) {
            builder.disabled(true);
        }
        applyBatching(env, BLRP_SCHEDULE_DELAY, BLRP_MAX_QUEUE_SIZE, BLRP_MAX_EXPORT_BATCH_SIZE, builder.pipeline);
        String timeout = value(env, BLRP_EXPORT_TIMEOUT);
        if (timeout != null) {
            builder.exportTimeout(Duration.ofMillis(nonNegativeInt(BLRP_EXPORT_TIMEOUT, timeout)));
        }
        Resource resource = resource(env);
        if (resource != null) {
            builder.resource(resource);
        }
    }

    /** @return whether {@code OTEL_SDK_DISABLED} is true (anything but true/false is false, with a warning) */
    private static boolean sdkDisabled(Function<String, String> env) {
        String disabled = value(env, SDK_DISABLED);
        if (disabled != null && !disabled.equalsIgnoreCase("true") && !disabled.equalsIgnoreCase("false")) {
            // the specification: anything but "true" means false, with a warning
            LOG.log(Level.WARNING, "ringtrace: " + SDK_DISABLED + "='" + disabled + "' is not true/false; treated as false");
        }
        return disabled != null && disabled.equalsIgnoreCase("true");
    }

    /**
     * A queue-size variable ({@code OTEL_BSP_MAX_QUEUE_SIZE}, {@code OTEL_BLRP_MAX_QUEUE_SIZE}) is a
     * queue length; the ring needs a power of two, so the value is rounded up (2048, the
     * OpenTelemetry default, stays 2048; 3000 becomes 4096).
     */
    static int ringSizeFor(int queueSize) {
        return ringSizeFor(BSP_MAX_QUEUE_SIZE, queueSize);
    }

    /** @see #ringSizeFor(int) */
    static int ringSizeFor(String variable, int queueSize) {
        if (queueSize > TraceEngineBuilder.MAX_RING_SIZE) {
            throw new IllegalArgumentException(variable + " must be at most " + TraceEngineBuilder.MAX_RING_SIZE
                    + ", got " + queueSize);
        }
        int size = Integer.highestOneBit(Math.max(2, queueSize));
        return size < queueSize ? size << 1 : size;
    }

    static Sampler sampler(String name, String arg) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "always_on":
                return Sampler.alwaysOn();
            case "always_off":
                return Sampler.alwaysOff();
            case "traceidratio":
                return Sampler.traceIdRatio(ratio(arg));
            case "parentbased_always_on":
                return Sampler.parentBased(Sampler.alwaysOn());
            case "parentbased_always_off":
                return Sampler.parentBased(Sampler.alwaysOff());
            case "parentbased_traceidratio":
                return Sampler.parentBased(Sampler.traceIdRatio(ratio(arg)));
            default:
                throw new IllegalArgumentException(TRACES_SAMPLER + "='" + name + "' is not supported; use always_on,"
                        + " always_off, traceidratio, parentbased_always_on, parentbased_always_off or"
                        + " parentbased_traceidratio");
        }
    }

    private static double ratio(String arg) {
        if (arg == null) {
            return 1.0; // the specification's default
        }
        double ratio;
        try {
            ratio = Double.parseDouble(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(TRACES_SAMPLER_ARG + " must be a number in [0, 1], got '" + arg + "'", e);
        }
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException(TRACES_SAMPLER_ARG + " must be a number in [0, 1], got '" + arg + "'");
        }
        return ratio;
    }

    /**
     * The engine's resource: {@code OTEL_RESOURCE_ATTRIBUTES} ({@code key=value,...}, values
     * percent-decoded), then {@code service.name} from {@code OTEL_SERVICE_NAME} (which wins), or
     * the default {@code unknown_service:java}; plus {@code telemetry.sdk.name=ringtrace},
     * {@code telemetry.sdk.language=java} and {@code telemetry.sdk.version} (this build's version),
     * which the semantic conventions require.
     */
    static Resource defaultResource(String serviceName, String attributes) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("service.name", DEFAULT_SERVICE_NAME);
        if (attributes != null) {
            for (String entry : attributes.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                int equals = entry.indexOf('=');
                if (equals <= 0 || entry.substring(0, equals).isBlank()) {
                    throw new IllegalArgumentException(RESOURCE_ATTRIBUTES + " must be key=value pairs separated by ',';"
                            + " invalid entry '" + entry + "'");
                }
                values.put(percentDecode(entry.substring(0, equals).trim()), percentDecode(entry.substring(equals + 1).trim()));
            }
        }
        if (serviceName != null) {
            values.put("service.name", serviceName);
        }
        values.put("telemetry.sdk.name", "ringtrace");
        values.put("telemetry.sdk.language", "java");
        values.put("telemetry.sdk.version", SDK_VERSION);
        Resource.Builder builder = Resource.builder();
        for (Map.Entry<String, String> e : values.entrySet()) {
            builder.attribute(e.getKey(), e.getValue());
        }
        return builder.build();
    }

    private static String sdkVersion() {
        try (InputStream in = EnvironmentConfig.class.getResourceAsStream("ringtrace.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version", "").trim();
                if (!version.isEmpty() && !version.startsWith("${")) { // not filled in: a build without filtering
                    return version;
                }
            }
        } catch (IOException e) {
            // a broken jar: reported as unknown below
        }
        return "unknown";
    }

    private static String percentDecode(String s) {
        try {
            return OtelConfiguration.percentDecode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(RESOURCE_ATTRIBUTES + ": invalid percent-encoding in '" + s + "'");
        }
    }

    private static String value(Function<String, String> env, String name) {
        String v = env.apply(name);
        if (v == null) {
            return null;
        }
        v = v.trim();
        return v.isEmpty() ? null : v; // the specification: empty means unset
    }

    private static int positiveInt(String name, String value) {
        int n = nonNegativeInt(name, value);
        if (n == 0) {
            throw new IllegalArgumentException(name + " must be a positive integer, got '" + value + "'");
        }
        return n;
    }

    private static int nonNegativeInt(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a non-negative integer, got '" + value + "'");
    }
}
