package io.ringtrace.engine.internal.jmx;

import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.PipelineEngine;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.internal.leak.OpenSpanDetector;
import io.ringtrace.engine.internal.monitor.CollectorReadings;
import io.ringtrace.engine.internal.monitor.GcMemoryMonitor;
import io.ringtrace.engine.ops.LatencyHistogram;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.ReflectionException;

/**
 * The engine's statistics as a read-only JMX MBean named {@code io.ringtrace:type=Engine,name=<engine
 * name>} ({@value #DOMAIN} domain): the {@link EngineStats} snapshot of {@link PipelineEngine#stats}
 * (published, exported, in flight, dropped per reason, requests, bytes, retries, export latency
 * summary, ring occupancy, ring slots held unpublished, request buffers in use, off-heap bytes,
 * rejected completions), plus the readings of the
 * engine's {@link GcMemoryMonitor} and {@link OpenSpanDetector} when they run.
 *
 * <p>Every {@code getAttribute} call takes a fresh snapshot; a {@code getAttributes} call takes one
 * snapshot for all the attributes it asks for, so they agree with each other (a JMX client that
 * reads all attributes at once sees one coherent snapshot). Reads happen on the JMX client's thread,
 * never on a ringtrace thread, and cost one {@link PipelineEngine#stats} call.
 *
 * <p>Registered by the engine at build and unregistered at close ({@link #register}). If the name is
 * taken (two engines with one name in a JVM), the next free {@code name=<name>-2}, {@code -3} ... is
 * used.
 */
public final class EngineMBean implements DynamicMBean {

    /** The JMX domain of ringtrace's MBeans. */
    public static final String DOMAIN = "io.ringtrace";

    private static final DropReason[] REASONS = DropReason.values();
    private static final List<Attr> ATTRIBUTES = attributes();
    private static final Map<String, Attr> BY_NAME = byName(ATTRIBUTES);

    private final PipelineEngine<?> engine;
    private final GcMemoryMonitor monitor;
    private final OpenSpanDetector detector;
    private final MBeanInfo info;
    // Refilled under the lock on each read; one instance for the MBean's lifetime.
    private final EngineStats stats = new EngineStats();

    /**
     * @param engine the engine whose stats to expose
     * @param monitor the engine's GC and memory monitor, or null
     * @param detector the engine's open-span leak detector, or null (off)
     */
    public EngineMBean(PipelineEngine<?> engine, GcMemoryMonitor monitor, OpenSpanDetector detector) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.monitor = monitor;
        this.detector = detector;
        MBeanAttributeInfo[] infos = new MBeanAttributeInfo[ATTRIBUTES.size()];
        for (int i = 0; i < infos.length; i++) {
            Attr a = ATTRIBUTES.get(i);
            infos[i] = new MBeanAttributeInfo(a.name, a.type, a.description, true, false, a.type.equals("boolean"));
        }
        this.info = new MBeanInfo(EngineMBean.class.getName(),
                "ringtrace engine '" + engine.name() + "': pipeline statistics, GC/memory monitor, open-span detector",
                infos, null, null, null);
    }

    /**
     * @param engineName an engine name
     * @return {@code io.ringtrace:type=Engine,name=<engineName>}
     * @throws IllegalArgumentException if the name is not valid in an ObjectName
     */
    public static ObjectName objectName(String engineName) {
        try {
            return new ObjectName(DOMAIN + ":type=Engine,name=" + engineName);
        } catch (JMException e) {
            throw new IllegalArgumentException("engine name not usable in a JMX ObjectName: " + engineName, e);
        }
    }

    /**
     * Registers an MBean with the platform MBean server.
     *
     * @param mbean the MBean
     * @return the name it was registered under
     * @throws IllegalStateException if registration fails for another reason than a taken name
     */
    public static ObjectName register(EngineMBean mbean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String base = mbean.engine.name();
        for (int suffix = 1; ; suffix++) {
            ObjectName name = objectName(suffix == 1 ? base : base + "-" + suffix);
            try {
                server.registerMBean(mbean, name);
                return name;
            } catch (InstanceAlreadyExistsException taken) {
                // another engine with the same name: try the next suffix
            } catch (JMException e) {
                throw new IllegalStateException("cannot register MBean " + name, e);
            }
        }
    }

    /**
     * Unregisters an MBean from the platform MBean server; nothing happens if it is not registered.
     *
     * @param name the name {@link #register} returned
     */
    public static void unregister(ObjectName name) {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException alreadyGone) {
            // the end state we want
        } catch (JMException e) {
            throw new IllegalStateException("cannot unregister MBean " + name, e);
        }
    }

    @Override
    public synchronized Object getAttribute(String attribute) throws AttributeNotFoundException {
        Attr a = BY_NAME.get(attribute);
        if (a == null) {
            throw new AttributeNotFoundException("no attribute " + attribute + " in " + info.getClassName());
        }
        refresh();
        return a.read.apply(this);
    }

    @Override
    public synchronized AttributeList getAttributes(String[] attributes) {
        refresh(); // one snapshot for the whole list: the values agree with each other
        AttributeList list = new AttributeList(attributes.length);
        for (String name : attributes) {
            Attr a = BY_NAME.get(name);
            if (a != null) {
                list.add(new Attribute(name, a.read.apply(this)));
            }
        }
        return list;
    }

    private void refresh() {
        engine.stats(stats);
        if (monitor != null) {
            monitor.checkOffHeap();
        }
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("all ringtrace engine attributes are read-only: " + attribute.getName());
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList(); // read-only: nothing set
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName), "the ringtrace engine MBean has no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }

    /** @return the names of all attributes, in MBeanInfo order */
    public static List<String> attributeNames() {
        List<String> names = new ArrayList<>(ATTRIBUTES.size());
        for (Attr a : ATTRIBUTES) {
            names.add(a.name);
        }
        return names;
    }

    // ---------------------------------------------------------------------------- attributes

    /** One attribute: name, open type, description and how to read it from the MBean's snapshot. */
    private static final class Attr {
        final String name;
        final String type;
        final String description;
        final Function<EngineMBean, Object> read;

        Attr(String name, Class<?> type, String description, Function<EngineMBean, Object> read) {
            this.name = name;
            this.type = type.getName();
            this.description = description;
            this.read = read;
        }
    }

    private static List<Attr> attributes() {
        List<Attr> a = new ArrayList<>();
        a.add(new Attr("EngineName", String.class, "The engine's name", m -> m.engine.name()));
        a.add(new Attr("Closed", boolean.class, "Whether the engine is closed or closing", m -> m.stats.closed()));
        a.add(new Attr("Published", long.class, "Sampled spans handed to the engine", m -> m.stats.published()));
        a.add(new Attr("Exported", long.class, "Spans the receiver accepted", m -> m.stats.exported()));
        a.add(new Attr("InFlight", long.class, "Spans in the ring, the open request or requests not yet completed",
                m -> m.stats.inFlight()));
        a.add(new Attr("DroppedTotal", long.class, "Spans lost for any reason", m -> m.stats.droppedTotal()));
        for (DropReason reason : REASONS) {
            a.add(new Attr("Dropped" + camel(reason.name()), long.class, "Spans lost: " + reason.name(),
                    m -> m.stats.dropped(reason)));
        }
        a.add(new Attr("RingCapacity", int.class, "Ring slots", m -> m.stats.ringCapacity()));
        a.add(new Attr("RingBacklog", long.class, "Spans published into the ring, not yet serialized",
                m -> m.stats.ringBacklog()));
        a.add(new Attr("RingOccupancyPercent", double.class, "Ring backlog as a percentage of the ring's slots",
                m -> m.stats.ringCapacity() == 0 ? 0.0 : 100.0 * m.stats.ringBacklog() / m.stats.ringCapacity()));
        a.add(new Attr("SlotsHeldTooLong", long.class,
                "Ring slots claimed and not published for over 1 s while the serializer waited for them",
                m -> m.stats.slotsHeldTooLong()));
        a.add(new Attr("HeldSlotMillis", long.class,
                "How long the serializer has been waiting for a claimed, unpublished slot now (0: not waiting)",
                m -> m.stats.heldSlotMillis()));
        a.add(new Attr("OpenRequestSpans", long.class, "Spans in the request being filled", m -> m.stats.openRequestSpans()));
        a.add(new Attr("RequestSpansOutstanding", long.class, "Spans in requests handed to the exporter, not completed",
                m -> m.stats.requestSpansOutstanding()));
        a.add(new Attr("RequestBuffers", int.class, "Size of the fixed request-buffer pool", m -> m.stats.requestBuffers()));
        a.add(new Attr("RequestBuffersInUse", int.class, "Request buffers being filled or in flight",
                m -> m.stats.requestBuffersInUse()));
        a.add(new Attr("RequestsSent", long.class, "Requests handed to the exporter", m -> m.stats.requestsSent()));
        a.add(new Attr("RequestsFailed", long.class, "Requests the exporter completed as failed", m -> m.stats.requestsFailed()));
        a.add(new Attr("BytesSent", long.class, "Serialized bytes handed to the exporter", m -> m.stats.bytesSent()));
        a.add(new Attr("Retries", long.class, "Retries the exporter reported", m -> m.stats.retries()));
        a.add(new Attr("IgnoredSpanCalls", long.class, "Span API calls ignored as misuse (null arguments and the like)",
                m -> m.stats.ignoredSpanCalls()));
        a.add(new Attr("RepeatedEnds", long.class, "end() calls on spans already ended (no-ops)",
                m -> m.stats.repeatedEnds()));
        a.add(new Attr("SamplerErrors", long.class, "Spans whose sampler threw (started as not sampled)",
                m -> m.stats.samplerErrors()));
        a.add(new Attr("RejectedCompletions", long.class,
                "Export request completions rejected as stale or duplicate (an exporter bug; not counted)",
                m -> m.stats.rejectedCompletions()));
        a.add(new Attr("ExportLatencyCount", long.class, "Completed export requests measured",
                m -> m.stats.exportLatency().count()));
        a.add(new Attr("ExportLatencyMeanMicros", long.class, "Mean hand-off-to-completion time, microseconds",
                m -> m.stats.exportLatency().meanNanos() / 1_000));
        a.add(new Attr("ExportLatencyP50Micros", long.class, "Median export latency (bucket upper bound), microseconds",
                m -> m.stats.exportLatency().percentileNanos(50) / 1_000));
        a.add(new Attr("ExportLatencyP99Micros", long.class, "99th percentile export latency (bucket upper bound), microseconds",
                m -> m.stats.exportLatency().percentileNanos(99) / 1_000));
        a.add(new Attr("ExportLatencyP999Micros", long.class, "99.9th percentile export latency (bucket upper bound), microseconds",
                m -> m.stats.exportLatency().percentileNanos(99.9) / 1_000));
        a.add(new Attr("ExportLatencyMaxMicros", long.class, "Longest export latency, microseconds",
                m -> m.stats.exportLatency().maxNanos() / 1_000));
        a.add(new Attr("OffHeapBytesHeld", long.class, "Off-heap bytes the engine's request buffers hold",
                m -> m.stats.offHeapBytesHeld()));
        a.add(new Attr("OffHeapBudgetBytes", long.class, "Off-heap budget the monitor warns against (0: no monitor)",
                m -> m.monitor == null ? 0L : m.monitor.offHeapBudgetBytes()));
        a.add(new Attr("OffHeapWarnings", long.class, "Upward crossings of the warning threshold by off-heap bytes / budget",
                m -> m.monitor == null ? 0L : m.monitor.offHeapWarnings()));
        a.add(new Attr("HeapUsedAfterGcBytes", long.class, "Heap in use after the latest GC (0: no monitor or no GC yet)",
                m -> m.monitor == null ? 0L : m.monitor.heapUsedAfterGcBytes()));
        a.add(new Attr("HeapMaxBytes", long.class, "Maximum heap (0: no monitor)",
                m -> m.monitor == null ? 0L : m.monitor.heapMaxBytes()));
        a.add(new Attr("HeapWarnings", long.class, "Upward crossings of the warning threshold by heap-after-GC / max",
                m -> m.monitor == null ? 0L : m.monitor.heapWarnings()));
        a.add(new Attr("GcCount", long.class, "Collections seen since the engine started (all collectors)",
                m -> m.monitor == null ? 0L : m.monitor.gcCount()));
        a.add(new Attr("GcMaxDurationMillis", long.class, "Longest collection since start, any collector, milliseconds",
                EngineMBean::gcMaxMillis));
        a.add(new Attr("GcLastCause", String.class, "Collector and cause of the latest collection (empty: no monitor or no GC yet)",
                EngineMBean::gcLastCause));
        a.add(new Attr("LeakDetectorEnabled", boolean.class, "Whether the open-span leak detector runs",
                m -> m.detector != null));
        a.add(new Attr("OpenSpansOverThreshold", int.class, "Spans open longer than the leak threshold at the latest scan",
                m -> m.detector == null ? 0 : m.detector.lastOpenOverThreshold()));
        a.add(new Attr("LeakedSpansReported", long.class, "Leaked spans reported, summed over scans",
                m -> m.detector == null ? 0L : m.detector.leaksReported()));
        a.add(new Attr("LeakedFlyweightsReclaimed", long.class, "Span flyweights reclaimed from leaked spans",
                m -> m.detector == null ? 0L : m.detector.reclaimed()));
        return a;
    }

    private static Object gcMaxMillis(EngineMBean m) {
        long maxNanos = 0;
        if (m.monitor != null) {
            LatencyHistogram.Snapshot durations = new LatencyHistogram.Snapshot();
            for (CollectorReadings c : m.monitor.collectors()) {
                maxNanos = Math.max(maxNanos, c.durations().copyInto(durations).maxNanos());
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(maxNanos);
    }

    private static Object gcLastCause(EngineMBean m) {
        CollectorReadings last = m.monitor == null ? null : m.monitor.lastCollector();
        return last == null ? "" : last.collectorName() + ": " + last.lastCause();
    }

    private static Map<String, Attr> byName(List<Attr> attributes) {
        Map<String, Attr> map = new HashMap<>();
        for (Attr a : attributes) {
            map.put(a.name, a);
        }
        return map;
    }

    /** RING_FULL -> RingFull. */
    private static String camel(String constant) {
        StringBuilder s = new StringBuilder();
        for (String part : constant.split("_")) {
            s.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return s.toString();
    }
}
