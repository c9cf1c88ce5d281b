/**
 * Internal, not API: ringtrace's own modules use it and it may change in any release. The open-span leak detector and its view of the engine's span pools.
 * Configure it with {@link io.ringtrace.engine.ops.OperabilityOptions}; read what it shows through
 * {@link io.ringtrace.engine.EngineStats}, JMX or JFR.
 */
package io.ringtrace.engine.internal.leak;
