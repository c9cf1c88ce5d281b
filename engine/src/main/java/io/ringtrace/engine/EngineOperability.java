package io.ringtrace.engine;

import io.ringtrace.engine.internal.jfr.DropBurstRecorder;
import io.ringtrace.engine.internal.jmx.EngineMBean;
import io.ringtrace.engine.internal.leak.OpenSpanDetector;
import io.ringtrace.engine.internal.monitor.GcMemoryMonitor;
import io.ringtrace.engine.ops.OperabilityOptions;
import javax.management.ObjectName;

/**
 * The engine's one seam to its operability parts (io.ringtrace.engine.internal.jfr, .jmx, .leak,
 * .monitor): the engine calls only this class, and users reach those parts only through
 * {@link OperabilityOptions}, the reports of {@code io.ringtrace.engine.ops} and {@link EngineStats}.
 * Starts and stops what an engine shows about itself, per its {@link OperabilityOptions}: the open-span
 * leak detector ({@link #startDetector}, before the engine hands out spans) and then the GC and
 * memory monitor, the JFR drop-burst hook and the JMX MBean ({@link #start}, once the engine runs).
 * The engine closes it after its own pipeline has closed, so the last drop-burst event and the MBean
 * see the final counts.
 *
 * <p>Nothing here runs on a ringtrace hot path: the monitor runs on the JDK's notification thread,
 * the drop-burst hook on JFR's periodic thread, the MBean on the JMX client's thread and the leak
 * detector on its own daemon thread.
 */
final class EngineOperability implements AutoCloseable {

    private final OpenSpanDetector detector;
    private GcMemoryMonitor monitor;
    private DropBurstRecorder dropBursts;
    private ObjectName mbeanName;
    private boolean closed;

    private EngineOperability(OpenSpanDetector detector) {
        this.detector = detector;
    }

    /**
     * First step, while the engine is being built: starts the leak detector if the options ask for
     * it, so span pools can register with it from their first span.
     *
     * @param engineName the engine's name
     * @param options what to run
     * @return the operability handle; call {@link #start} once the engine is built
     */
    static EngineOperability startDetector(String engineName, OperabilityOptions options) {
        OpenSpanDetector detector = null;
        if (options.leakDetection()) {
            OpenSpanDetector.Builder b = OpenSpanDetector.builder().name(engineName).interval(options.leakInterval())
                    .threshold(options.leakThreshold()).captureStacks(options.leakCaptureStacks())
                    .reclaimPolicy(options.leakReclaimPolicy());
            if (options.leakReporter() != null) {
                b.reporter(options.leakReporter());
            }
            detector = b.start();
        }
        return new EngineOperability(detector);
    }

    /**
     * Second step, once the engine runs: starts the monitor, the JFR drop-burst hook and the MBean.
     * If one of them fails, what was started is stopped again and the exception propagates.
     *
     * @param engine the engine
     * @param options what to run
     * @return this
     */
    EngineOperability start(PipelineEngine<?> engine, OperabilityOptions options) {
        try {
            if (options.gcMonitor()) {
                GcMemoryMonitor.Builder b = GcMemoryMonitor.builder().name(engine.name())
                        .warnThreshold(options.warnThreshold()).logInterval(options.warnLogInterval());
                if (options.offHeapBudgetBytes() > 0) {
                    b.offHeap(engine::offHeapBytesHeld, options.offHeapBudgetBytes());
                }
                monitor = b.start();
                monitor.checkOffHeap(); // the buffers exist already: a too-small budget warns now
            }
            if (options.jfrDropEvents()) {
                dropBursts = DropBurstRecorder.register(engine.name(), engine::dropped);
            }
            if (options.jmx()) {
                mbeanName = EngineMBean.register(new EngineMBean(engine, monitor, detector));
            }
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** @return the leak detector, or null when it is off */
    OpenSpanDetector leakDetector() {
        return detector;
    }

    /**
     * Stops everything: the leak detector's thread (joined), the JFR hook (after a last drop-burst
     * event if a recording wants it), the MBean and the monitor. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (detector != null) {
            detector.close();
        }
        if (dropBursts != null) {
            dropBursts.close();
        }
        if (mbeanName != null) {
            EngineMBean.unregister(mbeanName);
        }
        if (monitor != null) {
            monitor.close();
        }
    }
}
