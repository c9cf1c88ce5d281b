package io.ringtrace.engine.ops;

import io.ringtrace.engine.internal.leak.OpenSpanDetector;
import io.ringtrace.engine.internal.monitor.GcMemoryMonitor;
import java.time.Duration;
import java.util.Objects;

/**
 * What an engine shows about itself and the JVM (set with the engine builder's
 * {@code operability(...)}): the JMX MBean, the GC and memory monitor, the JFR drop-burst events and
 * the open-span leak detector. Immutable.
 *
 * <p>{@link #defaults()}: MBean on, monitor on (warning at 80%, no off-heap budget), JFR drop
 * events on (they cost nothing unless a recording enables them), leak detector off.
 */
public final class OperabilityOptions {

    private static final OperabilityOptions DEFAULTS = builder().build();

    private final boolean jmx;
    private final boolean gcMonitor;
    private final double warnThreshold;
    private final Duration warnLogInterval;
    private final long offHeapBudgetBytes;
    private final boolean jfrDropEvents;
    private final boolean leakDetection;
    private final Duration leakInterval;
    private final Duration leakThreshold;
    private final boolean leakCaptureStacks;
    private final LeakReclaimPolicy leakReclaimPolicy;
    private final LeakReporter leakReporter;

    private OperabilityOptions(Builder b) {
        this.jmx = b.jmx;
        this.gcMonitor = b.gcMonitor;
        this.warnThreshold = b.warnThreshold;
        this.warnLogInterval = b.warnLogInterval;
        this.offHeapBudgetBytes = b.offHeapBudgetBytes;
        this.jfrDropEvents = b.jfrDropEvents;
        this.leakDetection = b.leakDetection;
        this.leakInterval = b.leakInterval;
        this.leakThreshold = b.leakThreshold;
        this.leakCaptureStacks = b.leakCaptureStacks;
        this.leakReclaimPolicy = b.leakReclaimPolicy;
        this.leakReporter = b.leakReporter;
    }

    /** @return MBean, monitor and JFR drop events on; leak detector off */
    public static OperabilityOptions defaults() {
        return DEFAULTS;
    }

    /** @return everything off (no MBean, no monitor, no JFR hook, no leak detector) */
    public static OperabilityOptions none() {
        return builder().jmx(false).gcMonitor(false).jfrDropEvents(false).build();
    }

    /** @return a builder starting from {@link #defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return whether the engine MBean is registered */
    public boolean jmx() {
        return jmx;
    }

    /** @return whether the GC and memory monitor runs */
    public boolean gcMonitor() {
        return gcMonitor;
    }

    /** @return the monitor's warning threshold, a ratio in {@code (0, 1]} */
    public double warnThreshold() {
        return warnThreshold;
    }

    /** @return the minimum time between two logged monitor warnings of one kind */
    public Duration warnLogInterval() {
        return warnLogInterval;
    }

    /** @return the off-heap budget the monitor checks against, in bytes; 0 for none */
    public long offHeapBudgetBytes() {
        return offHeapBudgetBytes;
    }

    /** @return whether the JFR drop-burst hook is registered */
    public boolean jfrDropEvents() {
        return jfrDropEvents;
    }

    /** @return the leak detector's time between two scans */
    public Duration leakInterval() {
        return leakInterval;
    }

    /** @return the age after which the leak detector counts an open span as leaked */
    public Duration leakThreshold() {
        return leakThreshold;
    }

    /** @return when the leak detector reclaims leaked flyweights */
    public LeakReclaimPolicy leakReclaimPolicy() {
        return leakReclaimPolicy;
    }

    /** @return who receives the leak detector's findings, or null for the default rate-limited log */
    public LeakReporter leakReporter() {
        return leakReporter;
    }

    /** @return whether the open-span leak detector runs */
    public boolean leakDetection() {
        return leakDetection;
    }

    /** @return whether stack capture at span start is on (leak detector debug setting) */
    public boolean leakCaptureStacks() {
        return leakCaptureStacks;
    }

    @Override
    public String toString() {
        return "OperabilityOptions{jmx=" + jmx + ", gcMonitor=" + gcMonitor + ", warnThreshold=" + warnThreshold
                + ", offHeapBudgetBytes=" + offHeapBudgetBytes + ", jfrDropEvents=" + jfrDropEvents
                + ", leakDetection=" + leakDetection
                + (leakDetection ? ", leakInterval=" + leakInterval + ", leakThreshold=" + leakThreshold
                        + ", leakCaptureStacks=" + leakCaptureStacks + ", leakReclaimPolicy=" + leakReclaimPolicy : "")
                + "}";
    }

    /** Builds {@link OperabilityOptions}; every setter validates at once. */
    public static final class Builder {
        private boolean jmx = true;
        private boolean gcMonitor = true;
        private double warnThreshold = GcMemoryMonitor.DEFAULT_WARN_THRESHOLD;
        private Duration warnLogInterval = GcMemoryMonitor.DEFAULT_LOG_INTERVAL;
        private long offHeapBudgetBytes;
        private boolean jfrDropEvents = true;
        private boolean leakDetection;
        private Duration leakInterval = OpenSpanDetector.DEFAULT_INTERVAL;
        private Duration leakThreshold = OpenSpanDetector.DEFAULT_THRESHOLD;
        private boolean leakCaptureStacks = Boolean.getBoolean(OpenSpanDetector.CAPTURE_STACKS_PROPERTY);
        private LeakReclaimPolicy leakReclaimPolicy = LeakReclaimPolicy.WHEN_POOL_EXHAUSTED;
        private LeakReporter leakReporter;

        private Builder() {}

        /**
         * @param on register the MBean {@code io.ringtrace:type=Engine,name=<engine name>} (default on)
         * @return this
         */
        public Builder jmx(boolean on) {
            this.jmx = on;
            return this;
        }

        /**
         * @param on run the GC and memory monitor (default on; it costs nothing between collections)
         * @return this
         */
        public Builder gcMonitor(boolean on) {
            this.gcMonitor = on;
            return this;
        }

        /**
         * @param ratio the monitor's warning threshold in {@code (0, 1]} for heap-after-GC / max heap
         *     and off-heap held / budget (default 0.8)
         * @return this
         */
        public Builder warnThreshold(double ratio) {
            if (!(ratio > 0 && ratio <= 1)) {
                throw new IllegalArgumentException("warnThreshold must be in (0, 1], got " + ratio);
            }
            this.warnThreshold = ratio;
            return this;
        }

        /**
         * @param interval the minimum time between two logged warnings of one kind (default 10 s)
         * @return this
         */
        public Builder warnLogInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new IllegalArgumentException("warnLogInterval must be >= 0, got " + interval);
            }
            this.warnLogInterval = interval;
            return this;
        }

        /**
         * @param bytes the off-heap memory this engine may hold, {@code > 0}: the monitor warns when
         *     the engine's request buffers hold more than the threshold of it (the buffers are
         *     allocated at build, so a too-small budget warns at once). Default: none (no check).
         * @return this
         */
        public Builder offHeapBudgetBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("offHeapBudgetBytes must be > 0, got " + bytes);
            }
            this.offHeapBudgetBytes = bytes;
            return this;
        }

        /**
         * @param on register the JFR drop-burst hook (default on; JFR runs it only while a recording
         *     enables {@code io.ringtrace.DropBurst})
         * @return this
         */
        public Builder jfrDropEvents(boolean on) {
            this.jfrDropEvents = on;
            return this;
        }

        /**
         * Turns the open-span leak detector on.
         *
         * @param interval time between two scans, {@code > 0} (e.g. 10 s)
         * @param threshold age after which an open span counts as leaked, {@code > 0} (e.g. 60 s)
         * @return this
         */
        public Builder leakDetection(Duration interval, Duration threshold) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("leak scan interval must be > 0, got " + interval);
            }
            if (threshold == null || threshold.isNegative() || threshold.isZero()) {
                throw new IllegalArgumentException("leak threshold must be > 0, got " + threshold);
            }
            this.leakDetection = true;
            this.leakInterval = interval;
            this.leakThreshold = threshold;
            return this;
        }

        /**
         * @param capture capture each span's start stack for leak reports (debug: allocates one
         *     {@code Throwable} per span start; default from {@code -Dringtrace.leak.captureStacks})
         * @return this
         */
        public Builder leakCaptureStacks(boolean capture) {
            this.leakCaptureStacks = capture;
            return this;
        }

        /**
         * @param policy when the leak detector reclaims leaked flyweights (default
         *     {@code WHEN_POOL_EXHAUSTED})
         * @return this
         */
        public Builder leakReclaimPolicy(LeakReclaimPolicy policy) {
            this.leakReclaimPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param reporter receives the leak detector's findings (default: a rate-limited
         *     {@code System.Logger} warning)
         * @return this
         */
        public Builder leakReporter(LeakReporter reporter) {
            this.leakReporter = Objects.requireNonNull(reporter, "reporter");
            return this;
        }

        /** @return the options */
        public OperabilityOptions build() {
            return new OperabilityOptions(this);
        }
    }
}
