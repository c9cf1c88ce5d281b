/**
 * Internal, not API: ringtrace's own modules use it and it may change in any release. The GC and memory monitor, and the rate-limited log the engine and exporter share.
 * Configure it with {@link io.ringtrace.engine.ops.OperabilityOptions}; read what it shows through
 * {@link io.ringtrace.engine.EngineStats}, JMX or JFR.
 */
package io.ringtrace.engine.internal.monitor;
