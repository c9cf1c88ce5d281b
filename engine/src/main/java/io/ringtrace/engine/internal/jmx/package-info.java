/**
 * Internal, not API: ringtrace's own modules use it and it may change in any release. The engine MBean (io.ringtrace:type=Engine,name=&lt;engine name&gt;).
 * Configure it with {@link io.ringtrace.engine.ops.OperabilityOptions}; read what it shows through
 * {@link io.ringtrace.engine.EngineStats}, JMX or JFR.
 */
package io.ringtrace.engine.internal.jmx;
