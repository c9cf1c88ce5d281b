/**
 * Operability as users configure and read it: {@link io.ringtrace.engine.ops.OperabilityOptions}
 * (JMX MBean, GC and memory monitor, JFR drop-burst events, open-span leak detector), the leak
 * detector's {@link io.ringtrace.engine.ops.LeakReporter} and its reports, and the
 * {@link io.ringtrace.engine.ops.LatencyHistogram} behind {@link io.ringtrace.engine.EngineStats#exportLatency()}.
 * The implementations live in {@code io.ringtrace.engine.internal}, which is not API.
 */
package io.ringtrace.engine.ops;
