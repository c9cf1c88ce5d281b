package io.ringtrace.engine.internal.monitor;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Watches the JVM's garbage collectors and the off-heap memory ringtrace holds, and warns before
 * memory runs out: the JVM counterpart of a GC-pressure / memory-limit monitor.
 *
 * <p>It subscribes to every {@link GarbageCollectorMXBean}'s notifications (so it costs nothing
 * between collections and nothing on any application or ringtrace hot path; the JDK delivers the
 * notifications on its own notification thread). Per collector it keeps the collection count, a
 * {@link LatencyHistogram} of durations and the latest cause ({@link #collectors()}). After each
 * collection it compares the heap in use after GC with the maximum heap, and the off-heap bytes
 * ringtrace holds (a supplier, see {@link Builder#offHeap(LongSupplier, long)}) with their budget.
 * Each upward crossing of the warning threshold (default {@value #DEFAULT_WARN_THRESHOLD}) raises
 * {@link #heapWarnings()} / {@link #offHeapWarnings()} by one and logs a warning through
 * {@link System.Logger} (logger {@value #LOGGER_NAME}), at most once per log interval.
 *
 * <p>Reads ({@link #collectors()}, the getters) allocate nothing. Bound: one
 * {@link CollectorReadings} per collector bean, fixed at start.
 */
public final class GcMemoryMonitor implements AutoCloseable {

    /** Default warning threshold: 80% of the heap maximum or of the off-heap budget. */
    public static final double DEFAULT_WARN_THRESHOLD = 0.8;
    /** Default minimum time between two warnings of the same kind in the log. */
    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(10);
    /** Name of the {@link System.Logger} used when none is given (documented for log configuration, so not the package name). */
    public static final String LOGGER_NAME = "io.ringtrace.engine.monitor";

    private final String name;
    private final LongSupplier offHeapBytesHeld;
    private final long offHeapBudgetBytes;
    private final ThresholdCrossing heapCrossing;
    private final ThresholdCrossing offHeapCrossing;
    private final RateLimitedLog heapLog;
    private final RateLimitedLog offHeapLog;
    private final Set<String> heapPoolNames;
    private final List<CollectorReadings> collectors;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;
    private final long heapMaxBytes;

    private volatile long heapUsedAfterGcBytes;
    private volatile CollectorReadings lastCollector;
    private volatile long lastOffHeapBytesHeld;
    private volatile boolean closed;

    private GcMemoryMonitor(Builder b) {
        this.name = b.name;
        this.offHeapBytesHeld = b.offHeapBytesHeld;
        this.offHeapBudgetBytes = b.offHeapBudgetBytes;
        this.heapCrossing = new ThresholdCrossing(b.warnThreshold);
        this.offHeapCrossing = new ThresholdCrossing(b.warnThreshold);
        long intervalNanos = b.logInterval.toNanos();
        this.heapLog = new RateLimitedLog(b.logger, intervalNanos);
        this.offHeapLog = new RateLimitedLog(b.logger, intervalNanos);
        this.heapMaxBytes = Runtime.getRuntime().maxMemory();

        Set<String> pools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pools.add(pool.getName());
            }
        }
        this.heapPoolNames = Collections.unmodifiableSet(pools);

        List<CollectorReadings> readings = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter) {
                readings.add(new CollectorReadings(gc.getName()));
                emitters.add((NotificationEmitter) gc);
            }
        }
        this.collectors = Collections.unmodifiableList(readings);
    }

    /** Subscribes once every field is set, so a notification never sees a half-built monitor. */
    private GcMemoryMonitor subscribe() {
        for (int i = 0; i < emitters.size(); i++) {
            // The handback routes each notification to its collector's readings.
            emitters.get(i).addNotificationListener(listener, null, collectors.get(i));
        }
        return this;
    }

    /** @return a builder with the defaults: threshold 80%, no off-heap budget, 10 s log interval */
    public static Builder builder() {
        return new Builder();
    }

    private void onNotification(Notification notification, Object handback) {
        if (closed || !GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        GcInfo gcInfo = info.getGcInfo();
        long usedAfter = heapUsedAfter(gcInfo.getMemoryUsageAfterGc());
        heapUsedAfterGcBytes = usedAfter;
        CollectorReadings collector = (CollectorReadings) handback;
        collector.record(info.getGcCause(), info.getGcAction(), gcInfo.getDuration(), usedAfter);
        lastCollector = collector;

        if (heapCrossing.update(usedAfter, heapMaxBytes)) {
            heapLog.log(Level.WARNING, "ringtrace[" + name + "]: heap in use after GC is " + mib(usedAfter)
                    + " MiB, " + percent(usedAfter, heapMaxBytes) + "% of the " + mib(heapMaxBytes)
                    + " MiB maximum (warning threshold " + percent(heapCrossing.threshold()) + "%), after "
                    + info.getGcName() + " (" + info.getGcCause() + ")");
        }
        checkOffHeap();
    }

    private long heapUsedAfter(Map<String, MemoryUsage> usageAfterGc) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : usageAfterGc.entrySet()) {
            if (heapPoolNames.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }

    /**
     * Reads the off-heap supplier now and compares it with the budget (also done after every GC).
     * Call it from a periodic background task if off-heap use can change between collections.
     * Does nothing without a budget.
     *
     * @return the off-heap bytes held, as read now (0 without a supplier)
     */
    public long checkOffHeap() {
        if (offHeapBytesHeld == null) {
            return 0;
        }
        long held = offHeapBytesHeld.getAsLong();
        lastOffHeapBytesHeld = held;
        if (offHeapCrossing.update(held, offHeapBudgetBytes)) {
            offHeapLog.log(Level.WARNING, "ringtrace[" + name + "]: off-heap memory held is " + held
                    + " bytes, " + percent(held, offHeapBudgetBytes) + "% of the " + offHeapBudgetBytes
                    + "-byte budget (warning threshold " + percent(offHeapCrossing.threshold()) + "%)");
        }
        return held;
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    private static long percent(long part, long whole) {
        return whole <= 0 ? 0 : Math.round(100.0 * part / whole);
    }

    private static long percent(double ratio) {
        return Math.round(ratio * 100);
    }

    /** @return the name used in log messages (usually the engine's name) */
    public String name() {
        return name;
    }

    /** @return the readings per collector, one per {@link GarbageCollectorMXBean}, fixed at start */
    public List<CollectorReadings> collectors() {
        return collectors;
    }

    /**
     * @param collectorName a collector name as the JDK reports it
     * @return its readings, or {@code null} if there is no such collector
     */
    public CollectorReadings collector(String collectorName) {
        for (int i = 0; i < collectors.size(); i++) { // indexed: no iterator
            CollectorReadings r = collectors.get(i);
            if (r.collectorName().equals(collectorName)) {
                return r;
            }
        }
        return null;
    }

    /** @return collections seen by all collectors since start */
    public long gcCount() {
        long count = 0;
        for (int i = 0; i < collectors.size(); i++) {
            count += collectors.get(i).gcCount();
        }
        return count;
    }

    /** @return the collector that ran the latest collection, or null before the first */
    public CollectorReadings lastCollector() {
        return lastCollector;
    }

    /** @return heap bytes in use right after the latest collection (0 before the first) */
    public long heapUsedAfterGcBytes() {
        return heapUsedAfterGcBytes;
    }

    /** @return the maximum heap ({@link Runtime#maxMemory()}) */
    public long heapMaxBytes() {
        return heapMaxBytes;
    }

    /** @return upward crossings of the threshold by heap-used-after-GC / max heap */
    public long heapWarnings() {
        return heapCrossing.crossings();
    }

    /** @return off-heap bytes held at the latest check (0 without a supplier) */
    public long offHeapBytesHeld() {
        return lastOffHeapBytesHeld;
    }

    /** @return the off-heap budget in bytes (0 = none) */
    public long offHeapBudgetBytes() {
        return offHeapBudgetBytes;
    }

    /** @return upward crossings of the threshold by off-heap bytes held / budget */
    public long offHeapWarnings() {
        return offHeapCrossing.crossings();
    }

    /** @return the warning threshold ratio in {@code (0, 1]} */
    public double warnThreshold() {
        return heapCrossing.threshold();
    }

    /** Unsubscribes from the collectors. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < emitters.size(); i++) {
            NotificationEmitter emitter = emitters.get(i);
            try {
                emitter.removeNotificationListener(listener, null, collectors.get(i));
            } catch (ListenerNotFoundException alreadyGone) {
                // Nothing to remove: the end state we want.
            }
        }
    }

    /** Configures and starts a {@link GcMemoryMonitor}. */
    public static final class Builder {
        private String name = "ringtrace";
        private double warnThreshold = DEFAULT_WARN_THRESHOLD;
        private LongSupplier offHeapBytesHeld;
        private long offHeapBudgetBytes;
        private Logger logger;
        private Duration logInterval = DEFAULT_LOG_INTERVAL;

        private Builder() {}

        /**
         * @param name a name for log messages, usually the engine's name
         * @return this
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param ratio the warning threshold in {@code (0, 1]}, for the heap and the off-heap budget
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
         * Watches ringtrace's off-heap memory against a budget.
         *
         * @param bytesHeld reads the off-heap bytes currently held; called after every GC and from
         *     {@link GcMemoryMonitor#checkOffHeap()}, so it must be cheap and thread-safe
         * @param budgetBytes the budget, {@code > 0} (e.g. the engine's memory bound)
         * @return this
         */
        public Builder offHeap(LongSupplier bytesHeld, long budgetBytes) {
            if (budgetBytes <= 0) {
                throw new IllegalArgumentException("off-heap budget must be > 0 bytes, got " + budgetBytes);
            }
            this.offHeapBytesHeld = Objects.requireNonNull(bytesHeld, "bytesHeld");
            this.offHeapBudgetBytes = budgetBytes;
            return this;
        }

        /**
         * @param logger where warnings go (default: {@code System.getLogger("io.ringtrace.engine.monitor")})
         * @return this
         */
        public Builder logger(Logger logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /**
         * @param interval minimum time between two logged warnings of the same kind ({@code >= 0};
         *     the warning counters count every crossing regardless)
         * @return this
         */
        public Builder logInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new IllegalArgumentException("logInterval must be >= 0, got " + interval);
            }
            this.logInterval = interval;
            return this;
        }

        /** @return a running monitor, subscribed to every collector; close it to unsubscribe */
        public GcMemoryMonitor start() {
            if (logger == null) {
                logger = System.getLogger(LOGGER_NAME);
            }
            return new GcMemoryMonitor(this).subscribe();
        }
    }
}
