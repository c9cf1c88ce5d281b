package io.ringtrace.opentelemetry.sdk;

import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.exporter.OtlpExporters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Installs a {@link RingtraceSpanProcessor} through the OpenTelemetry SDK's autoconfiguration (and
 * so in the OpenTelemetry Java agent, as an extension) when {@code otel.traces.exporter} (or {@code
 * OTEL_TRACES_EXPORTER}) names {@value #EXPORTER_NAME}.
 *
 * <p>How: {@value #EXPORTER_NAME} is not a span exporter of the SDK (ringtrace replaces the SDK's
 * batch processor and exporter together), so this provider takes the name out of the list before
 * the SDK configures its exporters: {@code ringtrace} alone becomes {@code none}, and the SDK's
 * {@code BatchSpanProcessor} and OTLP exporter never start; other names listed with it ({@code
 * ringtrace,console}) keep their exporters. It keeps the SDK's final resource, then adds the
 * processor to the tracer provider, with an engine named {@value #ENGINE_NAME} built from the same
 * properties the SDK reads ({@code otel.bsp.*} for the ring and batches, {@code
 * otel.exporter.otlp.*} for the exporter: endpoint, protocol, headers, timeout, compression, TLS).
 * The SDK keeps sampling, span limits, propagators and the resource. The exporter runs with
 * instrumentation suppressed, so an agent does not trace ringtrace's own exports.
 *
 * <p>Ordered last ({@link #order()}), so that it sees the resource after every other customizer.
 * Registered in {@code META-INF/services}. Without {@value #EXPORTER_NAME} in the list it changes
 * nothing.
 */
public final class RingtraceAutoConfiguration implements AutoConfigurationCustomizerProvider {

    /** The value of {@code otel.traces.exporter} that installs ringtrace. */
    public static final String EXPORTER_NAME = "ringtrace";
    /** The engine's name (its JMX MBean: {@code io.ringtrace:type=Engine,name=opentelemetry}). */
    public static final String ENGINE_NAME = "opentelemetry";

    private static final String TRACES_EXPORTER = "otel.traces.exporter";

    /** Used by the SDK's service loader. */
    public RingtraceAutoConfiguration() {}

    @Override
    public void customize(AutoConfigurationCustomizer customizer) {
        Installation installation = new Installation();
        customizer.addPropertiesCustomizer(installation::takeExporterName);
        customizer.addResourceCustomizer(installation::keepResource);
        customizer.addTracerProviderCustomizer(installation::addProcessor);
    }

    /** @return {@link Integer#MAX_VALUE}: after every other customizer provider */
    @Override
    public int order() {
        return Integer.MAX_VALUE;
    }

    /** One autoconfiguration run: whether ringtrace was asked for, and the resource it exports under. */
    private static final class Installation {
        private boolean requested;
        private Resource resource = Resource.getDefault();

        Map<String, String> takeExporterName(ConfigProperties config) {
            List<String> names = config.getList(TRACES_EXPORTER);
            if (!names.contains(EXPORTER_NAME)) {
                return Collections.emptyMap();
            }
            requested = true;
            List<String> others = new ArrayList<>(names);
            others.removeIf(EXPORTER_NAME::equals);
            return Collections.singletonMap(TRACES_EXPORTER, others.isEmpty() ? "none" : String.join(",", others));
        }

        Resource keepResource(Resource configured, ConfigProperties config) {
            resource = configured;
            return configured;
        }

        SdkTracerProviderBuilder addProcessor(SdkTracerProviderBuilder builder, ConfigProperties config) {
            if (!requested) {
                return builder;
            }
            RingtraceSpanProcessor processor;
            try {
                processor = RingtraceSpanProcessor.builder(TraceEngine.builder()
                                .name(ENGINE_NAME)
                                .fromEnvironment(AutoConfigurationVariables.engine(config))
                                .exporter(SuppressedInstrumentationExporter.wrap(
                                        OtlpExporters.fromEnvironment(AutoConfigurationVariables.exporter(config), Signal.TRACES))))
                        .resource(resource)
                        .build();
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ConfigurationException("ringtrace: " + e.getMessage(), e);
            }
            return builder.addSpanProcessor(processor);
        }
    }
}
